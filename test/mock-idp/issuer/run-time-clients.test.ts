import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSERTION_TYPE, clientAssertion } from '../../helpers/client-keys.js';
import { adminFetch, basicAuth, formPost } from '../../helpers/http.js';
import { useIdp } from '../../helpers/idp.js';

// Clients registered at run time reach the issuer's oidc-provider instance through its Client adapter:
// no new instance per registration, and every change still takes effect at the next request.
const idp = useIdp({ profiles: ['generic'] });

const clientsPath = (id: string) => `/issuers/generic/clients/${id}`;
const register = (id: string, secret: string, extra: Record<string, unknown> = {}) =>
  adminFetch(idp(), clientsPath(id), {
    method: 'PUT',
    body: {
      client_secret: secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      ...extra,
    },
  });
const token = (issuer: string, id: string, secret: string) =>
  formPost(`${issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(id, secret) });

describe('clients registered at run time', () => {
  it('work at once, and keep the instance that serves every other client', async () => {
    const issuer = idp().issuers.generic!;
    const before = idp().issuer('generic').provider;
    expect((await register('rt-one', 'rt-one-secret-0123456789')).status).toBe(200);
    const r = await token(issuer, 'rt-one', 'rt-one-secret-0123456789');
    expect(r.status).toBe(200);
    expect(r.body.access_token).toEqual(expect.any(String));
    expect(idp().issuer('generic').provider).toBe(before);
  });

  it('take a replacement and a removal at the next request', async () => {
    const issuer = idp().issuers.generic!;
    await register('rt-two', 'rt-two-first-secret-0123');
    expect((await token(issuer, 'rt-two', 'rt-two-first-secret-0123')).status).toBe(200);
    await register('rt-two', 'rt-two-second-secret-012');
    const old = await token(issuer, 'rt-two', 'rt-two-first-secret-0123');
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    expect((await token(issuer, 'rt-two', 'rt-two-second-secret-012')).status).toBe(200);
    expect((await adminFetch(idp(), clientsPath('rt-two'), { method: 'DELETE' })).status).toBe(200);
    const gone = await token(issuer, 'rt-two', 'rt-two-second-secret-012');
    expect(gone.status).toBe(401);
    expect(gone.body.error).toBe('invalid_client');
  });

  it('are refused whole when oidc-provider finds them invalid, and the previous registration stays', async () => {
    const issuer = idp().issuers.generic!;
    await register('rt-three', 'rt-three-secret-01234567');
    const bad = await register('rt-three', 'rt-three-other-secret-0123', {
      // oidc-provider's own check, which the admin API's schema leaves to it.
      scope: 'openid no-such-scope',
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error_description)).toMatch(/rt-three/);
    expect((await token(issuer, 'rt-three', 'rt-three-secret-01234567')).status).toBe(200);
  });

  it('replace or remove a configured client too (the instance is rebuilt for that)', async () => {
    const issuer = idp().issuers.generic!;
    expect((await token(issuer, 'generic-basic', 'generic-basic-secret')).status).toBe(200);
    await register('generic-basic', 'generic-basic-replaced-0123');
    expect((await token(issuer, 'generic-basic', 'generic-basic-secret')).status).toBe(401);
    expect((await token(issuer, 'generic-basic', 'generic-basic-replaced-0123')).status).toBe(200);
    expect((await adminFetch(idp(), clientsPath('generic-post'), { method: 'DELETE' })).status).toBe(200);
    const removed = await formPost(`${issuer}/token`, {
      grant_type: 'client_credentials',
      client_id: 'generic-post',
      client_secret: 'generic-post-secret',
    });
    expect(removed.status).toBe(401);
    expect(removed.body.error).toBe('invalid_client');
  });

  it('reach the scenario issuers made before they were registered', async () => {
    const scenarioIssuer = `${idp().issuers.generic}/s/id-token-aud-wrong~rt`;
    const discovery = await fetch(`${scenarioIssuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    await register('rt-four', 'rt-four-secret-012345678');
    expect((await token(scenarioIssuer, 'rt-four', 'rt-four-secret-012345678')).status).toBe(200);
    await adminFetch(idp(), clientsPath('rt-four'), { method: 'DELETE' });
    expect((await token(scenarioIssuer, 'rt-four', 'rt-four-secret-012345678')).status).toBe(401);
  });

  describe('with keys at a jwks_uri', () => {
    let signer: { key: CryptoKey; header: { alg: string; kid: string } };
    let published: object;
    let fetches = 0;
    const jwks: Server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [published] }));
    });
    afterAll(() => jwks.close());
    const newKey = async (kid: string) => {
      const pair = await generateKeyPair('RS256');
      signer = { key: pair.privateKey as CryptoKey, header: { alg: 'RS256', kid } };
      published = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    };
    const assertionToken = async () => {
      const tokenUrl = `${idp().issuers.generic}/token`;
      return formPost(tokenUrl, {
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await clientAssertion('rt-keys', tokenUrl, {}, 60, signer),
      });
    };

    it('fetch them again when the same registration is made again, as a test per key would', async () => {
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const metadata = {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      };
      const put = () => adminFetch(idp(), clientsPath('rt-keys'), { method: 'PUT', body: metadata });
      await newKey('first');
      expect((await put()).status).toBe(200);
      expect((await assertionToken()).status).toBe(200);
      await newKey('second');
      expect((await put()).status).toBe(200);
      const before = fetches;
      expect((await assertionToken()).status).toBe(200);
      expect(fetches).toBeGreaterThan(before);
      await newKey('third');
      await adminFetch(idp(), clientsPath('rt-keys'), { method: 'DELETE' });
      expect((await put()).status).toBe(200);
      expect((await assertionToken()).status).toBe(200);
    });
  });
});

describe('the issuer client list', () => {
  it('is read-only from the outside: setClients() replaces it', () => {
    const issuer = idp().issuer('generic');
    expect(Object.isFrozen(issuer.clients)).toBe(true);
    expect(() => (issuer.clients as unknown[]).push({ client_id: 'in-place' })).toThrow(TypeError);
  });
});
