import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importX509, type JSONWebKeySet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { scenarios, UserAgent } from '../../../mock-idp/index.js';
import { basicAuth } from '../../helpers/http.js';
import { fixtureJson, REDIRECT_URI, useIdp } from '../../helpers/idp.js';
import { codeFlow, discover, discoverGenericBasic } from '../../helpers/login.js';

let issuer: string;
let jwks: JSONWebKeySet;
// Each test arms its own client, so they can run side by side on one issuer.
const CLIENTS = [
  ...Array.from({ length: 8 }, (_, i) => ({
    client_id: `scenario-${i}`,
    client_secret: `scenario-secret-${i}`,
    redirect_uris: [REDIRECT_URI],
  })),
  // Registered for other ID token algs: HS256 is keyed with this secret (OIDC Core 10.1).
  {
    client_id: 'scenario-hs256',
    client_secret: 'scenario-secret-hs256-0123456789abcdef',
    id_token_signed_response_alg: 'HS256',
    redirect_uris: [REDIRECT_URI],
  },
  {
    client_id: 'scenario-es256',
    client_secret: 'scenario-secret-es256',
    id_token_signed_response_alg: 'ES256',
    redirect_uris: [REDIRECT_URI],
  },
  {
    client_id: 'scenario-signed-userinfo',
    client_secret: 'scenario-secret-signed-userinfo',
    userinfo_signed_response_alg: 'RS256',
    redirect_uris: [REDIRECT_URI],
  },
];

const idp = useIdp({ issuers: [{ name: 'generic', extraClients: CLIENTS }] });
beforeAll(async () => {
  issuer = idp().issuers.generic!;
  jwks = (await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet;
});

/** The generic issuer's authorization URL for a code flow to REDIRECT_URI with state the-state and S256 PKCE. */
function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    state: 'the-state',
    code_challenge_method: 'S256',
    ...params,
  }).toString();
  return url;
}

/** Runs a login for an armed client and returns the raw token response, without openid-client's checks. */
async function rawLogin(clientIndex: number, scenario: string, params: Record<string, string> = {}) {
  const { client_id, client_secret } = CLIENTS[clientIndex]!;
  idp().admin.arm('generic', client_id, scenario);
  const verifier = client.randomPKCECodeVerifier();
  const url = authorizeUrl({
    client_id,
    nonce: 'the-nonce',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    ...params,
  });
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  const code = callback.searchParams.get('code');
  const response = code
    ? await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(client_id, client_secret),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: verifier,
        }),
      })
    : undefined;
  const text = await response?.text();
  const tokens = response?.headers.get('content-type')?.includes('json')
    ? (JSON.parse(text!) as { id_token: string; access_token: string } & Record<string, unknown>)
    : undefined;
  idp().admin.disarm('generic', client_id);
  return { callback, tokens, response, text };
}

describe('scenario catalog', () => {
  it('names at least the ID token, signature and response faults', () => {
    expect(scenarios.size).toBeGreaterThanOrEqual(35);
    for (const name of [
      'id-token-aud-wrong',
      'id-token-alg-none',
      'id-token-hs256-public-key',
      'state-altered',
      'iss-param-missing',
      'userinfo-sub-mismatch',
      'refresh-id-token-sub-changed',
    ]) {
      expect(scenarios.has(name), name).toBe(true);
    }
  });
});

