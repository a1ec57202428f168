import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSERTION_TYPE, clientAssertion } from '../helpers/client-keys.js';
import { adminFetch, formPost } from '../helpers/http.js';
import { useIdp } from '../helpers/idp.js';

let jwksServer: Server;
let jwksUrl: string;
let hits = 0;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`;
});
afterAll(() => {
  jwksServer.close();
});
const idp = useIdp(() => ({
  issuers: [
    {
      name: 'generic',
      features: { registration: true },
      extraClients: [
        {
          client_id: 'configured-jwks-uri',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: jwksUrl,
          grant_types: ['client_credentials'],
        },
      ],
    },
  ],
}));

async function clientCredentials(clientId: string) {
  const tokenUrl = `${idp().issuers.generic}/token`;
  return formPost(tokenUrl, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await clientAssertion(clientId, tokenUrl, {}, 60, {
      key: privateKey,
      header: { alg: 'RS256', kid: 'k1' },
    }),
  });
}

describe("oidc-provider's outbound request guard", () => {
  it("still reaches a configured client's jwks_uri on loopback", async () => {
    const before = hits;
    const r = await clientCredentials('configured-jwks-uri');
    expect(r.status).toBe(200);
    expect(hits).toBeGreaterThan(before);
  });

  it('reaches the loopback jwks_uri of a client registered through the admin API', async () => {
    const put = await adminFetch(idp(), '/issuers/generic/clients/admin-jwks-uri', {
      method: 'PUT',
      body: {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${jwksUrl}?admin`,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    });
    expect(put.status).toBe(200);
    const before = hits;
    const r = await clientCredentials('admin-jwks-uri');
    expect(r.status).toBe(200);
    expect(hits).toBeGreaterThan(before);
  });

  it('stays on for a dynamically registered client: its loopback jwks_uri is never fetched', async () => {
    const registered = await fetch(`${idp().issuers.generic}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${jwksUrl}?dynamic`,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      }),
    });
    expect(registered.status).toBe(201);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const before = hits;
    const r = await clientCredentials(clientId);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(hits).toBe(before);
  });

  it('keeps a dynamically registered client unreadable by its registrant once the admin API took its id', async () => {
    const registered = await fetch(`${idp().issuers.generic}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }),
    });
    expect(registered.status).toBe(201);
    const reg = (await registered.json()) as {
      client_id: string;
      registration_client_uri: string;
      registration_access_token: string;
    };
    const read = () =>
      fetch(reg.registration_client_uri, { headers: { authorization: `Bearer ${reg.registration_access_token}` } });
    expect((await read()).status).toBe(200);
    const put = await adminFetch(idp(), `/issuers/generic/clients/${reg.client_id}`, {
      method: 'PUT',
      body: {
        client_secret: 'set-by-the-admin-api-0123456789',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      },
    });
    expect(put.status).toBe(200);
    const after = await read();
    expect(after.status).toBe(403);
    expect(await after.text()).not.toContain('set-by-the-admin-api');
  });
});
