import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { freshClient, freshUser, mockIdp, withScenario } from '../../mock-idp/vitest.js';
import { codeFlow, discover } from '../helpers/login.js';

describe('mock-idp/vitest', () => {
  it("provides the run's issuers to every test", () => {
    const { url, issuers } = mockIdp();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(issuers)).toEqual([
      'stitch',
      'okta',
      'gitlab',
      'stackexchange',
      'auth0',
      'apple',
      'google',
      'github',
      'github-actions',
      'keycloak',
      'entra',
      'generic',
    ]);
  });

  it('gives a test its own client and user', async () => {
    const issuer = mockIdp().issuers.generic!;
    const app = await freshClient('generic');
    const user = await freshUser('generic', { email: 'fresh@example.com' });
    const config = await discover(issuer, app.client_id, client.ClientSecretBasic(app.client_secret));
    const { tokens } = await codeFlow(config, { loginHint: user.sub, scope: 'openid email' });
    expect(tokens.claims()).toMatchObject({ sub: user.sub, email: 'fresh@example.com', aud: app.client_id });
  });

  it("binds a scenario to this test's client only", async () => {
    const issuer = mockIdp().issuers.generic!;
    const armed = await freshClient('generic');
    const other = await freshClient('generic');
    await withScenario('generic', armed.client_id, 'id-token-nonce-wrong');
    await expect(
      codeFlow(await discover(issuer, armed.client_id, client.ClientSecretBasic(armed.client_secret))),
    ).rejects.toThrow(/unexpected JWT claim value/);
    const { tokens } = await codeFlow(
      await discover(issuer, other.client_id, client.ClientSecretBasic(other.client_secret)),
    );
    expect(tokens.claims()!.aud).toBe(other.client_id);
  });
});