describe('ID token faults', () => {
  it('change exactly the named claim and keep a valid signature', async () => {
    const { tokens } = await rawLogin(0, 'id-token-aud-wrong');
    const { payload } = await jwtVerify(tokens!.id_token, createLocalJWKSet(jwks));
    expect(payload).toMatchObject({ aud: 'some-other-client', iss: issuer, sub: 'alice', nonce: 'the-nonce' });
    const future = await rawLogin(1, 'id-token-iat-future');
    expect(decodeJwt(future.tokens!.id_token).iat).toBeGreaterThan(Math.floor(Date.now() / 1000) + 3500);
    const extra = await rawLogin(2, 'id-token-aud-extra-without-azp');
    expect(decodeJwt(extra.tokens!.id_token).aud).toEqual(['scenario-2', 'some-other-client']);
  });

  it(
    'produce the JOSE attacks: alg none, HS256 with the public key, unpublished keys, a ' + 'corrupt signature',
    async () => {
      const none = await rawLogin(3, 'id-token-alg-none');
      expect(decodeProtectedHeader(none.tokens!.id_token).alg).toBe('none');
      expect(none.tokens!.id_token.endsWith('.')).toBe(true);
      const hs = await rawLogin(3, 'id-token-hs256-public-key');
      expect(decodeProtectedHeader(hs.tokens!.id_token).alg).toBe('HS256');
      const foreign = await rawLogin(4, 'id-token-unpublished-key');
      expect(jwks.keys.map((k) => k.kid)).not.toContain(decodeProtectedHeader(foreign.tokens!.id_token).kid);
      const sameKid = await rawLogin(4, 'id-token-unpublished-key-same-kid');
      await expect(jwtVerify(sameKid.tokens!.id_token, createLocalJWKSet(jwks))).rejects.toThrow(/signature/);
      const corrupt = await rawLogin(5, 'id-token-signature-corrupt');
      await expect(jwtVerify(corrupt.tokens!.id_token, createLocalJWKSet(jwks))).rejects.toThrow(/signature/);
      const embedded = await rawLogin(5, 'id-token-jwk-embedded');
      const attacker = fixtureJson<{ keys: { kid: string; alg: string }[] }>('keys/attacker.json').keys.find(
        (k) => k.alg === 'RS256',
      )!;
      expect(decodeProtectedHeader(embedded.tokens!.id_token).jwk).toMatchObject({ kid: attacker.kid, kty: 'RSA' });
      expect(JSON.stringify(decodeProtectedHeader(embedded.tokens!.id_token).jwk)).not.toContain('"d"');
    },
  );
});

