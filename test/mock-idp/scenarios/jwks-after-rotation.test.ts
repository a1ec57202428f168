import { describe, expect, it } from 'vitest';
import { adminFetch } from '../../helpers/http.js';
import { useIdp } from '../../helpers/idp.js';
import { codeRequest } from '../../helpers/login.js';

// oidc-provider answers every JWKS request with the same array of keys: a rotation armed on one client
// publishes its key beside the issuer's in that request's answer only, never in the issuer's own set.
const idp = useIdp({ profiles: ['generic'] });

const kids = async () => {
  const response = await fetch(`${idp().issuers.generic}/jwks`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
};
const scenarioPath = '/issuers/generic/clients/generic-basic/scenario';

async function rotateOnce(): Promise<void> {
  expect(
    (await adminFetch(idp(), scenarioPath, { method: 'PUT', body: { name: 'key-rotation-next-login' } })).status,
  ).toBe(200);
  const authorize = await fetch(codeRequest(`${idp().issuers.generic}/auth`, 'generic-basic', { scope: 'openid' }), {
    redirect: 'manual',
  });
  expect(authorize.status).toBeLessThan(400);
}

describe('the JWKS after a key rotation armed on a client', () => {
  it('publishes the rotated key while armed, and only the issuer keys once disarmed', async () => {
    const own = await kids();
    await rotateOnce();
    const during = await kids();
    expect(during).toHaveLength(own.length + 1);
    expect(during.slice(0, own.length)).toEqual(own);
    expect((await adminFetch(idp(), scenarioPath, { method: 'DELETE' })).status).toBe(200);
    expect(await kids()).toEqual(own);
    await rotateOnce();
    expect(await kids()).toHaveLength(own.length + 1);
    await adminFetch(idp(), scenarioPath, { method: 'DELETE' });
    expect(await kids()).toEqual(own);
  });
});
