import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, serveCli } from '../helpers/cli.js';
import { codeFlow, discoverGenericBasic } from '../helpers/login.js';
import { redisMissing, startRedis } from '../helpers/redis.js';
import { stitchApiClient, stitchGraphql, stitchToken } from '../helpers/stitch.js';

// The libraries that only some runs need are bundles of their own beside the CLI's (scripts/build-bin.mjs).
const LIBRARIES = ['graphql', 'ioredis', 'pino-pretty', 'yaml'];
const BIN = dirname(CLI);
const ROOT = dirname(dirname(BIN));

describe('the bin loads the libraries a run needs on demand', () => {
  it('keeps each library out of the CLI bundle, in a bundle of its own', () => {
    const cli = readFileSync(join(BIN, 'cli.cjs'), 'utf8');
    for (const name of LIBRARIES) {
      expect(existsSync(join(BIN, 'lib', `${name}.cjs`)), name).toBe(true);
      expect(cli).toContain(`require("./lib/${name}.cjs")`);
    }
    // Class names that only the libraries define (the bundle keeps names).
    expect(cli).not.toContain('GraphQLSchema');
    expect(cli).not.toContain('YAMLMap');
    // oidc-provider's list formats are built at their first use (the build fails when it cannot defer them).
    expect(cli.match(/new Intl\.ListFormat/g)).toHaveLength(2);
    expect(cli).toMatch(/\?\?=\{conjunction:new Intl\.ListFormat\("en",\{type:"conjunction"\}\),disjunction:/);
  });

  // What the Docker image holds (package.json, fixtures, dist/bin), somewhere with no node_modules above it: a
  // library that the bundles still took from node_modules would fail to load here.
  describe('from a copy of the image files, with no node_modules', () => {
    let root: string;
    let launcher: string;
    const env = () => ({ MOCK_IDP_CACHE_DIR: join(root, 'cache') });
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'mock-idp-image-'));
      for (let dir = root; dir !== dirname(dir); dir = dirname(dir))
        expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
      for (const entry of ['package.json', 'fixtures', 'dist/bin'])
        cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
      launcher = join(root, 'dist', 'bin', 'mock-idp.cjs');
    });
    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    it("reads a YAML config, logs through pino-pretty and answers Stitch's GraphQL API", async () => {
      const file = join(root, 'mock-idp.yaml');
      const client = stitchApiClient('on-demand-stitch');
      await writeFile(
        file,
        [
          'logLevel: info',
          'issuers:',
          '  - name: stitch',
          '    profile: stitch',
          '    extraClients:',
          `      - ${JSON.stringify(client)}`,
        ].join('\n'),
      );
      const served = await serveCli(['--config', file, '--port', '0', '--log-format', 'pretty'], env(), [
        launcher,
        'serve',
      ]);
      let logs = '';
      served.child.stdout!.on('data', (d: Buffer) => {
        logs += d;
      });
      try {
        const issuer = `${served.url}/stitch`;
        const answer = await stitchGraphql(
          issuer,
          await stitchToken(issuer, client),
          JSON.stringify({ query: '{ __typename }' }),
        );
        expect(answer).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
        // pino-pretty's line for the request, not pino's JSON.
        await expect.poll(() => logs).toMatch(/^\[[\d:.]+\] .*INFO.*POST \/stitch\/graphql 200/m);
      } finally {
        await served.stop();
      }
    });

    it("reports a YAML syntax error in yaml's own words", async () => {
      const file = join(root, 'broken.yaml');
      await writeFile(file, 'issuers: [\n');
      const result = spawnSync(process.execPath, [launcher, 'serve', '--config', file, '--port', '0'], {
        env: { ...process.env, ...env() },
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      // yaml's own message, so the parser ran (a failure to load it would be reported on the same line).
      expect(result.stderr).toMatch(/Cannot parse config file .*broken\.yaml: Flow sequence in block collection/);
    });

    it.skipIf(redisMissing())('keeps its sessions and tokens in a Redis store', async () => {
      const redis = await startRedis();
      const keys = new Redis(redis.url);
      try {
        const served = await serveCli(
          ['--port', '0', '--profile', 'generic', '--log-level', 'silent'],
          { ...env(), MOCK_IDP_STORE: redis.url },
          [launcher, 'serve'],
        );
        try {
          const before = (await keys.keys('*')).length;
          const config = await discoverGenericBasic(`${served.url}/generic`);
          const { tokens } = await codeFlow(config, { scope: 'openid' });
          expect(tokens.claims()!.sub).toBe('alice');
          expect((await keys.keys('*')).length).toBeGreaterThan(before);
        } finally {
          await served.stop();
        }
      } finally {
        keys.disconnect();
        await redis.stop();
      }
    });
  });
});