describe("the attacker's key URLs (jku, x5u)", () => {
  it('name a key set and a certificate served under another name for the host, never at its own', async () => {
    const { tokens } = await rawLogin(5, 'id-token-jku-injected');
    const jku = new URL(decodeProtectedHeader(tokens!.id_token).jku!);
    // 127.0.0.1 and localhost: the same server under another host name, so a client that follows the URL reaches it.
    const { hostname, port, pathname } = new URL(issuer);
    expect(hostname).toBe('127.0.0.1');
    expect([jku.hostname, jku.port, jku.pathname, jku.search]).toEqual([
      'localhost',
      port,
      `${pathname}/attacker-keys/scenario-5/jwks.json`,
      '',
    ]);
    const attackerKeys = (await (await fetch(jku)).json()) as JSONWebKeySet;
    const issuerKids = jwks.keys.map((k) => k.kid);
    expect(attackerKeys.keys.filter((k) => issuerKids.includes(k.kid))).toEqual([]);
    // Signed by the key it names: a client that takes keys from the header accepts the token.
    await expect(jwtVerify(tokens!.id_token, createLocalJWKSet(attackerKeys))).resolves.toBeDefined();
    await expect(jwtVerify(tokens!.id_token, createLocalJWKSet(jwks))).rejects.toThrow();
    // Not at the issuer's own host, not for another method, not for a path of another shape.
    const ownHost = new URL(jku);
    ownHost.hostname = '127.0.0.1';
    const notHere = await fetch(ownHost);
    expect([notHere.status, ((await notHere.json()) as { error: string }).error]).toEqual([404, 'not_found']);
    expect((await fetch(jku, { method: 'POST' })).status).toBe(404);
    for (const path of [
      '/attacker-keys/jwks.json',
      '/attacker-keys/a/b/jwks.json',
      '/attacker-keys/%E0%A4%A/jwks.json',
    ])
      expect((await fetch(`http://localhost:${port}${pathname}${path}`)).status, path).toBe(404);
    const fetched = idp()
      .requests.list({ issuer: 'generic' })
      .filter((r) => r.path.endsWith('/attacker-keys/scenario-5/jwks.json'));
    expect(fetched.map((r) => [r.route, r.clientId, r.status])).toEqual([
      ['foreign_keys', 'scenario-5', 200],
      [undefined, undefined, 404],
      [undefined, undefined, 404],
    ]);

    // The client_id is the client's, whatever another part of a composed scenario does to aud and azp.
    const noAud = await rawLogin(5, 'id-token-aud-missing+id-token-jku-injected');
    expect(new URL(decodeProtectedHeader(noAud.tokens!.id_token).jku!).pathname).toContain(
      '/attacker-keys/scenario-5/',
    );

    const x5u = await rawLogin(5, 'id-token-x5u-injected');
    const certUrl = new URL(decodeProtectedHeader(x5u.tokens!.id_token).x5u!);
    expect([certUrl.hostname, certUrl.pathname]).toEqual([
      'localhost',
      `${pathname}/attacker-keys/scenario-5/cert.pem`,
    ]);
    const pem = await (await fetch(certUrl)).text();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect(jwtVerify(x5u.tokens!.id_token, await importX509(pem, 'RS256'))).resolves.toBeDefined();
  });

  it("are served by a scenario's own issuer URL too, under its path", async () => {
    const instance = `${issuer}/s/id-token-jku-injected~catalog`;
    const { client_id, client_secret } = CLIENTS[6]!;
    const verifier = client.randomPKCECodeVerifier();
    const authorize = new URL(`${instance}/auth`);
    authorize.search = authorizeUrl({
      client_id,
      nonce: 'the-nonce',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
    }).search;
    const { url: callback } = await new UserAgent().navigate(authorize, {
      until: (u) => u.href.startsWith(REDIRECT_URI),
    });
    const answer = await fetch(`${instance}/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(client_id, client_secret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    });
    const { id_token } = (await answer.json()) as { id_token: string };
    const jku = new URL(decodeProtectedHeader(id_token).jku!);
    expect(jku.pathname).toBe(`${new URL(instance).pathname}/attacker-keys/scenario-6/jwks.json`);
    expect(((await (await fetch(jku)).json()) as JSONWebKeySet).keys).toHaveLength(1);
    const [record] = idp()
      .requests.list({ issuer: 'generic~id-token-jku-injected~catalog' })
      .filter((r) => r.route === 'foreign_keys');
    expect(record).toMatchObject({ clientId: 'scenario-6', status: 200 });
  });
});

/** The signature of a corrupt-signature fault with its flipped byte flipped back: the token as issued. */
function unflipped(jwt: string): string {
  const [head, body, signature] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] = bytes[0]! ^ 0x5a;
  return `${head}.${body}.${bytes.toString('base64url')}`;
}

describe('signature faults in the alg the client registered', () => {
  it(
    'corrupt an ES256 signature by the EC key and an HS256 one keyed with the client secret, ' + 'and nothing else',
    async () => {
      const es = (await rawLogin(9, 'id-token-signature-corrupt')).tokens!.id_token;
      expect(decodeProtectedHeader(es).alg).toBe('ES256');
      await expect(jwtVerify(es, createLocalJWKSet(jwks))).rejects.toThrow(/signature/);
      expect((await jwtVerify(unflipped(es), createLocalJWKSet(jwks))).payload).toMatchObject({
        aud: 'scenario-es256',
        nonce: 'the-nonce',
      });

      const hs = (await rawLogin(8, 'id-token-signature-corrupt')).tokens!.id_token;
      expect(decodeProtectedHeader(hs).alg).toBe('HS256');
      const secret = new TextEncoder().encode(CLIENTS[8]!.client_secret);
      await expect(jwtVerify(hs, secret)).rejects.toThrow(/signature/);
      expect((await jwtVerify(unflipped(hs), secret)).payload).toMatchObject({
        aud: 'scenario-hs256',
        iss: issuer,
        nonce: 'the-nonce',
      });
    },
  );
});

describe('userinfo about someone else', () => {
  it("plants an email in the user's own domain, where that domain is one reserved for examples", async () => {
    idp().admin.upsertUser('generic', { sub: 'planted-gmail', claims: { email: 'planted@gmail.com' } });
    const plantedEmail = async (login_hint: string) => {
      const { client_id } = CLIENTS[0]!;
      const { tokens } = await rawLogin(0, 'userinfo-sub-mismatch', { scope: 'openid email', login_hint });
      idp().admin.arm('generic', client_id, 'userinfo-sub-mismatch');
      const me = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${tokens!.access_token}` } });
      idp().admin.disarm('generic', client_id);
      return ((await me.json()) as { email?: string }).email;
    };
    expect(await plantedEmail('alice')).toBe('someone-else@example.com');
    // A real domain would have an app under test send mail to a real mailbox.
    expect(await plantedEmail('planted-gmail')).toBe('someone-else@example.invalid');
  });
});

