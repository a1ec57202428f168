import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../../mock-idp/index.js';
import { adminFetch } from '../../helpers/http.js';
import { useIdp } from '../../helpers/idp.js';
import { rawExchange } from '../../helpers/raw-http.js';
import { stitchApiClient, stitchGraphql, stitchToken } from '../../helpers/stitch.js';

const STITCH_CLIENT = stitchApiClient('limits-stitch');

// Each limit moved away from its default, in the direction that shows it is the one in force.
const idp = useIdp({
  issuers: [
    { name: 'generic', profile: 'generic' },
    { name: 'stitch', profile: 'stitch', extraClients: [STITCH_CLIENT] },
  ],
  limits: { headerBytes: 32 * 1024, adminBodyBytes: 2048, scenarioCopies: 2, graphqlBodyBytes: 2048, graphqlDepth: 2 },
});

async function graphql(body: string) {
  const issuer = idp().issuers.stitch!;
  return stitchGraphql(issuer, await stitchToken(issuer, STITCH_CLIENT), body);
}

describe('limits in the config', () => {
  it('headerBytes raised: a 20 KB header, refused by default, is served', async () => {
    const r = await rawExchange(idp().port, [
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    expect(r.statuses).toEqual([200]);
  });

  it('adminBodyBytes lowered: a 3 KB admin body is refused, naming the setting', async () => {
    const r = await adminFetch(idp(), '/issuers/generic/users/big', {
      method: 'PUT',
      body: { claims: { note: 'x'.repeat(3000) } },
    });
    expect(r.status).toBe(400);
    expect(String(r.body.error_description)).toContain('limits.adminBodyBytes');
  });

  it('graphqlBodyBytes lowered: a 3 KB GraphQL body gets 413', async () => {
    const r = await graphql(JSON.stringify({ query: `query { user { id } } #${'x'.repeat(3000)}` }));
    expect(r.status).toBe(413);
  });

  it('graphqlDepth lowered: a query three levels deep is refused, two levels pass', async () => {
    const twoLevels = await graphql(JSON.stringify({ query: 'query { user { id } }' }));
    expect(twoLevels.body.errors?.some((e) => /deeper/.test(e.message)) ?? false).toBe(false);
    const threeLevels = await graphql(JSON.stringify({ query: 'query { user { bankAccounts { name } } }' }));
    expect(threeLevels.body.errors?.map((e) => e.message)).toContain('Query is nested deeper than 2 levels.');
  });

  it('scenarioCopies lowered: a third copy pushes out the least recently used one', () => {
    const generic = idp().issuer('generic');
    const first = generic.scenarioIssuer('id-token-aud-wrong~one');
    expect(first).toBeDefined();
    generic.scenarioIssuer('id-token-aud-wrong~two');
    generic.scenarioIssuer('id-token-aud-wrong~three');
    expect(generic.scenarioIssuer('id-token-aud-wrong~one')).not.toBe(first);
  });

  it('defaults when absent, and a clear error for a bad value', () => {
    expect(validateConfig({}).limits).toMatchObject({ headerBytes: 16 * 1024, scenarioCopies: 64 });
    expect(() => validateConfig({ limits: { scenarioCopies: 0 } })).toThrow(ConfigError);
    expect(() => validateConfig({ limits: { scenarioCopies: 0 } })).toThrow(/limits\.scenarioCopies/);
    expect(() => validateConfig({ limits: { bodyBytes: 1 } })).toThrow(/bodyBytes/);
  });
});
