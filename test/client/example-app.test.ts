import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleApp } from '../../client/examples/web-app.js';
import { type LogoutTokenFault, mintLogoutToken } from '../../conformance/logout-token.js';
import { UserAgent } from '../../mock-idp/index.js';
import { useIdp } from '../helpers/idp.js';

let app: Awaited<ReturnType<typeof startExampleApp>>;

const idp = useIdp({ profiles: ['generic'] });
beforeAll(async () => {
  app = await startExampleApp({
    issuer: idp().issuers.generic!,
    clientId: 'example-app',
    clientSecret: 'example-secret',
    port: 0,
  });
  // The app's port is chosen at start, so its client is registered at run time.
  await idp().admin.upsertClient('generic', {
    client_id: 'example-app',
    client_secret: 'example-secret',
    redirect_uris: [`${app.url}/callback`],
    post_logout_redirect_uris: [`${app.url}/`],
    backchannel_logout_uri: `${app.url}/backchannel-logout`,
    backchannel_logout_session_required: true,
  });
});
afterAll(async () => {
  await app?.close();
});

describe('the example web app', () => {
  it('logs a person in, shows who they are, and logs them out', async () => {
    const agent = new UserAgent();
    const { url, response } = await agent.navigate(`${app.url}/login?login_hint=bob`);
    expect(url.pathname).toBe('/me');
    expect(response!.status).toBe(200);
    expect(await response!.text()).toContain('Hello Bob Brown');

    const me = await agent.request(`${app.url}/me`, { headers: { accept: 'application/json' } });
    expect(await me.json()).toMatchObject({
      claims: { sub: 'bob', email: 'bob@example.com' },
      userinfo: { sub: 'bob' },
    });

    const out = await agent.navigate(`${app.url}/logout`);
    // Back on the home page, its post-logout redirect URI, with the state /logout sent.
    expect(`${out.url.origin}${out.url.pathname}`).toBe(`${app.url}/`);
    expect(out.url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
    expect(out.response!.status).toBe(200);
    expect((await agent.request(`${app.url}/me`)).status).toBe(401);
  });

  it('refuses a post-logout redirect whose state its own logout never sent', async () => {
    const agent = new UserAgent();
    await agent.navigate(`${app.url}/login`);
    const logout = await agent.navigate(`${app.url}/logout`, { until: (u) => u.origin !== app.url });
    expect(logout.url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
    const forged = await agent.request(`${app.url}/?state=not-the-state`);
    expect(forged.status).toBe(400);
    const page = await forged.text();
    expect(page).toContain('Logout not confirmed');
    expect(page).toContain('state_mismatch');
    // The home page itself, without state, is just the home page.
    expect((await agent.request(`${app.url}/`)).status).toBe(200);
  });

  it("refuses a forged callback with the client's error code", async () => {
    const agent = new UserAgent();
    await agent.request(`${app.url}/login`);
    const forged = await agent.request(
      `${app.url}/callback?code=abc&state=not-the-state&iss=${encodeURIComponent(idp().issuers.generic!)}`,
    );
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('state_mismatch');
  });

  it.each([
    ['/me?tab=profile', '/me?tab=profile'],
    ['https://attacker.example/', '/me'],
    ['//attacker.example/', '/me'],
    ['/\\attacker.example/', '/me'],
    ['javascript:alert(1)', '/me'],
  ])(
    'after the login goes to return_to %s only if it is a path on the app (lands on %s)',
    async (returnTo, expected) => {
      const agent = new UserAgent();
      const { url, hops } = await agent.navigate(`${app.url}/login?return_to=${encodeURIComponent(returnTo)}`);
      expect(hops.every((hop) => hop.hostname === '127.0.0.1')).toBe(true);
      expect(`${url.pathname}${url.search}`).toBe(expected);
    },
  );

  it(
    'ends the session named by a valid back-channel logout token, and answers 400 ' + 'invalid_request to a forged one',
    async () => {
      const agent = new UserAgent();
      await agent.navigate(`${app.url}/login`);
      const me = (await (await agent.request(`${app.url}/me`, { headers: { accept: 'application/json' } })).json()) as {
        claims: { sub: string; sid: string };
      };
      expect(me.claims.sid).toEqual(expect.any(String));
      const post = (logoutToken: string) =>
        fetch(`${app.url}/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: logoutToken }),
        });
      const token = (fault?: LogoutTokenFault) =>
        mintLogoutToken({
          issuer: idp().issuers.generic!,
          clientId: 'example-app',
          keys: idp().issuer('generic').keys,
          sub: me.claims.sub,
          sid: me.claims.sid,
          fault,
        });

      const forged = await post(await token({ set: { aud: 'someone-else' } }));
      expect(forged.status).toBe(400);
      expect(forged.headers.get('cache-control')).toBe('no-store');
      expect(await forged.json()).toEqual({
        error: 'invalid_request',
        error_description: expect.stringContaining('aud'),
      });
      expect((await agent.request(`${app.url}/me`)).status).toBe(200);

      const validToken = await token();
      expect((await post(validToken)).status).toBe(200);
      expect((await agent.request(`${app.url}/me`)).status).toBe(401);
      const replayed = await post(validToken);
      expect(replayed.status).toBe(400);
      expect(await replayed.json()).toMatchObject({ error_description: expect.stringContaining('already received') });
      expect((await fetch(`${app.url}/backchannel-logout`)).status).toBe(405);
    },
  );
});
