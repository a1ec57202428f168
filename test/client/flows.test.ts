import type { JWK } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  AuthorizationResponseError,
  CallbackError,
  type ClientAuthentication,
  clientSecretBasic,
  clientSecretJwt,
  clientSecretPost,
  DuplicateParameterError,
  EncryptedCookieStore,
  FlowManager,
  type FlowManagerOptions,
  none,
  presets,
  privateKeyJwt,
  ReloginRequiredError,
  SessionError,
  StateMismatchError,
} from '../../client/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { fixtureJson, fixtureText, REDIRECT_URI, useIssuer } from '../helpers/idp.js';

const { idp, issuer } = useIssuer('generic');

const clientJwk = (alg: 'RS256' | 'ES256') =>
  fixtureJson<{ keys: JWK[] }>('keys/clients/generic-private-key-jwt.json').keys.find((k) => k.alg === alg)!;
const toCallback = (u: URL) => u.href.startsWith(REDIRECT_URI);

function flowsFor(
  clientId: string,
  clientAuth: ClientAuthentication,
  extra: Partial<FlowManagerOptions> = {},
): FlowManager {
  return new FlowManager(presets.generic(issuer(), { clientId, clientAuth, redirectUri: REDIRECT_URI, ...extra }));
}

/** start() -> the headless browser -> the callback URL, without finishing. */
async function browse(
  flows: FlowManager,
  userKey: string,
  agent = new UserAgent(),
  options: Parameters<FlowManager['start']>[1] = {},
) {
  const url = await flows.start(userKey, options);
  const { url: callback } = await agent.navigate(url, { until: toCallback });
  return { url, callback, agent };
}

async function login(flows: FlowManager, userKey = 'user-1', options: Parameters<FlowManager['start']>[1] = {}) {
  const { callback, agent, url } = await browse(flows, userKey, undefined, options);
  return { ...(await flows.finish(userKey, callback)), agent, url };
}

describe('authorization code + PKCE with every client authentication method of the generic profile', () => {
  const methods: [string, string, () => ClientAuthentication][] = [
    ['client_secret_basic', 'generic-basic', () => clientSecretBasic('generic-basic-secret')],
    ['client_secret_post', 'generic-post', () => clientSecretPost('generic-post-secret')],
    ['client_secret_jwt', 'generic-jwt', () => clientSecretJwt('generic-jwt-secret-at-least-32-bytes-long')],
    ['private_key_jwt', 'generic-private-key-jwt', () => privateKeyJwt({ jwk: clientJwk('RS256') })],
    ['private_key_jwt', 'generic-private-key-jwt', () => privateKeyJwt({ jwk: clientJwk('ES256') })],
    [
      'private_key_jwt',
      'generic-private-key-pem',
      () => privateKeyJwt({ pem: fixtureText('keys/clients/generic-pem.key') }),
    ],
    ['none', 'generic-spa', () => none()],
  ];

  it.each(methods)('%s (%s)', async (method, clientId, auth) => {
    const flows = flowsFor(clientId, auth());
    const since = idp().requests.lastId;
    const { tokens, claims, url } = await login(flows);
    expect(claims).toMatchObject({ iss: issuer(), aud: clientId, sub: 'alice', email: 'alice@example.com' });
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.idToken).toEqual(expect.any(String));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('nonce')).toBeTruthy();
    const [token] = idp().requests.list({ sinceId: since, route: 'token' });
    expect(token!.status).toBe(200);
    expect(token!.clientAuth?.method).toBe(method);
    if (method.endsWith('_jwt')) {
      const payload = token!.clientAuth!.assertion!.payload as Record<string, unknown>;
      expect(payload).toMatchObject({ iss: clientId, sub: clientId, aud: issuer() });
      expect((payload.exp as number) - (payload.iat as number)).toBe(300);
    }
    expect(await flows.session('user-1')).toMatchObject({ claims: { sub: 'alice' } });
  });

  it('sends the token endpoint as assertion aud when the provider wants it', async () => {
    const flows = flowsFor(
      'generic-private-key-pem',
      privateKeyJwt({ pem: fixtureText('keys/clients/generic-pem.key') }),
      { assertionAudience: 'token_endpoint' },
    );
    const since = idp().requests.lastId;
    await login(flows);
    const [token] = idp().requests.list({ sinceId: since, route: 'token' });
    expect(token!.status).toBe(200);
    expect((token!.clientAuth!.assertion!.payload as Record<string, unknown>).aud).toBe(`${issuer()}/token`);
  });

  it('logs in the user named by login_hint and honours max_age', async () => {
    const flows = flowsFor('generic-basic', clientSecretBasic('generic-basic-secret'), { maxAge: 300 });
    const { claims, url } = await login(flows, 'user-1', { loginHint: 'bob' });
    expect(url.searchParams.get('max_age')).toBe('300');
    expect(claims!.sub).toBe('bob');
    expect(claims!.auth_time).toEqual(expect.any(Number));
  });
});