describe('signed userinfo', () => {
  it(
    'answers a client registered for it with a JWT, and the corrupt-signature scenario breaks ' + 'only the signature',
    async () => {
      const index = CLIENTS.findIndex((c) => c.client_id === 'scenario-signed-userinfo');
      const userinfo = async (accessToken: string) =>
        fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      const plain = await rawLogin(index, 'id-token-aud-wrong');
      const signed = await userinfo(plain.tokens!.access_token);
      expect(signed.headers.get('content-type')).toContain('application/jwt');
      const { payload } = await jwtVerify(await signed.text(), createLocalJWKSet(jwks));
      expect(payload).toMatchObject({ sub: 'alice', iss: issuer, aud: 'scenario-signed-userinfo' });

      const { client_id } = CLIENTS[index]!;
      const { tokens } = await rawLogin(index, 'id-token-aud-wrong');
      idp().admin.arm('generic', client_id, 'userinfo-signature-corrupt');
      const corrupt = await (await userinfo(tokens!.access_token)).text();
      idp().admin.disarm('generic', client_id);
      await expect(jwtVerify(corrupt, createLocalJWKSet(jwks))).rejects.toThrow(/signature verification failed/);
      expect(decodeJwt(corrupt)).toMatchObject({ sub: 'alice', aud: 'scenario-signed-userinfo' });
    },
  );
});

