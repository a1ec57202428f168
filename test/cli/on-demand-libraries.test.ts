import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, serveCli } from '../helpers/cli.js';
import { type RunningRedis, redisMissing, startRedis } from '../helpers/redis.js';
import { stitchApiClient, stitchGraphql, stitchToken } from '../helpers/stitch.js';

// The libraries that only some runs need are bundles of their own beside the CLI's (scripts/build-bin.mjs):
// these runs load each of them from there, as the Docker image does, where there is no node_modules.
const LIBRARIES = ['graphql', 'ioredis', 'pino-pretty', 'yaml'];
const BIN = dirname(CLI);

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
    // oidc-provider's list formats are built at their first use, not when the bundle loads.
    expect(cli).not.toMatch(/^const \w+=new Intl\.ListFormat/m);
  });

  describe.skipIf(redisMissing())('a YAML config with a Redis store, pretty logs and Stitch GraphQL', () => {
    let redis: RunningRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('serves them all through the bin', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mock-idp-on-demand-'));
      const file = join(dir, 'mock-idp.yaml');
      const client = stitchApiClient('on-demand-stitch');
      await writeFile(
        file,
        [
          `store: ${redis.url}`,
          'logLevel: info',
          'issuers:',
          '  - name: stitch',
          '    profile: stitch',
          '    extraClients:',
          `      - ${JSON.stringify(client)}`,
        ].join('\n'),
      );
      const served = await serveCli(['--config', file, '--port', '0', '--log-format', 'pretty']);
      let logs = '';
      served.child.stdout!.on('data', (d: Buffer) => {
        logs += d;
      });
      try {
        const issuer = `${served.url}/stitch`;
        const token = await stitchToken(issuer, client);
        const answer = await stitchGraphql(issuer, token, JSON.stringify({ query: '{ __typename }' }));
        expect(answer).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
        // pino-pretty's line for the request, not pino's JSON.
        await expect.poll(() => logs).toMatch(/^\[[\d:.]+\] .*INFO.*POST \/stitch\/graphql 200/m);
      } finally {
        await served.stop();
      }
    });
  });

  it('reports a YAML syntax error from the YAML bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-on-demand-'));
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'issuers: [\n');
    const result = await runCli(['serve', '--config', file, '--port', '0']);
    expect(result.code).toBe(2);
    // yaml's own message, so the parser ran (a failure to load it would be reported on the same line).
    expect(result.stderr).toMatch(/Cannot parse config file .*broken\.yaml: Flow sequence in block collection/);
  });
});