describe('options', () => {
  it("refuses extra parameters that would override the flow's own (a PKCE downgrade)", async () => {
    const flows = flowsFor('generic-spa', none());
    await expect(flows.start('user-1', { params: { code_challenge_method: 'plain' } })).rejects.toMatchObject({
      code: 'invalid_configuration',
    });
    expect(() => flowsFor('generic-spa', none(), { authorizationParams: { state: 'fixed' } })).toThrow(/state/);
    expect(() => flowsFor('generic-spa', none(), { allowedAlgs: ['RS256', 'none'] })).toThrow(/none/);
  });

  it('refuses plain http to a provider that is not on loopback', async () => {
    const flows = new FlowManager({
      issuer: 'http://idp.example.test',
      clientId: 'c',
      clientAuth: none(),
      redirectUri: REDIRECT_URI,
    });
    await expect(flows.start('user-1')).rejects.toMatchObject({
      code: 'discovery_failed',
      cause: { code: 'OAUTH_HTTP_REQUEST_FORBIDDEN' },
    });
  });
  it('refuses a discovery document that names plain-http endpoints on another host', async () => {
    const flows = new FlowManager(
      presets.generic(`${issuer()}/s/discovery-http-endpoints~flows`, {
        clientId: 'generic-spa',
        clientAuth: none(),
        redirectUri: REDIRECT_URI,
      }),
    );
    await expect(flows.start('user-1')).rejects.toMatchObject({
      code: 'insecure_endpoint',
      message: expect.stringMatching(/names authorization_endpoint http:\/\/attacker\.example:/),
    });
  });
});

