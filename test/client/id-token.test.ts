/**
 * ID token validation, JWKS handling and bad provider answers, against a
 * test double of the OP: a tiny node:http server on 127.0.0.1 serving
 * discovery, a token endpoint that returns hand-made tokens signed with jose,
 * a JWKS the test can change, and userinfo. The FlowManager runs unmodified.
 */

import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizationResponseError,
  clientSecretBasic,
  DuplicateParameterError,
  FlowManager,
  type FlowManagerOptions,
  HttpError,
  IdTokenValidationError,
  JwksError,
  ReloginRequiredError,
  TokenEndpointError,
  TokenResponseError,
  UserinfoError,
} from '../../client/index.js';

const CLIENT_ID = 'rp-under-test';
const CLIENT_SECRET = 'a-client-secret-that-is-at-least-32-bytes';
const REDIRECT = 'http://127.0.0.1:3000/callback';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA' | 'RS384', kid?: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const jwk = await exportJWK(publicKey);
  const id = kid ?? (await calculateJwkThumbprint(jwk));
  return { kid: id, alg, privateKey, jwk: { ...jwk, kid: id, alg, use: 'sig' } };
}

type Answer = { status?: number; headers?: Record<string, string>; body: string | object };
interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: URLSearchParams;
}

/** The OP test double: every answer is whatever the current test put in `answers`. */
class FakeOp {
  server!: Server;
  issuer!: string;
  requests: Recorded[] = [];
  jwks: Answer = { body: { keys: [] } };
  token: Answer = { status: 500, body: { error: 'server_error' } };
  userinfo: Answer = { body: { sub: 'alice' } };
  metadata: Record<string, unknown> = {};

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/op`;
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.issuer);
    let raw = '';
    for await (const chunk of req) raw += chunk;
    this.requests.push({
      method: req.method!,
      path: url.pathname.replace('/op', ''),
      query: url.searchParams,
      headers: req.headers,
      body: new URLSearchParams(raw),
    });
    const answer: Answer | undefined = {
      '/op/.well-known/openid-configuration': {
        body: {
          issuer: this.issuer,
          authorization_endpoint: `${this.issuer}/auth`,
          token_endpoint: `${this.issuer}/token`,
          userinfo_endpoint: `${this.issuer}/me`,
          jwks_uri: `${this.issuer}/jwks`,
          authorization_response_iss_parameter_supported: true,
          ...this.metadata,
        },
      },
      '/op/jwks': this.jwks,
      '/op/token': this.token,
      '/op/me': this.userinfo,
    }[url.pathname];
    if (!answer) {
      res.writeHead(404).end();
      return;
    }
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, {
      'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      ...answer.headers,
    });
    res.end(body);
  }
}

const op = new FakeOp();
let rsa: SigningKey;
let ec: SigningKey;
let ed: SigningKey;
// One clock for the client and the tokens, so tests can move time.
let now = Date.now();
const nowSeconds = () => Math.floor(now / 1000);

beforeAll(async () => {
  await op.start();
  [rsa, ec, ed] = await Promise.all([signingKey('RS256'), signingKey('ES256'), signingKey('EdDSA')]);
  op.jwks = { body: { keys: [rsa.jwk, ec.jwk, ed.jwk] } };
});
afterAll(() => new Promise<void>((resolve) => op.server.close(() => resolve())));
afterEach(() => {
  op.requests = [];
  op.metadata = {};
  op.jwks = { body: { keys: [rsa.jwk, ec.jwk, ed.jwk] } };
  op.userinfo = { body: { sub: 'alice' } };
  now = Date.now();
});

function newFlows(options: Partial<FlowManagerOptions> = {}): FlowManager {
  return new FlowManager({
    issuer: op.issuer,
    clientId: CLIENT_ID,
    clientAuth: clientSecretBasic(CLIENT_SECRET),
    redirectUri: REDIRECT,
    scope: 'openid profile',
    clock: () => now,
    ...options,
  });
}

const atHash = (accessToken: string) =>
  base64url.encode(createHash('sha256').update(accessToken).digest().subarray(0, 16));

interface TokenSpec {
  claims?: Record<string, unknown>;
  /** Claims to delete from the defaults. */
  drop?: string[];
  header?: Record<string, unknown>;
  key?: SigningKey | { alg: string; secret: Uint8Array };
  accessToken?: string;
  refreshToken?: string;
}

/** The claims of a valid ID token for alice, fresh for five minutes. */
function validClaims(nonce: string | undefined): Record<string, unknown> {
  return {
    iss: op.issuer,
    sub: 'alice',
    aud: CLIENT_ID,
    iat: nowSeconds(),
    exp: nowSeconds() + 300,
    ...(nonce ? { nonce } : {}),
  };
}

async function idToken(nonce: string | undefined, spec: TokenSpec = {}): Promise<string> {
  const claims: Record<string, unknown> = { ...validClaims(nonce), ...spec.claims };
  for (const name of spec.drop ?? []) delete claims[name];
  const key = spec.key ?? rsa;
  const jwt = new SignJWT(claims);
  if ('secret' in key) return jwt.setProtectedHeader({ alg: key.alg, ...spec.header }).sign(key.secret);
  return jwt.setProtectedHeader({ alg: key.alg, kid: key.kid, ...spec.header }).sign(key.privateKey);
}

function tokenAnswer(idTokenValue: string | undefined, spec: TokenSpec = {}): Answer {
  return {
    body: {
      access_token: spec.accessToken ?? 'access-token-1',
      token_type: 'Bearer',
      expires_in: 300,
      ...(spec.refreshToken ? { refresh_token: spec.refreshToken } : {}),
      ...(idTokenValue === undefined ? {} : { id_token: idTokenValue }),
    },
  };
}

/** start(), then a callback as the OP would send it, with `makeToken` deciding the token response. */
async function attempt(
  flows: FlowManager,
  makeToken: (nonce: string) => Promise<Answer> | Answer,
  callback?: (url: URL) => URL | string,
) {
  const url = await flows.start('user');
  op.token = await makeToken(url.searchParams.get('nonce')!);
  const back = new URL(REDIRECT);
  back.searchParams.set('code', 'the-code');
  back.searchParams.set('state', url.searchParams.get('state')!);
  back.searchParams.set('iss', op.issuer);
  return flows.finish('user', callback ? callback(back) : back);
}

const withToken = (flows: FlowManager, spec: TokenSpec = {}) =>
  attempt(flows, async (nonce) => tokenAnswer(await idToken(nonce, spec), spec));

async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(Error);
  return error as Error & { code: string };
}

async function expectIdTokenError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(IdTokenValidationError);
  expect(error.code).toBe(code);
}

describe('a valid ID token is accepted', () => {
  it.each([
    ['RS256', () => rsa],
    ['ES256', () => ec],
    ['EdDSA', () => ed],
  ])('signed %s', async (_alg, key) => {
    const { claims, tokens } = await withToken(newFlows({ allowedAlgs: ['RS256', 'ES256', 'EdDSA'] }), { key: key() });
    expect(claims).toMatchObject({ sub: 'alice', iss: op.issuer, aud: CLIENT_ID });
    expect(tokens).toMatchObject({ accessToken: 'access-token-1', tokenType: 'bearer', expiresAt: nowSeconds() + 300 });
  });

  it('PS256 with an RSA key whose JWK names no alg', async () => {
    const ps = await signingKey('PS256');
    const { alg: _alg, ...noAlg } = ps.jwk;
    op.jwks = { body: { keys: [noAlg, rsa.jwk] } };
    const { claims } = await withToken(newFlows({ allowedAlgs: ['PS256'] }), { key: ps });
    expect(claims!.sub).toBe('alice');
  });

  it('with a matching at_hash, several audiences and azp, and times inside the skew', async () => {
    const { claims } = await withToken(newFlows(), {
      claims: {
        at_hash: atHash('access-token-1'),
        aud: [CLIENT_ID, 'another-api'],
        azp: CLIENT_ID,
        iat: nowSeconds() + 50,
        exp: nowSeconds() - 50,
        nbf: nowSeconds() + 50,
      },
    });
    expect(claims!.azp).toBe(CLIENT_ID);
  });

  it('without kid when exactly one key fits', async () => {
    const { kid: _kid, ...noKid } = rsa.jwk;
    op.jwks = { body: { keys: [noKid, ec.jwk] } };
    const { claims } = await withToken(newFlows(), { header: { kid: undefined } });
    expect(claims!.sub).toBe('alice');
  });

  it('HS256 verified with the client secret, when the allow-list has HS256', async () => {
    const flows = newFlows({ allowedAlgs: ['RS256', 'HS256'] });
    const { claims } = await withToken(flows, {
      key: { alg: 'HS256', secret: new TextEncoder().encode(CLIENT_SECRET) },
    });
    expect(claims!.sub).toBe('alice');
  });

  it('picks the key by kid, alg and kty among decoys sharing the kid', async () => {
    const decoyEc = { ...ec.jwk, kid: rsa.kid };
    const decoyRsa = { ...(await signingKey('RS384')).jwk, kid: rsa.kid };
    op.jwks = { body: { keys: [decoyEc, decoyRsa, rsa.jwk] } };
    const { claims } = await withToken(newFlows());
    expect(claims!.sub).toBe('alice');
  });
});

describe('each ID token rule rejects', () => {
  it('a corrupted signature', async () => {
    const flows = newFlows();
    await expectIdTokenError(
      attempt(flows, async (nonce) => {
        const token = await idToken(nonce);
        const [h, p, s] = token.split('.');
        const bytes = base64url.decode(s!);
        bytes[0]! ^= 0x5a;
        return tokenAnswer(`${h}.${p}.${base64url.encode(bytes)}`);
      }),
      'id_token_invalid_signature',
    );
  });

  it('a signature by another key under a published kid', async () => {
    const impostor = await signingKey('RS256', rsa.kid);
    await expectIdTokenError(withToken(newFlows(), { key: impostor }), 'id_token_invalid_signature');
  });

  it('alg none', async () => {
    await expectIdTokenError(
      attempt(newFlows(), (nonce) => tokenAnswer(new UnsecuredJWT(validClaims(nonce)).encode())),
      'id_token_alg_not_allowed',
    );
  });

  it('an alg outside the allow-list', async () => {
    const rs384 = await signingKey('RS384');
    op.jwks = { body: { keys: [rs384.jwk] } };
    await expectIdTokenError(withToken(newFlows(), { key: rs384 }), 'id_token_alg_not_allowed');
    await expectIdTokenError(withToken(newFlows({ allowedAlgs: ['ES256'] })), 'id_token_alg_not_allowed');
  });

  it("HS256 keyed with the provider's RSA public key (alg confusion)", async () => {
    // The attacker's HMAC key: the provider's public key as published (PEM), which anyone can fetch.
    const publicPem = createPublicKey({ key: rsa.jwk as JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const secret = new TextEncoder().encode(publicPem);
    await expectIdTokenError(withToken(newFlows(), { key: { alg: 'HS256', secret } }), 'id_token_alg_not_allowed');
    // Even with HS256 allowed, HS* is verified with the client secret, never a public key.
    await expectIdTokenError(
      withToken(newFlows({ allowedAlgs: ['RS256', 'HS256'] }), { key: { alg: 'HS256', secret } }),
      'id_token_invalid_signature',
    );
  });

  it('an iss other than the issuer', async () => {
    await expectIdTokenError(withToken(newFlows(), { claims: { iss: `${op.issuer}/` } }), 'id_token_iss_mismatch');
  });

  it('a missing sub', async () => {
    await expectIdTokenError(withToken(newFlows(), { drop: ['sub'] }), 'id_token_sub_missing');
  });

  it('an aud without the client, and no aud at all', async () => {
    await expectIdTokenError(withToken(newFlows(), { claims: { aud: 'someone-else' } }), 'id_token_aud_mismatch');
    await expectIdTokenError(withToken(newFlows(), { drop: ['aud'] }), 'id_token_aud_mismatch');
  });

  it('several audiences without azp', async () => {
    await expectIdTokenError(
      withToken(newFlows(), { claims: { aud: [CLIENT_ID, 'another-api'] } }),
      'id_token_azp_missing',
    );
  });

  it('an azp other than the client', async () => {
    await expectIdTokenError(
      withToken(newFlows(), { claims: { aud: [CLIENT_ID, 'another-api'], azp: 'another-api' } }),
      'id_token_azp_mismatch',
    );
  });

  it('an exp in the past beyond the skew, and no exp', async () => {
    await expectIdTokenError(withToken(newFlows(), { claims: { exp: nowSeconds() - 61 } }), 'id_token_expired');
    await expectIdTokenError(withToken(newFlows(), { drop: ['exp'] }), 'id_token_exp_missing');
  });

  it('an nbf in the future beyond the skew', async () => {
    await expectIdTokenError(withToken(newFlows(), { claims: { nbf: nowSeconds() + 120 } }), 'id_token_nbf_in_future');
  });

  it('an iat in the future beyond the skew, and no iat', async () => {
    await expectIdTokenError(withToken(newFlows(), { claims: { iat: nowSeconds() + 3600 } }), 'id_token_iat_in_future');
    await expectIdTokenError(
      withToken(newFlows({ clockSkewSeconds: 5 }), { claims: { iat: nowSeconds() + 30 } }),
      'id_token_iat_in_future',
    );
    await expectIdTokenError(withToken(newFlows(), { drop: ['iat'] }), 'id_token_iat_missing');
  });

  it('an auth_time older than max_age, and none when max_age was sent', async () => {
    await expectIdTokenError(
      withToken(newFlows({ maxAge: 300 }), { claims: { auth_time: nowSeconds() - 600 } }),
      'id_token_auth_time_too_old',
    );
    await expectIdTokenError(withToken(newFlows({ maxAge: 300 })), 'id_token_auth_time_missing');
    const { claims } = await withToken(newFlows({ maxAge: 300 }), { claims: { auth_time: nowSeconds() - 100 } });
    expect(claims!.auth_time).toBe(nowSeconds() - 100);
  });

  it('a wrong nonce, and no nonce', async () => {
    await expectIdTokenError(
      withToken(newFlows(), { claims: { nonce: 'not-the-nonce-that-was-sent' } }),
      'id_token_nonce_mismatch',
    );
    await expectIdTokenError(withToken(newFlows(), { drop: ['nonce'] }), 'id_token_nonce_mismatch');
  });

  it('an at_hash of another access token', async () => {
    await expectIdTokenError(
      withToken(newFlows(), { claims: { at_hash: atHash('some-other-token') } }),
      'id_token_at_hash_mismatch',
    );
  });

  it('no kid when several keys fit', async () => {
    const other = await signingKey('RS256');
    op.jwks = { body: { keys: [rsa.jwk, other.jwk] } };
    await expectIdTokenError(withToken(newFlows(), { header: { kid: undefined } }), 'id_token_key_ambiguous');
  });

  it('an unknown critical header', async () => {
    // jose refuses to sign with an unknown crit, so this token is signed by hand.
    await expectIdTokenError(
      attempt(newFlows(), async (nonce) => {
        const encode = (value: object) => base64url.encode(JSON.stringify(value));
        const header = encode({ alg: 'RS256', kid: rsa.kid, crit: ['x-unknown'], 'x-unknown': true });
        const input = `${header}.${encode(validClaims(nonce))}`;
        const signature = await crypto.subtle.sign(
          'RSASSA-PKCS1-v1_5',
          rsa.privateKey,
          new TextEncoder().encode(input),
        );
        return tokenAnswer(`${input}.${base64url.encode(new Uint8Array(signature))}`);
      }),
      'id_token_unsupported_header',
    );
  });

  it('a key embedded in the token header (jwk injection)', async () => {
    const attacker = await signingKey('RS256', 'attacker-kid');
    await expectIdTokenError(
      withToken(newFlows(), { key: attacker, header: { jwk: attacker.jwk, jku: `${op.issuer}/evil-jwks` } }),
      'id_token_unknown_kid',
    );
    expect(op.count('/evil-jwks')).toBe(0);
  });

  it('no ID token although openid was asked for', async () => {
    await expectIdTokenError(
      attempt(newFlows(), () => tokenAnswer(undefined)),
      'id_token_missing',
    );
  });

  it('an ID token over the length limit', async () => {
    const error = await rejection(withToken(newFlows(), { claims: { padding: 'x'.repeat(70_000) } }));
    expect(error).toBeInstanceOf(TokenResponseError);
    expect(error.code).toBe('token_too_large');
  });
});

describe('JWKS', () => {
  it('picks up a rotated key at once, then rate-limits refetches for unknown kids', async () => {
    const next = await signingKey('RS256');
    const stranger = await signingKey('RS256');
    op.jwks = { body: { keys: [rsa.jwk] } };
    const flows = newFlows({ jwksRefetchIntervalMs: 10_000 });
    await withToken(flows);
    expect(op.count('/jwks')).toBe(1);

    op.jwks = { body: { keys: [next.jwk] } }; // the OP rotates between two logins
    const { claims } = await withToken(flows, { key: next });
    expect(claims!.sub).toBe('alice');
    expect(op.count('/jwks')).toBe(2);

    // A kid nobody published, within 10 s of that refetch: rejected without asking again.
    await expectIdTokenError(withToken(flows, { key: stranger }), 'id_token_unknown_kid');
    await expectIdTokenError(withToken(flows, { key: stranger }), 'id_token_unknown_kid');
    expect(op.count('/jwks')).toBe(2);

    now += 11_000;
    op.jwks = { body: { keys: [next.jwk, stranger.jwk] } };
    await withToken(flows, { key: stranger });
    expect(op.count('/jwks')).toBe(3);
  });

  it('a JWKS that answers 500 fails the login with jwks_unavailable', async () => {
    op.jwks = { status: 500, body: { error: 'boom' } };
    // The default scope (openid) is enough for a JWKS failure.
    const flows = newFlows({ scope: 'openid' });
    const error = await rejection(withToken(flows));
    expect(error).toBeInstanceOf(JwksError);
    expect(error.code).toBe('jwks_unavailable');
  });

  it('a JWKS that is not a JWK Set fails with jwks_invalid', async () => {
    op.jwks = { body: '<html>nope</html>' };
    // The default scope (openid) is enough for a JWKS failure.
    const flows = newFlows({ scope: 'openid' });
    expect(await rejection(withToken(flows))).toMatchObject({ code: 'jwks_invalid' });
  });
});

describe('bad token endpoint answers are typed errors', () => {
  it('an HTML error page', async () => {
    const error = await rejection(
      attempt(newFlows(), () => ({
        status: 502,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!doctype html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      })),
    );
    expect(error).toBeInstanceOf(TokenResponseError);
    expect(error).toMatchObject({ code: 'token_response_html', status: 502 });
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('a body that is not JSON', async () => {
    expect(await rejection(attempt(newFlows(), () => ({ body: 'access_token=abc&expires=100' })))).toMatchObject({
      code: 'token_response_not_json',
    });
  });

  it('a response larger than the limit', async () => {
    const error = await rejection(
      attempt(newFlows(), () => ({ body: { access_token: 'x'.repeat(300_000), token_type: 'Bearer' } })),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('response_too_large');
  });

  it('an OAuth error', async () => {
    const error = await rejection(
      attempt(newFlows(), () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } })),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      code: 'token_endpoint_error',
      error: 'invalid_grant',
      errorDescription: 'code expired',
      status: 400,
    });
  });

  it('a success without access_token', async () => {
    expect(await rejection(attempt(newFlows(), () => ({ body: { token_type: 'Bearer' } })))).toMatchObject({
      code: 'token_response_invalid',
    });
  });
});

describe('callbacks against the test OP', () => {
  it.each(['code', 'state'])('a duplicated %s never reaches the token endpoint', async (name) => {
    const error = await rejection(
      attempt(
        newFlows(),
        (nonce) => idToken(nonce).then((t) => tokenAnswer(t)),
        (url) => {
          url.searchParams.append(name, 'second-copy');
          return url;
        },
      ),
    );
    expect(error).toBeInstanceOf(DuplicateParameterError);
    expect(op.count('/token')).toBe(0);
  });

  it('an error from another issuer is still reported as the provider error, flagged', async () => {
    const error = await rejection(
      attempt(
        newFlows(),
        () => tokenAnswer(undefined),
        (url) => {
          url.searchParams.delete('code');
          url.searchParams.set('error', 'access_denied');
          url.searchParams.set('error_description', 'user said no');
          url.searchParams.set('iss', 'https://evil.example');
          return url;
        },
      ),
    );
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect(error).toMatchObject({
      error: 'access_denied',
      errorDescription: 'user said no',
      responseIssuer: 'https://evil.example',
      issuerMismatch: true,
    });
  });

  it('iss is optional when the provider does not advertise RFC 9207', async () => {
    op.metadata = { authorization_response_iss_parameter_supported: false };
    const flows = newFlows();
    const { claims } = await attempt(
      flows,
      (nonce) => idToken(nonce).then((t) => tokenAnswer(t)),
      (url) => {
        url.searchParams.delete('iss');
        return url;
      },
    );
    expect(claims!.sub).toBe('alice');
  });
});

describe('refresh against the test OP', () => {
  async function loggedIn(flows: FlowManager) {
    return withToken(flows, { refreshToken: 'refresh-1' });
  }

  it('keeps the refresh token when the answer has none, and validates the new ID token', async () => {
    const flows = newFlows();
    const first = await loggedIn(flows);
    op.token = tokenAnswer(await idToken(undefined, { claims: { nonce: first.claims!.nonce } }), {
      accessToken: 'access-token-2',
    });
    const { tokens } = await flows.refresh('user');
    expect(tokens).toMatchObject({ accessToken: 'access-token-2', refreshToken: 'refresh-1' });
    expect(
      op.requests
        .find((r) => r.path === '/token' && r.body.get('grant_type') === 'refresh_token')!
        .body.get('refresh_token'),
    ).toBe('refresh-1');
  });

  it('rejects a refreshed ID token with another sub or iss (OIDC Core 12.2), ending the session', async () => {
    const flows = newFlows();
    await loggedIn(flows);
    op.token = tokenAnswer(await idToken(undefined, { claims: { sub: 'mallory' } }), { refreshToken: 'refresh-2' });
    await expectIdTokenError(flows.refresh('user'), 'id_token_sub_changed');
    expect(await flows.session('user')).toBeUndefined();

    await loggedIn(flows);
    op.token = tokenAnswer(await idToken(undefined, { claims: { iss: 'https://elsewhere.example' } }));
    await expectIdTokenError(flows.refresh('user'), 'id_token_iss_changed');
  });

  it('turns invalid_grant into ReloginRequiredError after one request', async () => {
    const flows = newFlows();
    await loggedIn(flows);
    op.token = { status: 400, body: { error: 'invalid_grant' } };
    const before = op.count('/token');
    const error = await rejection(flows.refresh('user'));
    expect(error).toBeInstanceOf(ReloginRequiredError);
    expect(op.count('/token') - before).toBe(1);
    expect(await flows.session('user')).toBeUndefined();
  });
});

describe('userinfo against the test OP', () => {
  it("rejects a sub other than the ID token's", async () => {
    const flows = newFlows();
    await withToken(flows);
    op.userinfo = { body: { sub: 'mallory', email: 'm@example.com' } };
    const error = await rejection(flows.userinfo('user'));
    expect(error).toBeInstanceOf(UserinfoError);
    expect(error.code).toBe('userinfo_sub_mismatch');
  });

  it('sends the access token in the Authorization header only', async () => {
    const flows = newFlows();
    await withToken(flows);
    expect(await flows.userinfo('user')).toEqual({ sub: 'alice' });
    const request = op.requests.find((r) => r.path === '/me')!;
    expect(request.method).toBe('GET');
    expect(request.headers.authorization).toBe('Bearer access-token-1');
    expect(request.query.has('access_token')).toBe(false);
    expect(request.body.has('access_token')).toBe(false);
  });

  it('reports a refused access token', async () => {
    const flows = newFlows();
    await withToken(flows);
    op.userinfo = { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: '' };
    expect(await rejection(flows.userinfo('user'))).toMatchObject({ code: 'userinfo_unauthorized', status: 401 });
  });
});
