import { describe, expect, it } from 'vitest';
import { basicAuth } from '../../helpers/http.js';
import { REDIRECT_URI, startTestIdp, useIdp } from '../../helpers/idp.js';
import { captureLog } from '../../helpers/log.js';
import { authorizationCode, discoverGenericBasic } from '../../helpers/login.js';

const STORE_SIZE = 100;
const log = captureLog('warn');
const idp = useIdp({ profiles: ['generic'], storeSize: STORE_SIZE, logger: log.logger });

const basic = basicAuth('generic-basic', 'generic-basic-secret');

async function mintAt(base: string): Promise<void> {
  const r = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  expect(r.status).toBe(200);
  await r.arrayBuffer();
}

describe("scenario copies are bounded by their issuer's store", () => {
  it('copies share one store: tokens minted across five copies never exceed storeSize in total', async () => {
    const segments = ['a', 'b', 'c', 'd', 'e'].map((id) => `id-token-aud-wrong~copy-${id}`);
    for (const segment of segments) {
      for (let i = 0; i < 30; i++) await mintAt(`${idp().issuers.generic}/s/${segment}`);
    }
    const generic = idp().issuer('generic');
    const stores = new Set([generic.store, ...segments.map((s) => generic.scenarioIssuer(s)!.store)]);
    const total = [...stores].reduce((sum, store) => sum + store.size, 0);
    expect(total).toBeLessThanOrEqual(STORE_SIZE);
    expect((await fetch(`${idp().url}/health`)).status).toBe(200);
  });
});

describe('an unexpired entry pushed out of the full store', () => {
  it('is logged, noted as evicted in the request log and named in the error, not passed off as revoked', async () => {
    const config = await discoverGenericBasic(idp().issuers.generic!);
    const { code, verifier } = await authorizationCode(config);
    for (let i = 0; i < STORE_SIZE + 20; i++) await mintAt(idp().issuers.generic!);
    const r = await fetch(`${idp().issuers.generic}/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    });
    const body = (await r.json()) as { error: string; error_description: string };
    expect(r.status).toBe(400);
    expect(body.error).toBe('invalid_grant');
    expect(body.error_description).toMatch(/pushed out of the full store \(storeSize\), not revoked/);
    const record = idp().requests.list({ route: 'token' }).at(-1)!;
    expect(record.notes?.some((n) => n.startsWith('evicted: AuthorizationCode'))).toBe(true);
    expect(log.text()).toMatch(/store full: an unexpired \w+ was pushed out/);
    expect(idp().issuer('generic').store.evictions).toBeGreaterThan(0);
  });
});

describe('the memory store is bounded by size, not only by count', () => {
  it('a flood of large pushed authorization requests cannot hold more than storeSize KB', async () => {
    const small = await startTestIdp({ profiles: ['generic'], storeSize: 100 });
    try {
      for (let i = 0; i < 10; i++) {
        const r = await fetch(`${small.issuers.generic}/request`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: 'generic-basic',
            response_type: 'code',
            scope: 'openid',
            redirect_uri: REDIRECT_URI,
            code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
            code_challenge_method: 'S256',
            state: 'x'.repeat(20_000),
          }),
        });
        expect(r.status).toBe(201);
      }
      const store = small.issuer('generic').store as import('../../../mock-idp/issuer/store.js').IssuerStore;
      expect(store.units).toBeLessThanOrEqual(100);
      expect(store.size).toBeLessThanOrEqual(4);
    } finally {
      await small.close();
    }
  });
});
