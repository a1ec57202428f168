import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, type JWK, type JWTHeaderParameters, SignJWT } from 'jose';
import { fixtureJson, fixtureText } from './idp.js';

/** client_assertion_type of a private_key_jwt or client_secret_jwt assertion (RFC 7523 2.2). */
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function clientPrivateKey(alg: 'RS256' | 'ES256' = 'RS256'): Promise<{ key: CryptoKey; kid: string }> {
  const { keys } = fixtureJson<{ keys: (JWK & { kid: string })[] }>('keys/clients/generic-private-key-jwt.json');
  const jwk = keys.find((k) => k.alg === alg)!;
  return { key: (await importJWK(jwk, alg)) as CryptoKey, kid: jwk.kid };
}

/**
 * A private_key_jwt client assertion (RFC 7523) valid for `ttlSeconds`, signed with the fixture client key
 * unless a signer (its key and header) is given; `claims` add to the standard ones or, as undefined, drop one.
 */
export async function clientAssertion(
  clientId: string,
  aud: string,
  claims: Record<string, unknown> = {},
  ttlSeconds = 60,
  signer?: { key: CryptoKey; header: JWTHeaderParameters },
): Promise<string> {
  const { key, header } = signer ?? (await fixtureSigner());
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud,
    jti: randomUUID(),
    iat: now,
    exp: now + ttlSeconds,
    ...claims,
  })
    .setProtectedHeader(header)
    .sign(key);
}

async function fixtureSigner(): Promise<{ key: CryptoKey; header: JWTHeaderParameters }> {
  const { key, kid } = await clientPrivateKey('RS256');
  return { key, header: { alg: 'RS256', kid } };
}

export async function pemPrivateKey(): Promise<CryptoKey> {
  return importPKCS8(fixtureText('keys/clients/generic-pem.key'), 'RS256');
}
