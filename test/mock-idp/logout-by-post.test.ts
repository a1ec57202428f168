import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { REDIRECT_URI, useIdp } from '../helpers/idp.js';
import { codeFlow, discoverGenericBasic } from '../helpers/login.js';

const idp = useIdp({ profiles: ['generic', 'keycloak'] });
const SIGNED_OUT = 'http://127.0.0.1:3000/';

describe('RP-initiated logout by POST (RP-Initiated Logout 1.0 §2: GET and POST)', () => {
  it('takes the logout request as a form POST, as its GET: the session ends and the browser comes back', async () => {
    const config = await discoverGenericBasic(idp().issuers.generic!);
    const { tokens, agent } = await codeFlow(config, { scope: 'openid' });
    const logout = new URL(config.serverMetadata().end_session_endpoint!);
    const back = await agent.navigate(logout, {
      form: new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 's1' }),
      until: (u) => u.href.startsWith(SIGNED_OUT),
    });
    expect(back.url.href).toBe(`${SIGNED_OUT}?state=s1`);
    const records = idp()
      .requests.list({ issuer: 'generic', clientId: 'generic-basic' })
      .filter((r) => r.route?.startsWith('end_session'));
    expect(records.map((r) => [r.method, r.route, r.status])).toEqual([
      ['POST', 'end_session', 200],
      ['POST', 'end_session_confirm', 303],
    ]);
    // The session is over: a silent login in the same browser finds nobody signed in.
    const silent = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      prompt: 'none',
      state: 's2',
    });
    const answer = await agent.navigate(silent, { until: (u) => u.href.startsWith(REDIRECT_URI) });
    expect(answer.url.searchParams.get('error')).toBe('login_required');
  });

  it('refuses a POSTed post_logout_redirect_uri the client never registered, as the GET is refused', async () => {
    const config = await discoverGenericBasic(idp().issuers.generic!);
    const { tokens } = await codeFlow(config, { scope: 'openid' });
    const answer = await fetch(config.serverMetadata().end_session_endpoint!, {
      method: 'POST',
      body: new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example/' }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('post_logout_redirect_uri not registered');
  });

  it('takes a POST on a profile with its own logout path (Keycloak), its rules applied to the form', async () => {
    const keycloak = idp().issuers.keycloak!;
    const logout = `${keycloak}/protocol/openid-connect/logout`;
    const post = (params: Record<string, string>) =>
      fetch(logout, { method: 'POST', body: new URLSearchParams(params), redirect: 'manual' });
    const taken = await post({ client_id: 'keycloak-web', post_logout_redirect_uri: SIGNED_OUT });
    const asGet = await fetch(
      `${logout}?${new URLSearchParams({ client_id: 'keycloak-web', post_logout_redirect_uri: SIGNED_OUT })}`,
    );
    expect(taken.status).toBe(200);
    expect(asGet.status).toBe(200);
    const refused = await post({ post_logout_redirect_uri: SIGNED_OUT });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Either the parameter &#39;client_id&#39;');
  });

  it('answers a POST that is no form, or a repeated parameter, with an OAuth error, not a 500', async () => {
    const endpoint = `${idp().issuers.generic}/session/end`;
    const json = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id_token_hint":"x"}',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the logout endpoint takes a GET, or a POST of an application/x-www-form-urlencoded form',
    });
    const repeated = await fetch(endpoint, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=generic-basic&client_id=generic-post',
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.text()).toContain('client_id');
  });
});
