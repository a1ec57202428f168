import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from '../../../mock-idp/index.js';
import { fixtureJson, REDIRECT_URI, strictAndLenient, useIdp } from '../../helpers/idp.js';

interface FixtureClient {
  client_id: string;
  client_secret: string;
}
const [OAUTH_APP, GITHUB_APP] = fixtureJson<FixtureClient[]>('clients/github.json') as [FixtureClient, FixtureClient];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

let issuer: string;
const idp = useIdp({ issuers: strictAndLenient('github') });
beforeAll(() => {
  issuer = idp().issuers.github!;
});

async function authorize(params: Record<string, string> = {}, app = OAUTH_APP) {
  const url = new URL(`${issuer}/login/oauth/authorize`);
  const all = { client_id: app.client_id, scope: 'read:user user:email', redirect_uri: REDIRECT_URI, state: 'st8' };
  for (const [k, v] of Object.entries({ ...all, ...params })) url.searchParams.set(k, v);
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  return callback;
}

async function post(path: string, body: Record<string, string>, options: { json?: boolean; accept?: string } = {}) {
  const headers: Record<string, string> = {
    'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (options.accept) headers.accept = options.accept;
  const response = await fetch(`${issuer}${path}`, {
    method: 'POST',
    headers,
    body: options.json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    date: response.headers.get('date'),
    text: await response.text(),
  };
}

async function code(params: Record<string, string> = {}, app = OAUTH_APP) {
  const callback = await authorize(params, app);
  return callback.searchParams.get('code')!;
}

async function jsonToken(body: Record<string, string>) {
  const r = await post('/login/oauth/access_token', body, { json: true, accept: 'application/json' });
  expect(r.status).toBe(200);
  return JSON.parse(r.text) as Record<string, string | number>;
}

function api(path: string, token: string, scheme = 'Bearer') {
  return fetch(`${issuer}${path}`, {
    headers: { authorization: `${scheme} ${token}`, accept: 'application/vnd.github+json' },
  });
}

describe('GitHub: web flow', () => {
  it('gives a callback with code and state only, and a form-encoded gho_ token with comma scopes', async () => {
    const callback = await authorize();
    expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'state']);
    const r = await post('/login/oauth/access_token', {
      client_id: OAUTH_APP.client_id,
      client_secret: OAUTH_APP.client_secret,
      code: callback.searchParams.get('code')!,
    });
    expect(r.status).toBe(200);
    expect(r.contentType).toContain('application/x-www-form-urlencoded');
    expect(r.date).toBeTruthy();
    const form = new URLSearchParams(r.text);
    expect(form.get('access_token')).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    expect(form.get('token_type')).toBe('bearer');
    expect(form.get('scope')).toBe('read:user,user:email');
    expect(form.has('expires_in')).toBe(false);
    expect(form.has('refresh_token')).toBe(false);
  });

  it('takes a JSON body and answers JSON when Accept asks for it, XML when it asks for XML', async () => {
    const json = await jsonToken({
      client_id: OAUTH_APP.client_id,
      client_secret: OAUTH_APP.client_secret,
      code: await code({ scope: 'repo gist' }),
      redirect_uri: REDIRECT_URI,
    });
    expect(json).toEqual({ access_token: expect.stringMatching(/^gho_/), token_type: 'bearer', scope: 'repo,gist' });
    const xml = await post(
      '/login/oauth/access_token',
      { client_id: OAUTH_APP.client_id, client_secret: OAUTH_APP.client_secret, code: await code() },
      { accept: 'application/xml' },
    );
    expect(xml.contentType).toContain('application/xml');
    expect(xml.text).toMatch(/^<OAuth><access_token>gho_\w+<\/access_token><token_type>bearer<\/token_type>/);
  });

  it('answers a bad code, a wrong secret and a wrong redirect_uri with HTTP 200 and GitHub error names', async () => {
    const bad = await post('/login/oauth/access_token', {
      client_id: OAUTH_APP.client_id,
      client_secret: OAUTH_APP.client_secret,
      code: 'not-a-code',
    });
    expect(bad.status).toBe(200);
    const form = new URLSearchParams(bad.text);
    expect(form.get('error')).toBe('bad_verification_code');
    expect(form.get('error_description')).toBe('The code passed is incorrect or expired.');
    expect(form.get('error_uri')).toMatch(/^https:\/\/docs\.github\.com\/.*#bad-verification-code$/);

    const secret = await jsonToken({ client_id: OAUTH_APP.client_id, client_secret: 'wrong', code: await code() });
    expect(secret.error).toBe('incorrect_client_credentials');

    const redirect = await jsonToken({
      client_id: OAUTH_APP.client_id,
      client_secret: OAUTH_APP.client_secret,
      code: await code(),
      redirect_uri: 'http://localhost:3000/callback',
    });
    expect(redirect.error).toBe('redirect_uri_mismatch');
  });

  it('takes PKCE S256 when the client sends it, and refuses a wrong verifier', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const base = { client_id: OAUTH_APP.client_id, client_secret: OAUTH_APP.client_secret };
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const wrong = await jsonToken({ ...base, code: await code(pkce), code_verifier: `${verifier}x` });
    expect(wrong.error).toBe('bad_verification_code');
    const right = await jsonToken({ ...base, code: await code(pkce), code_verifier: verifier });
    expect(right.access_token).toMatch(/^gho_/);
  });

  it('serves no OpenID Connect: no discovery, JWKS or userinfo', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks', '/me', '/login/oauth/token']) {
      const r = await fetch(`${issuer}${path}`);
      expect(r.status, path).toBe(404);
      expect(await r.json()).toMatchObject({ message: 'Not Found' });
    }
    const get = await fetch(`${issuer}/login/oauth/access_token`);
    expect(get.status).toBe(404);
    const broken = await fetch(`${issuer}/login/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"client_id":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });
});

describe('GitHub: REST API', () => {
  it('serves /user to any token, /user/emails only with user:email or user (a 404 otherwise)', async () => {
    const base = { client_id: OAUTH_APP.client_id, client_secret: OAUTH_APP.client_secret };
    const withEmail = String((await jsonToken({ ...base, code: await code({ scope: 'user:email' }) })).access_token);
    const without = String((await jsonToken({ ...base, code: await code({ scope: 'gist' }) })).access_token);

    const user = await api('/user', without, 'token');
    expect(user.status).toBe(200);
    expect(user.headers.get('x-oauth-scopes')).toBe('gist');
    const body = (await user.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ login: 'octocat', id: 583231, type: 'User', email: 'octocat@github.com' });
    expect(body.private_gists).toBeUndefined();

    const emails = await api('/user/emails', withEmail);
    expect(emails.status).toBe(200);
    expect(await emails.json()).toContainEqual({
      email: 'octocat@github.com',
      primary: true,
      verified: true,
      visibility: 'public',
    });
    const hidden = await api('/user/emails', without);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('x-accepted-oauth-scopes')).toBe('user, user:email');

    expect((await api('/user', 'gho_nope')).status).toBe(401);
    const anonymous = await fetch(`${issuer}/user`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: 'Requires authentication' });
  });
});

describe('GitHub App user tokens', () => {
  it('expire after 8 hours with a 6-month ghr_ refresh token; a refresh retires the old pair', async () => {
    const base = { client_id: GITHUB_APP.client_id, client_secret: GITHUB_APP.client_secret };
    const first = await jsonToken({ ...base, code: await code({}, GITHUB_APP) });
    expect(first).toEqual({
      access_token: expect.stringMatching(/^ghu_[A-Za-z0-9]{36}$/),
      expires_in: 28800,
      refresh_token: expect.stringMatching(/^ghr_[A-Za-z0-9]{76}$/),
      refresh_token_expires_in: 15811200,
      token_type: 'bearer',
      scope: '',
    });
    expect((await api('/user/emails', String(first.access_token))).status).toBe(200);

    const second = await jsonToken({
      ...base,
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
    });
    expect(second.access_token).toMatch(/^ghu_/);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await api('/user', String(first.access_token))).status).toBe(401);
    expect((await api('/user', String(second.access_token))).status).toBe(200);

    const reused = await jsonToken({
      ...base,
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
    });
    expect(reused.error).toBe('bad_refresh_token');
  });
});

describe('GitHub: device flow', () => {
  it('needs only client_id, polls with authorization_pending and slow_down (+5 s), then gives a token', async () => {
    const started = await post('/login/device/code', { client_id: OAUTH_APP.client_id, scope: 'read:user' });
    expect(started.status).toBe(200);
    const device = Object.fromEntries(new URLSearchParams(started.text));
    expect(device).toMatchObject({ expires_in: '900', interval: '5', verification_uri: `${issuer}/login/device` });
    expect(device.device_code).toMatch(/^[0-9a-f]{40}$/);
    expect(device.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

    const poll = { client_id: OAUTH_APP.client_id, device_code: device.device_code!, grant_type: DEVICE_GRANT };
    const pending = await jsonToken(poll);
    expect(pending.error).toBe('authorization_pending');
    const tooSoon = await jsonToken(poll);
    expect(tooSoon).toMatchObject({ error: 'slow_down', interval: 10 });

    const verify = new URL(device.verification_uri!);
    verify.searchParams.set('user_code', device.user_code!);
    await new UserAgent().navigate(verify);
    // Within the raised interval: still too soon.
    expect((await jsonToken(poll)).error).toBe('slow_down');

    const unknown = await jsonToken({ ...poll, device_code: 'f'.repeat(40) });
    expect(unknown.error).toBe('incorrect_device_code');
  });

  it('gives the token on the first poll after the user entered the code', async () => {
    const started = await post(
      '/login/device/code',
      { client_id: GITHUB_APP.client_id },
      { json: true, accept: 'application/json' },
    );
    const device = JSON.parse(started.text) as Record<string, string>;
    const verify = new URL(device.verification_uri!);
    verify.searchParams.set('user_code', device.user_code!);
    await new UserAgent().navigate(verify);
    const token = await jsonToken({
      client_id: GITHUB_APP.client_id,
      device_code: device.device_code!,
      grant_type: DEVICE_GRANT,
    });
    expect(token).toMatchObject({ access_token: expect.stringMatching(/^ghu_/), expires_in: 28800, scope: '' });
  });

  it('lets a client poll as fast as it likes on a lenient issuer', async () => {
    const lenient = idp().issuers['github-lenient']!;
    const started = await fetch(`${lenient}/login/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_id: OAUTH_APP.client_id }),
    });
    const device = (await started.json()) as Record<string, string>;
    for (let i = 0; i < 3; i += 1) {
      const poll = await fetch(`${lenient}/login/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          client_id: OAUTH_APP.client_id,
          device_code: device.device_code,
          grant_type: DEVICE_GRANT,
        }),
      });
      expect(((await poll.json()) as Record<string, string>).error).toBe('authorization_pending');
    }
  });
});