describe('token endpoint error shapes', () => {
  it(
    'answer 401 invalid_client with WWW-Authenticate, an error with 200, a 400 without error, ' + 'and text/plain',
    async () => {
      const unauthorized = await rawLogin(7, 'token-error-invalid-client-401');
      expect(unauthorized.response!.status).toBe(401);
      expect(unauthorized.response!.headers.get('www-authenticate')).toMatch(
        /^Basic realm="mock-idp", error="invalid_client"/,
      );
      expect(unauthorized.tokens).toEqual({
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      });
      const ok = await rawLogin(7, 'token-error-status-200');
      expect(ok.response!.status).toBe(200);
      expect(ok.tokens).toEqual({ error: 'invalid_grant', error_description: 'The authorization code has expired' });
      const bare = await rawLogin(7, 'token-error-no-error-field');
      expect(bare.response!.status).toBe(400);
      expect(bare.tokens).toEqual({ error_description: 'Something went wrong' });
      const text = await rawLogin(7, 'token-error-text-plain');
      expect(text.response!.status).toBe(400);
      expect(text.response!.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(text.text).toBe('Bad Request: invalid authorization code');
    },
  );

  it('reissue an access token with + / = ( ) that works as sent, and not once a raw + turns into a space', async () => {
    const { tokens } = await rawLogin(6, 'access-token-reserved-chars');
    expect(tokens!.access_token).toContain('+/=()');
    const asIssued = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${tokens!.access_token}` } });
    expect(asIssued.status).toBe(200);
    expect(((await asIssued.json()) as { sub: string }).sub).toBe('alice');
    const mangled = await fetch(`${issuer}/me`, {
      headers: { authorization: `Bearer ${tokens!.access_token.replace('+', ' ')}` },
    });
    expect(mangled.status).toBeGreaterThanOrEqual(400);
  });
});

describe('authorization response faults', () => {
  it('alter state, drop iss, or answer an error', async () => {
    expect((await rawLogin(6, 'state-altered')).callback.searchParams.get('state')).toBe('altered-state');
    const noIss = await rawLogin(6, 'iss-param-missing');
    expect(noIss.callback.searchParams.has('iss')).toBe(false);
    expect(noIss.callback.searchParams.get('code')).toBeTruthy();
    const error = await rawLogin(6, 'authorization-error');
    expect(error.callback.searchParams.get('error')).toBe('access_denied');
    expect(error.callback.searchParams.get('state')).toBe('the-state');
    expect(error.callback.searchParams.has('code')).toBe(false);
  });

  it('leave a login that goes through the interaction page alone until the response itself', async () => {
    const { client_id } = CLIENTS[6]!;
    idp().admin.arm('generic', client_id, 'state-altered');
    try {
      const url = authorizeUrl({
        client_id,
        prompt: 'login',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      });
      const first = await fetch(url, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toMatch(/\/interaction\//);
    } finally {
      idp().admin.disarm('generic', client_id);
    }
  });
});

describe('binding scenarios to clients', () => {
  it('is parallel-safe: only the armed client misbehaves', async () => {
    idp().admin.arm('generic', 'scenario-7', 'id-token-aud-wrong');
    try {
      const healthy = await codeFlow(await discoverGenericBasic(issuer));
      expect(healthy.tokens.claims()!.aud).toBe('generic-basic');
      // openid-client rejects the armed client's token, as OIDC Core requires.
      const armed = await discover(issuer, 'scenario-7', client.ClientSecretBasic('scenario-secret-7'));
      await expect(codeFlow(armed)).rejects.toThrow(/unexpected JWT claim value/);
    } finally {
      idp().admin.disarm('generic', 'scenario-7');
    }
  });

  it('is armed and listed over the admin HTTP path, with errors for unknown names', async () => {
    const list = (await (await fetch(`${idp().url}/_admin/scenarios`)).json()) as { scenarios: { name: string }[] };
    expect(list.scenarios.length).toBe(scenarios.size);
    const armed = await fetch(`${idp().url}/_admin/issuers/generic/clients/scenario-7/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'userinfo-sub-mismatch' }),
    });
    expect(armed.status).toBe(200);
    const config = await discover(issuer, 'scenario-7', client.ClientSecretBasic('scenario-secret-7'));
    const { tokens } = await codeFlow(config);
    await expect(client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow(
      /unexpected JSON attribute value/,
    );
    expect(
      (await fetch(`${idp().url}/_admin/issuers/generic/clients/scenario-7/scenario`, { method: 'DELETE' })).status,
    ).toBe(200);
    const unknown = await fetch(`${idp().url}/_admin/issuers/generic/clients/scenario-7/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nope' }),
    });
    expect(unknown.status).toBe(400);
  });
});

describe('composed scenarios', () => {
  it(
    "join named scenarios with +: every part's faults at once, armed on a client or served on " + 'its own issuer URL',
    async () => {
      const { tokens } = await rawLogin(3, 'id-token-aud-wrong+id-token-nonce-wrong');
      const { payload } = await jwtVerify(tokens!.id_token, createLocalJWKSet(jwks));
      expect(payload.aud).toBe('some-other-client');
      expect(payload.nonce).not.toBe('the-nonce');
      expect(payload).toMatchObject({ iss: issuer, sub: 'alice' });

      const base = `${issuer}/s/jwks-kid-absent-single+discovery-issuer-mismatch~c1`;
      const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        jwks_uri: string;
      };
      expect(discovery.issuer).toBe('https://attacker.example');
      const keys = (await (await fetch(`${base}/jwks`)).json()) as JSONWebKeySet;
      expect(keys.keys.every((k) => k.kid === undefined)).toBe(true);
      // One key per type, the signing key (the issuer's first) last: taking the first key does not sign in.
      const own = ((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet).keys;
      expect(keys.keys.map((k) => k.kty)).toEqual([...new Set(own.map((k) => k.kty))].reverse());
      expect(keys.keys.at(-1)?.n).toBe(own[0]?.n);
    },
  );

  it('keep the rotated key that signs when a part keeps one key per type', async () => {
    const base = `${issuer}/s/jwks-kid-absent-single+jwks-uri-per-instance~r1`;
    const { jwks_uri } = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    const { keys } = (await (await fetch(jwks_uri)).json()) as JSONWebKeySet;
    const own = ((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet).keys;
    // The key the first discovery brought in signs from then on: it is the RSA key served, last.
    expect(keys.map((k) => k.kty)).toEqual(['EC', 'RSA']);
    expect(own.map((k) => k.n)).not.toContain(keys.at(-1)?.n);
  });

  it('keep the signing key in a JWKS whose parts add a decoy and keep one key per type, in either order', async () => {
    const own = ((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet).keys;
    for (const name of [
      'jwks-kid-absent-multiple+jwks-kid-absent-single',
      'jwks-kid-absent-single+jwks-duplicate-kid',
    ]) {
      const { keys } = (await (await fetch(`${issuer}/s/${name}/jwks`)).json()) as JSONWebKeySet;
      // The decoy first, then one of the issuer's own keys per type, the one that signs last.
      expect(
        keys.map((k) => k.kty),
        name,
      ).toEqual(['RSA', ...[...new Set(own.map((k) => k.kty))].reverse()]);
      expect(keys[0]?.n, name).not.toBe(own[0]?.n);
      expect(keys.at(-1)?.n, name).toBe(own[0]?.n);
    }
  });

  it(
    'refuse an unknown part, a part named twice and more than four parts, as a 404 on the URL ' +
      'and a 400 on the admin path',
    async () => {
      for (const name of [
        'id-token-aud-wrong+nope',
        'id-token-aud-wrong+id-token-aud-wrong',
        'id-token-aud-wrong+id-token-nonce-wrong+id-token-iat-future+id-token-exp-past+token-slow',
      ]) {
        expect((await fetch(`${issuer}/s/${name}/jwks`)).status, name).toBe(404);
        const armed = await fetch(`${idp().url}/_admin/issuers/generic/clients/scenario-4/scenario`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
        expect(armed.status, name).toBe(400);
        expect(((await armed.json()) as { error_description: string }).error_description).toContain(
          'up to 4 joined with +',
        );
      }
    },
  );
});

describe('scenario issuer URLs', () => {
  it('serve JWKS and discovery faults at <issuer>/s/<scenario>, leaving the issuer itself alone', async () => {
    const base = `${issuer}/s/jwks-kid-absent-multiple`;
    const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery).toMatchObject({ issuer: base, jwks_uri: `${base}/jwks` });
    const faulty = (await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet;
    expect(faulty.keys.filter((k) => k.kty === 'RSA')).toHaveLength(2);
    expect(faulty.keys.every((k) => k.kid === undefined)).toBe(true);
    // The decoy first: only a client that tries each key, not one that takes the first, signs in.
    const own = ((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet).keys;
    expect(faulty.keys[0]?.n).not.toBe(own[0]?.n);
    expect(faulty.keys[1]?.n).toBe(own[0]?.n);
    expect(
      ((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet).keys.every((k) => typeof k.kid === 'string'),
    ).toBe(true);

    const unavailable = await fetch(`${issuer}/s/jwks-unavailable/jwks`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toContain('text/html');
    const forbidden = await fetch(`${issuer}/s/jwks-forbidden/jwks`);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain('<h1>403 Forbidden</h1>');
    const mismatch = (await (
      await fetch(`${issuer}/s/discovery-issuer-mismatch/.well-known/openid-configuration`)
    ).json()) as { issuer: string };
    expect(mismatch.issuer).toBe('https://attacker.example');
    expect((await fetch(`${issuer}/s/no-such-scenario/jwks`)).status).toBe(404);
  });

  it("name plain-http endpoints on another host, the keys still within reach under the host's other name", async () => {
    const base = `${issuer}/s/discovery-http-endpoints`;
    const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const { port, pathname } = new URL(base);
    expect(discovery.authorization_endpoint).toBe(`http://attacker.example:${port}${pathname}/auth`);
    expect(discovery.token_endpoint).toBe(`http://attacker.example:${port}${pathname}/token`);
    // A client that fetches its keys as it reads discovery gets them, and goes on to the authorization endpoint.
    expect(discovery.jwks_uri).toBe(`http://localhost:${port}${pathname}/jwks`);
    const keys = (await (await fetch(discovery.jwks_uri!)).json()) as JSONWebKeySet;
    expect(keys.keys.map((k) => k.kid)).toEqual(jwks.keys.map((k) => k.kid));
  });

  it('move the JWKS to a path of each instance only, advertised by discovery, with the usual path gone', async () => {
    const [one, two] = await Promise.all(
      ['a1', 'b2'].map(async (instance) => {
        const base = `${issuer}/s/jwks-uri-per-instance~${instance}`;
        const { jwks_uri } = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as {
          jwks_uri: string;
        };
        return { base, jwks_uri };
      }),
    );
    expect(one!.jwks_uri).toMatch(new RegExp(`^${one!.base}/jwks-[0-9a-f]{16}$`));
    expect(two!.jwks_uri.slice(two!.base.length)).not.toBe(one!.jwks_uri.slice(one!.base.length));
    expect((await fetch(`${one!.base}/jwks`)).status).toBe(404);
    // From the first discovery on, before any login, the signing key is one published only there: keys fetched at a
    // client's start-up hold it.
    const moved = (await (await fetch(one!.jwks_uri)).json()) as JSONWebKeySet;
    const own = jwks.keys.map((k) => k.kid);
    expect(moved.keys.map((k) => k.kid).filter((kid) => !own.includes(kid))).toHaveLength(1);
    const { tokens } = await codeFlow(await discoverGenericBasic(one!.base));
    const { kid } = decodeProtectedHeader(tokens.id_token!);
    expect(own).not.toContain(kid);
    await jwtVerify(tokens.id_token!, createLocalJWKSet(moved));
    const cached = await fetch(`${issuer}/s/jwks-max-age/jwks`);
    expect(cached.headers.get('cache-control')).toBe('public, max-age=600');
  });
});
