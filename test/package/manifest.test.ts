import { isAscii } from 'node:buffer';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tagBundle } from '../../scripts/bundle-tag.mjs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
  type: string;
  bin: Record<string, string>;
  engines: { node: string };
  exports: Record<string, { types: string; default: string } | string>;
  scripts?: Record<string, string>;
};

describe('the npm package', () => {
  it('is one ESM package named mock-idp for Node >= 20.19 with a mock-idp bin', () => {
    expect(pkg).toMatchObject({ name: 'mock-idp', type: 'module', engines: { node: '>=20.19' } });
    expect(pkg.bin['mock-idp']).toBe('./dist/bin/mock-idp.cjs');
    expect(
      readFileSync(new URL(`../../${pkg.bin['mock-idp']}`, import.meta.url), 'utf8').startsWith(
        '#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node ',
      ),
    ).toBe(true);
  });

  it.each([
    'mock-idp',
    'mock-idp/helpers',
    'mock-idp/client',
    'mock-idp/conformance',
    'mock-idp/msw',
    'mock-idp/vitest',
  ])('resolves %s with its type declarations', async (specifier) => {
    const entry = pkg.exports[specifier === 'mock-idp' ? '.' : `./${specifier.slice('mock-idp/'.length)}`] as {
      types: string;
      default: string;
    };
    expect(existsSync(new URL(`../../${entry.default}`, import.meta.url))).toBe(true);
    expect(existsSync(new URL(`../../${entry.types}`, import.meta.url))).toBe(true);
    const mod = (await import(specifier)) as Record<string, unknown>;
    expect(mod).toBeTypeOf('object');
  });

  it('accepts vitest 4 or 5, msw 2.10+ or 3, and playwright-core for the spa adapter as optional peers', () => {
    const full = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(full.peerDependencies).toEqual({
      msw: '^2.10.0 || ^3.0.0',
      'playwright-core': '>=1.51.0',
      vitest: '^4.0.0 || ^5.0.0',
    });
    expect(full.peerDependenciesMeta).toEqual({
      msw: { optional: true },
      'playwright-core': { optional: true },
      vitest: { optional: true },
    });
  });

  it('says where it comes from, under the MIT license it ships', () => {
    const full = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(full.license).toBe('MIT');
    expect(readFileSync(new URL('../../LICENSE', import.meta.url), 'utf8')).toMatch(/^MIT License\n/);
    expect(full.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    expect(full.homepage).toMatch(/^https:\/\//);
    expect(full.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
    expect(full.keywords).toEqual(expect.arrayContaining(['oauth2', 'openid-connect', 'vitest', 'msw']));
  });

  it('builds before it packs: dist/ is not in git, and a pack or publish from a clean clone shipped no program', () => {
    expect(pkg.scripts?.prepack).toBe('npm run build');
  });

  it('packs what users need and no test-only files, source maps or caches', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const files = packed.files.map((f) => f.path);
    for (const needed of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/bin/mock-idp.cjs',
      'dist/bin/cli.cjs',
      'dist/bin/login.cjs',
      'dist/bin/lib/graphql.cjs',
      'dist/bin/lib/ioredis.cjs',
      'dist/bin/lib/pino-pretty.cjs',
      'dist/bin/lib/yaml.cjs',
      'dist/mock-idp/index.d.ts',
      'dist/mock-idp/helpers.js',
      'fixtures/keys/stitch.json',
      'fixtures/clients/stitch.json',
      'fixtures/keys/clients/stitch-client-certificate.pem',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.v8') || f.endsWith('v8-cache'))).toEqual([]);
    // TypeScript ships only as declarations; the flawed clients, test apps and key generator stay in the repository.
    expect(files.filter((f) => /\.(c|m)?ts$/.test(f) && !/\.d\.(c|m)?ts$/.test(f))).toEqual([]);
    expect(
      files.filter(
        (f) =>
          f.startsWith('fixtures/apps/') ||
          f.startsWith('fixtures/clients/flawed/') ||
          f.startsWith('fixtures/clients/panel/') ||
          f.startsWith('test/'),
      ),
    ).toEqual([]);
  });

  it('exports startMockIdp from the root', async () => {
    const mod = (await import('mock-idp')) as { startMockIdp?: unknown };
    expect(mod.startMockIdp).toBeTypeOf('function');
  });

  it("keeps the bin's bundles ASCII only, so that V8 holds each as a one-byte string, quick to read", () => {
    const bin = dirname(fileURLToPath(new URL(`../../${pkg.bin['mock-idp']}`, import.meta.url)));
    const bundles = [
      ...readdirSync(bin).filter((f) => f.endsWith('.cjs')),
      ...readdirSync(join(bin, 'lib')).map((f) => `lib/${f}`),
    ];
    expect(bundles).toContain('cli.cjs');
    for (const bundle of bundles) expect(isAscii(readFileSync(join(bin, bundle))), bundle).toBe(true);
  });

  describe('start-up cache', () => {
    const bin = fileURLToPath(new URL(`../../${pkg.bin['mock-idp']}`, import.meta.url));
    const flags = readFileSync(bin, 'utf8').split('\n')[0]!.split(' node ')[1]!.trim().split(/\s+/);
    // The bundles get V8's code cache through vm.Script on every runtime; Node 22.1+ also has its own module compile
    // cache, which the launcher turns on for the on-demand library bundles.
    const compileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    /** Starts the bin as its shebang does (or under `nodeFlags`), on this runtime, and returns what it printed. */
    const run = (launcher: string, cacheDir: string, nodeFlags = flags, args = ['--version']) =>
      spawnSync(process.execPath, [...nodeFlags, launcher, ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          MOCK_IDP_CACHE_DIR: cacheDir,
          NODE_DEBUG: 'mock-idp-startup',
          NODE_DEBUG_NATIVE: compileCache ? 'COMPILE_CACHE' : '',
        },
      });

    /** A cache folder of the test's own, removed when it finishes. */
    const cacheFolder = () => {
      const dir = mkdtempSync(join(tmpdir(), 'mock-idp-cache-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    };
    /**
     * A copy of the bin folder under the package's node_modules/.cache, so that the bundle still finds the package
     * root above it; removed when the test finishes. Not in dist/: the pack test packs dist/ in another worker, and
     * a folder that comes and goes there breaks npm pack (and could be shipped).
     */
    const binCopy = () => {
      const parent = join(dirname(dirname(dirname(bin))), 'node_modules', '.cache');
      mkdirSync(parent, { recursive: true });
      const copy = mkdtempSync(join(parent, 'mock-idp-bin-test-'));
      onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
      cpSync(dirname(bin), copy, { recursive: true });
      return copy;
    };

    it('is written by the first start and accepted by the next', () => {
      const cacheDir = cacheFolder();
      const first = run(bin, cacheDir);
      expect(first.status).toBe(0);
      expect(first.stdout.trim()).toBe(pkg.version);
      expect(first.stderr).toMatch(/code-cache absent /);
      expect(first.stderr).toMatch(/code-cache written /);
      const second = run(bin, cacheDir);
      expect(second.status).toBe(0);
      expect(second.stdout.trim()).toBe(pkg.version);
      expect(second.stderr).toMatch(/code-cache accepted /);
      expect(second.stderr).not.toMatch(/rejected/);
    });

    it("keeps login's own cache valid across runs, with the WebAssembly flags a login sets", () => {
      const cacheDir = cacheFolder();
      const login = () => run(bin, cacheDir, flags, ['login', '--help']);
      const first = login();
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/--issuer/);
      expect(first.stderr).toMatch(/v8 flags --liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering/);
      expect(first.stderr).toMatch(/code-cache written /);
      // V8 keys the cache by its flags: set after the bundle's compilation, they would make every next run reject it.
      const second = login();
      expect(second.stderr).toMatch(/code-cache accepted /);
      expect(second.stderr).not.toMatch(/rejected/);
      // A server keeps V8's optimizing tier.
      expect(run(bin, cacheDir).stderr).not.toMatch(/v8 flags/);
    });

    it("loads a login's built-in modules before its WebAssembly flags, so that Node's own code cache holds", () => {
      // Nothing listens on port 1: discovery fails at once, after fetch has loaded undici.
      const login = run(bin, cacheFolder(), flags, [
        'login',
        '--issuer',
        'http://127.0.0.1:1/generic',
        '--client-id',
        'x',
      ]);
      expect(login.status).toBe(1);
      expect(login.stderr).toMatch(/\[discovery_failed\]/);
      const compiled = /built-ins compiled under the v8 flags: (.*)/.exec(login.stderr)?.[1]?.split(' ');
      expect(compiled).toBeDefined();
      expect(compiled).not.toEqual(['unknown']);
      for (const heavy of ['internal/deps/undici/undici', 'http', 'net', 'tls', 'http2', 'crypto', 'child_process'])
        expect(compiled).not.toContain(heavy);
    });

    it.runIf(compileCache)("keeps the on-demand library bundles in Node's own compile cache (Node 22.1+)", () => {
      const cacheDir = cacheFolder();
      const config = join(cacheDir, 'broken.yaml');
      writeFileSync(config, 'issuers: [\n');
      // A YAML config loads lib/yaml.cjs; this one stops the start with yaml's own error.
      const start = () => run(bin, cacheDir, flags, ['serve', '--config', config, '--port', '0']);
      expect(start().status).toBe(2);
      const second = start();
      expect(second.status).toBe(2);
      const yamlBundle = join(dirname(bin), 'lib', 'yaml.cjs');
      expect(
        second.stderr
          .split('\n')
          .some((line) => /cache for (CommonJS )?\S+ was accepted/.test(line) && line.includes(yamlBundle)),
      ).toBe(true);
    });

    it('clears a half-written cache that a process left behind, and leaves one being written alone', () => {
      const cacheDir = cacheFolder();
      expect(run(bin, cacheDir).status).toBe(0);
      const folder = join(cacheDir, 'code-cache', `${process.version}-${process.arch}`);
      const [cache] = readdirSync(folder).filter((name) => name.endsWith('.v8'));
      expect(cache).toBeDefined();
      const left = join(folder, `${cache}.999991`);
      const writing = join(folder, `${cache}.999992`);
      writeFileSync(left, 'half');
      writeFileSync(writing, 'half');
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(left, hourAgo, hourAgo);
      // The next start that writes (here, the cache gone) cleans up after the dead writer.
      rmSync(join(folder, cache!));
      const next = run(bin, cacheDir);
      expect(next.stderr).toMatch(/code-cache written /);
      expect(readdirSync(folder).sort()).toEqual([cache, `${cache}.999992`].sort());
    });

    it('never meets a cache made for another build of the bundle', () => {
      const cacheDir = cacheFolder();
      const copy = binCopy();
      const launcher = join(copy, 'mock-idp.cjs');
      expect(run(launcher, cacheDir).status).toBe(0);
      appendFileSync(join(copy, 'cli.cjs'), '\n// rebuilt\n');
      const rebuilt = run(launcher, cacheDir);
      // The cache is named after the bundle's size and mtime.
      expect(rebuilt.stderr).toMatch(/code-cache absent /);
      expect(rebuilt.stdout.trim()).toBe(pkg.version);
      expect(rebuilt.stderr).not.toMatch(/accepted|rejected/);
    });

    it('never meets an old build of the same size and date, as npm installs every file with one date', () => {
      const cacheDir = cacheFolder();
      const copy = binCopy();
      const launcher = join(copy, 'mock-idp.cjs');
      const bundle = join(copy, 'cli.cjs');
      expect(run(launcher, cacheDir).status).toBe(0);
      const { mtime, size } = statSync(bundle);
      // Another build: one character of the program changed, the size and the date kept.
      const text = readFileSync(bundle, 'utf8');
      const at = text.indexOf('A local OAuth 2.0');
      expect(at).toBeGreaterThan(0);
      writeFileSync(bundle, `${text.slice(0, at)}A local OAuth 2.1${text.slice(at + 17)}`);
      tagBundle(bundle);
      utimesSync(bundle, mtime, mtime);
      expect(statSync(bundle).size).toBe(size);
      const rebuilt = run(launcher, cacheDir);
      expect(rebuilt.stderr).toMatch(/code-cache absent /);
      expect(rebuilt.stdout.trim()).toBe(pkg.version);
    });

    it('is upgraded by a server that runs past its first seconds, after a short first run', async () => {
      const cacheDir = cacheFolder();
      expect(run(bin, cacheDir).stderr).toMatch(/code-cache written /);
      // A short run that takes the cache leaves it as it is.
      const short = run(bin, cacheDir).stderr;
      expect(short).toMatch(/code-cache accepted /);
      expect(short).not.toMatch(/code-cache written /);
      const server = spawn(process.execPath, [...flags, bin, 'serve', '--port', '0', '--log-format', 'json'], {
        env: {
          ...process.env,
          MOCK_IDP_CACHE_DIR: cacheDir,
          NODE_DEBUG: 'mock-idp-startup',
          MOCK_IDP_LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      server.stderr!.on('data', (d: Buffer) => {
        stderr += d;
      });
      try {
        const banner = await new Promise<string>((resolve) =>
          server.stdout!.once('data', (d: Buffer) => resolve(`${d}`)),
        );
        const { url } = JSON.parse(banner.split('\n')[0]!) as { url: string };
        expect((await fetch(`${url}/generic/.well-known/openid-configuration`)).status).toBe(200);
        await expect.poll(() => stderr, { timeout: 10_000, interval: 200 }).toMatch(/code-cache written /);
      } finally {
        server.kill('SIGTERM');
      }
      expect(stderr).toMatch(/code-cache accepted /);
      const again = run(bin, cacheDir);
      expect(again.stderr).toMatch(/code-cache accepted /);
    });

    it("keeps a cache per installation: a second copy of the bin does not evict the first one's", () => {
      const cacheDir = cacheFolder();
      const copy = binCopy();
      expect(run(bin, cacheDir).status).toBe(0);
      expect(run(join(copy, 'mock-idp.cjs'), cacheDir).status).toBe(0);
      const again = run(bin, cacheDir);
      expect(again.status).toBe(0);
      expect(again.stderr).toMatch(/code-cache accepted /);
    });

    it('keeps a cache per set of node flags: a start under other flags evicts nothing', () => {
      const cacheDir = cacheFolder();
      // As vitest's globalSetup starts it: node with no V8 flags of the shebang's.
      const plain = () => run(bin, cacheDir, []);
      expect(run(bin, cacheDir).status).toBe(0);
      const other = plain();
      expect(other.status).toBe(0);
      expect(other.stderr).toMatch(/code-cache absent /);
      expect(plain().stderr).toMatch(/code-cache accepted /);
      const again = run(bin, cacheDir);
      expect(again.stderr).toMatch(/code-cache accepted /);
      expect(again.stderr).not.toMatch(/rejected/);
    });

    it('only costs speed when the cache cannot be written', () => {
      const cacheDir = cacheFolder();
      // A file where the cache folder should be: nothing can be created under it.
      const blocked = join(cacheDir, 'not-a-folder');
      writeFileSync(blocked, '');
      for (let i = 0; i < 2; i++) {
        const result = run(bin, blocked);
        expect(result.status).toBe(0);
        expect(result.stdout.trim()).toBe(pkg.version);
      }
    });

    it('is never shipped: the bin folder holds only the launcher and the bundles', () => {
      expect(readdirSync(dirname(bin)).sort()).toEqual(['cli.cjs', 'lib', 'login.cjs', 'mock-idp.cjs']);
      expect(readdirSync(join(dirname(bin), 'lib')).sort()).toEqual([
        'graphql.cjs',
        'ioredis.cjs',
        'pino-pretty.cjs',
        'yaml.cjs',
      ]);
    });
  });

  it(
    "answers JSON, JWKS, errors and a full login without loading Node's fetch implementation " +
      '(undici) beyond what node:http loads',
    () => {
      // Its own process: vitest has loaded undici in this one. Plain node:http, so the client side loads nothing
      // either.
      // Node 22+ loads undici for any ESM import of node:http, so each runtime is held to its own baseline.
      const baseline =
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            "import 'node:http'; " +
              "process.stdout.write(String(process.moduleLoadList.some((m) => m.includes('undici'))));",
          ],
          { encoding: 'utf8' },
        ) === 'true';
      const script = `
      import { request } from 'node:http';
      import { startMockIdp } from \
${JSON.stringify(fileURLToPath(new URL('../../dist/mock-idp/index.js', import.meta.url)))};
      const get = (url, options = {}, body) => new Promise((resolve, reject) => {
        const req = request(url, options, (res) => { let text = ''; res.on('data', (c) => { text += c; }); \
res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], location: \
res.headers.location, text })); });
        req.on('error', reject);
        req.end(body);
      });
      const idp = await startMockIdp({ port: 0, profiles: ['generic'], logLevel: 'silent' });
      const issuer = idp.issuers.generic;
      const discovery = await get(issuer + '/.well-known/openid-configuration');
      const jwks = await get(issuer + '/jwks');
      const error = await get(issuer + '/token', { method: 'POST', headers: { 'content-type': \
'application/x-www-form-urlencoded' } }, 'grant_type=nope');
      const auth = await get(issuer + '/auth?client_id=generic-basic&response_type=code&scope=openid&redirect_uri=' + \
encodeURIComponent('http://127.0.0.1:3000/callback') + \
'&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
      const code = new URL(auth.location).searchParams.get('code');
      const token = await get(issuer + '/token', { method: 'POST', headers: { 'content-type': \
'application/x-www-form-urlencoded', authorization: 'Basic ' + \
Buffer.from('generic-basic:generic-basic-secret').toString('base64') } },
        new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:3000/callback', \
code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }).toString());
      await idp.close();
      process.stdout.write(JSON.stringify({
        discovery: [discovery.status, discovery.type, JSON.parse(discovery.text).issuer === issuer],
        jwks: [jwks.status, jwks.type, JSON.parse(jwks.text).keys.length > 0],
        error: [error.status, error.type, JSON.parse(error.text).error],
        token: [token.status, token.type, typeof JSON.parse(token.text).id_token],
        undici: process.moduleLoadList.some((m) => m.includes('undici')),
      }));`;
      const out = JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
      ) as Record<string, unknown>;
      expect(out).toEqual({
        discovery: [200, 'application/json; charset=utf-8', true],
        jwks: [200, 'application/jwk-set+json; charset=utf-8', true],
        error: [400, 'application/json; charset=utf-8', 'invalid_request'],
        token: [200, 'application/json; charset=utf-8', 'string'],
        undici: baseline,
      });
    },
  );
});
