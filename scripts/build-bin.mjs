#!/usr/bin/env node
// Builds dist/bin from the compiled dist/: the launcher, the CLI bundle, the `login` bundle, and one
// bundle per library that the CLI loads only on demand; and dist/integrations/default-issuers.json.
// Run after `tsc` (npm run build does both).
// The launcher is written last: scripts/build-if-stale.sh takes a missing launcher for a failed build.
//
// Every start reads, decodes and takes the code cache of the whole CLI bundle, whatever the command
// uses, so a library that only some runs need (GraphQL for Stitch's API, a Redis client, a YAML
// parser, pretty logs) is a bundle of its own in dist/bin/lib, read at its first use. The image and
// an installed package need no node_modules: dist/bin is self-contained either way.
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { tagBundle } from './bundle-tag.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'bin');

/** Libraries that mock-idp's sources only `import()` when a run needs them. */
const ON_DEMAND = ['graphql', 'ioredis', 'pino-pretty', 'yaml'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // The spa adapter's browser driver: the user's own install, loaded only when that adapter runs.
  external: ['playwright-core'],
  // import() of an on-demand library becomes require(): Node 20 runs the bundle through vm.Script, where
  // import() has no loader, and require() also skips starting Node's ES module loader.
  supported: { 'dynamic-import': false },
};

/** Sends `import('graphql')` and the like to dist/bin/lib/graphql.cjs, next to the bundle that asks. */
const onDemandLibraries = {
  name: 'on-demand-libraries',
  setup(build) {
    const filter = new RegExp(`^(${ON_DEMAND.join('|')})$`);
    build.onResolve({ filter }, (args) => {
      if (args.kind !== 'dynamic-import') {
        // A static import would load the library at every start, and from a path that only exists in dist/bin.
        return { errors: [{ text: `${args.path} must be loaded with import() (scripts/build-bin.mjs)` }] };
      }
      return { path: `./lib/${args.path}.cjs`, external: true };
    });
  },
};

/**
 * oidc-provider builds two Intl.ListFormat objects when it is imported, for its error messages. The first
 * Intl object of a process sets up ICU, which is a large share of a start that needs no Intl otherwise,
 * so the CLI bundle builds them at their first use instead. Any other text in that file stops the build, so
 * that a new oidc-provider gets a look rather than a wrong patch or a silently slower start.
 */
const deferListFormats = {
  name: 'defer-list-formats',
  setup(build) {
    build.onLoad({ filter: /oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager =
        "const conjunction = new Intl.ListFormat('en', { type: 'conjunction' });\n" +
        "const disjunction = new Intl.ListFormat('en', { type: 'disjunction' });\n";
      if (!source.startsWith(eager)) {
        return {
          contents: source,
          loader: 'js',
          warnings: [{ text: 'formatters.js changed: Intl set-up not deferred' }],
        };
      }
      const lazy =
        'let lists;\n' +
        'const listFormat = (type) => (lists ??= {\n' +
        "  conjunction: new Intl.ListFormat('en', { type: 'conjunction' }),\n" +
        "  disjunction: new Intl.ListFormat('en', { type: 'disjunction' }),\n" +
        '})[type];\n' +
        "const conjunction = { format: (items) => listFormat('conjunction').format(items) };\n" +
        "const disjunction = { format: (items) => listFormat('disjunction').format(items) };\n";
      return { contents: lazy + source.slice(eager.length), loader: 'js' };
    });
  },
};

rmSync(out, { recursive: true, force: true });
await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['dist/cli/main.js'],
    outfile: 'dist/bin/cli.cjs',
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "var __importMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
    plugins: [onDemandLibraries, deferListFormats],
  }),
  esbuild.build({
    ...common,
    entryPoints: ['dist/cli/login-main.js'],
    outfile: 'dist/bin/login.cjs',
    plugins: [onDemandLibraries],
  }),
  ...ON_DEMAND.map((name) =>
    esbuild.build({
      ...common,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root },
      outfile: `dist/bin/lib/${name}.cjs`,
    }),
  ),
]);
for (const bundle of ['cli.cjs', 'login.cjs']) tagBundle(path.join(out, bundle));
// The issuers of a config-less run, for the vitest globalSetup: it provides them to the tests while the
// server is still loading, and must not load the profiles (oidc-provider) to know them.
const { defaultIssuerPaths } = await import('../dist/mock-idp/server/build-issuers.js');
writeFileSync(
  path.join(root, 'dist', 'integrations', 'default-issuers.json'),
  `${JSON.stringify(defaultIssuerPaths(), null, 2)}\n`,
);
copyFileSync(path.join(root, 'dist', 'cli', 'launch.cjs'), path.join(out, 'mock-idp.cjs'));
chmodSync(path.join(out, 'mock-idp.cjs'), 0o755);
