import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { scenarios, UserAgent, type MockIdp } from '../mock-idp/index.js';
import { codeFlow, discover, fixtureJson, REDIRECT_URI, startTestIdp } from './helpers/idp.js';

let idp: MockIdp;
let issuer: string;
let jwks: JSONWebKeySet;
// Each test arms its own client, so they can run side by side on one issuer.
const CLIENTS = Array.from({ length: 8 }, (_, i) => ({ client_id: `scenario-${i}`, client_secret: `scenario-secret-${i}`, redirect_uris: [REDIRECT_URI] }));

beforeAll(async () => {
  idp = await startTestIdp({ issuers: [{ name: 'generic', extraClients: CLIENTS }] });
  issuer = idp.issuers.generic!;
  jwks = await (await fetch(`${issuer}/jwks`)).json() as JSONWebKeySet;
});
afterAll(() => idp.close());

/** Runs a login for an armed client and returns the raw token response, without openid-client's checks. */
async function rawLogin(clientIndex: number, scenario: string) {
  const { client_id, client_secret } = CLIENTS[clientIndex]!;
  idp.admin.arm('generic', client_id, scenario);
  const verifier = client.randomPKCECodeVerifier();
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({ client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 'the-state', nonce: 'the-nonce', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
  const { url: callback } = await new UserAgent().navigate(url, { until: (u) => u.href.startsWith(REDIRECT_URI) });
  const code = callback.searchParams.get('code');
  const tokens = code ? await (await fetch(`${issuer}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  })).json() as { id_token: string; access_token: string } : undefined;
  idp.admin.disarm('generic', client_id);
  return { callback, tokens };
}

describe('scenario catalog', () => {
  it('names at least the ID token, signature and response faults', () => {
    expect(scenarios.size).toBeGreaterThanOrEqual(35);
    for (const name of ['id-token-aud-wrong', 'id-token-alg-none', 'id-token-hs256-public-key', 'state-altered', 'iss-param-missing', 'userinfo-sub-mismatch', 'refresh-id-token-sub-changed']) {
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

  it('produce the JOSE attacks: alg none, HS256 with the public key, unpublished keys, a corrupt signature', async () => {
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
    const attacker = fixtureJson<{ keys: { kid: string; alg: string }[] }>('keys/attacker.json').keys.find((k) => k.alg === 'RS256')!;
    expect(decodeProtectedHeader(embedded.tokens!.id_token).jwk).toMatchObject({ kid: attacker.kid, kty: 'RSA' });
    expect(JSON.stringify(decodeProtectedHeader(embedded.tokens!.id_token).jwk)).not.toContain('"d"');
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
    idp.admin.arm('generic', client_id, 'state-altered');
    try {
      const url = new URL(`${issuer}/auth`);
      url.search = new URLSearchParams({ client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 'the-state', prompt: 'login', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).toString();
      const first = await fetch(url, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toMatch(/\/interaction\//);
    } finally {
      idp.admin.disarm('generic', client_id);
    }
  });
});

describe('binding scenarios to clients', () => {
  it('is parallel-safe: only the armed client misbehaves', async () => {
    idp.admin.arm('generic', 'scenario-7', 'id-token-aud-wrong');
    try {
      const healthy = await codeFlow(await discover(issuer, 'generic-basic', client.ClientSecretBasic('generic-basic-secret')));
      expect(healthy.tokens.claims()!.aud).toBe('generic-basic');
      // openid-client rejects the armed client's token, as OIDC Core requires.
      const armed = await discover(issuer, 'scenario-7', client.ClientSecretBasic('scenario-secret-7'));
      await expect(codeFlow(armed)).rejects.toThrow(/unexpected JWT claim value/);
    } finally {
      idp.admin.disarm('generic', 'scenario-7');
    }
  });

  it('is armed and listed over the admin HTTP path, with errors for unknown names', async () => {
    const list = await (await fetch(`${idp.url}/_admin/scenarios`)).json() as { scenarios: { name: string }[] };
    expect(list.scenarios.length).toBe(scenarios.size);
    const armed = await fetch(`${idp.url}/_admin/issuers/generic/clients/scenario-7/scenario`, { method: 'PUT', body: JSON.stringify({ name: 'userinfo-sub-mismatch' }) });
    expect(armed.status).toBe(200);
    const config = await discover(issuer, 'scenario-7', client.ClientSecretBasic('scenario-secret-7'));
    const { tokens } = await codeFlow(config);
    await expect(client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow(/unexpected JSON attribute value/);
    expect((await fetch(`${idp.url}/_admin/issuers/generic/clients/scenario-7/scenario`, { method: 'DELETE' })).status).toBe(200);
    const unknown = await fetch(`${idp.url}/_admin/issuers/generic/clients/scenario-7/scenario`, { method: 'PUT', body: JSON.stringify({ name: 'nope' }) });
    expect(unknown.status).toBe(400);
  });
});

describe('scenario issuer URLs', () => {
  it('serve JWKS and discovery faults at <issuer>/s/<scenario>, leaving the issuer itself alone', async () => {
    const base = `${issuer}/s/jwks-kid-absent-multiple`;
    const discovery = await (await fetch(`${base}/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
    expect(discovery).toMatchObject({ issuer: base, jwks_uri: `${base}/jwks` });
    const faulty = await (await fetch(discovery.jwks_uri)).json() as JSONWebKeySet;
    expect(faulty.keys.filter((k) => k.kty === 'RSA')).toHaveLength(2);
    expect(faulty.keys.every((k) => k.kid === undefined)).toBe(true);
    expect((await (await fetch(`${issuer}/jwks`)).json() as JSONWebKeySet).keys.every((k) => typeof k.kid === 'string')).toBe(true);

    const unavailable = await fetch(`${issuer}/s/jwks-unavailable/jwks`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toContain('text/html');
    const mismatch = await (await fetch(`${issuer}/s/discovery-issuer-mismatch/.well-known/openid-configuration`)).json() as { issuer: string };
    expect(mismatch.issuer).toBe('https://attacker.example');
    expect((await fetch(`${issuer}/s/no-such-scenario/jwks`)).status).toBe(404);
  });
});