describe('sessions', () => {
  const basicFlows = () => flowsFor('generic-basic', clientSecretBasic('generic-basic-secret'));

  it('refreshes with rotation, always presenting the newest refresh token', async () => {
    const flows = basicFlows();
    const first = await login(flows);
    expect(first.tokens.refreshToken).toBeTruthy();
    const second = await flows.refresh('user-1');
    expect(second.tokens.refreshToken).toBeTruthy();
    expect(second.tokens.refreshToken).not.toBe(first.tokens.refreshToken);
    expect(second.tokens.accessToken).not.toBe(first.tokens.accessToken);
    expect(second.claims!.sub).toBe('alice');
    const third = await flows.refresh('user-1');
    expect(third.tokens.refreshToken).not.toBe(second.tokens.refreshToken);
    expect((await flows.session('user-1'))!.tokens.refreshToken).toBe(third.tokens.refreshToken);
  });

  it('shares one request between concurrent refreshes of a user', async () => {
    const flows = basicFlows();
    await login(flows);
    const since = idp().requests.lastId;
    const [a, b] = await Promise.all([flows.refresh('user-1'), flows.refresh('user-1')]);
    expect(a.tokens.refreshToken).toBe(b.tokens.refreshToken);
    expect(idp().requests.list({ sinceId: since, route: 'token' })).toHaveLength(1);
  });

  it('asks for a new login when the refresh token is dead, once, without retrying', async () => {
    const flows = basicFlows();
    const { tokens } = await login(flows);
    const config = await client.discovery(
      new URL(issuer()),
      'generic-basic',
      {},
      client.ClientSecretBasic('generic-basic-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    await client.tokenRevocation(config, tokens.refreshToken!);
    const since = idp().requests.lastId;
    const error = await flows.refresh('user-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReloginRequiredError);
    expect(error).toMatchObject({
      code: 'relogin_required',
      cause: { code: 'refresh_invalid_grant', error: 'invalid_grant' },
    });
    expect(idp().requests.list({ sinceId: since, route: 'token' })).toHaveLength(1);
    expect(await flows.session('user-1')).toBeUndefined();
    await expect(flows.refresh('user-1')).rejects.toMatchObject({ code: 'session_missing' });
  });

  it('reads userinfo with the bearer token in the header only', async () => {
    const flows = basicFlows();
    await login(flows);
    const since = idp().requests.lastId;
    const info = await flows.userinfo('user-1');
    expect(info).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice Adams' });
    const [request] = idp().requests.list({ sinceId: since, route: 'userinfo' });
    expect(request!.method).toBe('GET');
    expect(String(request!.headers.authorization)).toMatch(/^Bearer /);
    expect(request!.query).not.toHaveProperty('access_token');
    expect(request!.body ?? {}).not.toHaveProperty('access_token');
  });

  it('builds the RP-initiated logout URL and clears the session', async () => {
    const flows = basicFlows();
    const { agent, tokens } = await login(flows);
    const { url } = await flows.logout('user-1', { postLogoutRedirectUri: 'http://127.0.0.1:3000/', state: 'bye' });
    expect(url!.searchParams.get('id_token_hint')).toBe(tokens.idToken);
    expect(url!.searchParams.get('client_id')).toBe('generic-basic');
    const { url: back } = await agent.navigate(url!, { until: (u) => u.origin === 'http://127.0.0.1:3000' });
    expect(back.searchParams.get('state')).toBe('bye');
    expect(await flows.session('user-1')).toBeUndefined();
    await expect(flows.userinfo('user-1')).rejects.toBeInstanceOf(SessionError);
  });

  it('sends a fresh state with a post-logout redirect URI, and takes back only that state, once', async () => {
    const flows = basicFlows();
    const { agent } = await login(flows);
    const { url, state } = await flows.logout('user-1', { postLogoutRedirectUri: 'http://127.0.0.1:3000/' });
    expect(state).toMatch(/^[\w-]{32,}$/);
    expect(url!.searchParams.get('state')).toBe(state);
    const { url: back } = await agent.navigate(url!, { until: (u) => u.origin === 'http://127.0.0.1:3000' });
    // The request's own path will do, as a server's req.url gives it.
    await expect(flows.finishLogout('user-1', `${back.pathname}${back.search}`)).resolves.toBeUndefined();
    // Single use: the same redirect again finds no logout pending.
    await expect(flows.finishLogout('user-1', back)).rejects.toMatchObject({
      code: 'state_mismatch',
      reason: 'no_pending_logout',
    });
  });

  it.each([
    [
      'another state',
      '?state=not-the-one',
      'mismatch',
      'the post-logout redirect state is not the one this logout sent',
    ],
    ['no state', '', 'missing', 'the post-logout redirect has no state'],
    ['the state twice', '?state={state}&state={state}', 'mismatch', 'the post-logout redirect state is not the one'],
  ])('refuses a post-logout redirect with %s (StateMismatchError)', async (_label, query, reason, message) => {
    const flows = basicFlows();
    await login(flows);
    const { state } = await flows.logout('user-1', { postLogoutRedirectUri: 'http://127.0.0.1:3000/' });
    const error = await flows
      .finishLogout('user-1', `http://127.0.0.1:3000/${query.replaceAll('{state}', state!)}`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateMismatchError);
    expect(error).toMatchObject({ reason, message: expect.stringContaining(message) });
  });

  it('keeps no logout state without a post-logout redirect URI: the browser never comes back', async () => {
    const flows = basicFlows();
    await login(flows);
    const { url, state } = await flows.logout('user-1');
    expect(state).toBeUndefined();
    expect(url!.searchParams.has('state')).toBe(false);
    await expect(flows.finishLogout('user-1', 'http://127.0.0.1:3000/?state=x')).rejects.toMatchObject({
      reason: 'no_pending_logout',
    });
  });

  it('keeps state and session in encrypted cookies, one Cookie header to the next', async () => {
    const cookies = new EncryptedCookieStore({ secret: new Uint8Array(32).fill(7), secure: false });
    const flows = basicFlows();
    const asCookieHeader = (setCookies: string[]) =>
      setCookies
        .map((c) => c.split(';')[0]!)
        .filter((c) => !c.endsWith('='))
        .join('; ');

    const startStore = cookies.fromCookieHeader(undefined);
    const url = await flows.withStore(startStore).start('browser');
    const afterStart = asCookieHeader(startStore.setCookieHeaders());
    expect(afterStart).toMatch(/^rp\.[A-Za-z0-9_-]+=ey/);
    expect(afterStart).not.toContain(url.searchParams.get('state')!);

    const { url: callback } = await new UserAgent().navigate(url, { until: toCallback });
    const callbackStore = cookies.fromCookieHeader(afterStart);
    const { claims } = await flows.withStore(callbackStore).finish('browser', callback);
    expect(claims!.sub).toBe('alice');
    const setCookies = callbackStore.setCookieHeaders();
    expect(setCookies.some((c) => /Max-Age=0/.test(c))).toBe(true); // the pending login is gone
    const sessionCookie = asCookieHeader(setCookies);

    const info = await flows.withStore(cookies.fromCookieHeader(sessionCookie)).userinfo('browser');
    expect(info.sub).toBe('alice');
    // Without the cookie there is no session, whatever the userKey says.
    await expect(flows.withStore(cookies.fromCookieHeader('')).userinfo('browser')).rejects.toMatchObject({
      code: 'session_missing',
    });
  });
});

describe('the callback is checked before the code is used', () => {
  const flows = () => flowsFor('generic-basic', clientSecretBasic('generic-basic-secret'));

  it('rejects a wrong state, and the login cannot be finished afterwards', async () => {
    const f = flows();
    const { callback } = await browse(f, 'user-1');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'attacker-state');
    const since = idp().requests.lastId;
    await expect(f.finish('user-1', forged)).rejects.toMatchObject({ code: 'state_mismatch', reason: 'mismatch' });
    await expect(f.finish('user-1', callback)).rejects.toMatchObject({
      code: 'state_mismatch',
      reason: 'no_pending_authorization',
    });
    expect(idp().requests.list({ sinceId: since, route: 'token' })).toHaveLength(0);
  });

  it('rejects a callback without state', async () => {
    const f = flows();
    const { callback } = await browse(f, 'user-1');
    callback.searchParams.delete('state');
    await expect(f.finish('user-1', callback)).rejects.toMatchObject({ code: 'state_mismatch', reason: 'missing' });
  });

  it('never redeems a callback twice (state is single use)', async () => {
    const f = flows();
    const { callback } = await browse(f, 'user-1');
    await f.finish('user-1', callback);
    const since = idp().requests.lastId;
    const error = await f.finish('user-1', callback).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateMismatchError);
    expect(idp().requests.list({ sinceId: since, route: 'token' })).toHaveLength(0);
  });

  it('rejects a callback of another user of the same client (login CSRF)', async () => {
    const f = flows();
    const { callback } = await browse(f, 'attacker');
    await f.start('victim');
    await expect(f.finish('victim', callback)).rejects.toMatchObject({ code: 'state_mismatch', reason: 'mismatch' });
  });

  it.each(['code', 'state', 'iss'])('rejects a duplicated %s', async (name) => {
    const f = flows();
    const { callback } = await browse(f, 'user-1');
    callback.searchParams.append(name, callback.searchParams.get(name)!);
    const error = await f.finish('user-1', callback).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateParameterError);
    expect(error).toMatchObject({ code: 'duplicate_parameter', parameter: name });
  });

  it('requires RFC 9207 iss, since the generic issuer advertises it, and an exact one', async () => {
    expect((await flows().metadata()).authorization_response_iss_parameter_supported).toBe(true);
    const f = flows();
    const first = await browse(f, 'user-1');
    first.callback.searchParams.delete('iss');
    await expect(f.finish('user-1', first.callback)).rejects.toMatchObject({ code: 'authorization_iss_missing' });
    const second = await browse(f, 'user-1');
    second.callback.searchParams.set('iss', `${issuer()}/`);
    const error = await f.finish('user-1', second.callback).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbackError);
    expect(error).toMatchObject({ code: 'authorization_iss_mismatch' });
  });

  it("reports an error callback with the provider's error and description", async () => {
    const f = flows();
    const { callback } = await browse(f, 'user-1', undefined, { loginHint: 'nobody-by-this-name' });
    const error = await f.finish('user-1', callback).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect(error).toMatchObject({ code: 'authorization_error', error: 'access_denied', issuerMismatch: false });
    expect((error as AuthorizationResponseError).errorDescription).toContain('nobody-by-this-name');
  });

  it("reports the token endpoint's refusal of a reused code as a typed error", async () => {
    const f = flows();
    const { callback } = await browse(f, 'user-1');
    const { url: again } = await browse(f, 'user-2');
    // user-2's pending login, with user-1's already redeemed code and user-2's state.
    await f.finish('user-1', callback);
    const replay = new URL(callback);
    replay.searchParams.set('state', again.searchParams.get('state')!);
    await expect(f.finish('user-2', replay)).rejects.toMatchObject({
      code: 'token_endpoint_error',
      error: 'invalid_grant',
      status: 400,
    });
  });
});
