import { randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, type JWK, SignJWT } from 'jose';
import { fixtureJson, fixtureText } from './idp.js';

/** client_assertion_type of a private_key_jwt or client_secret_jwt assertion (RFC 7523 2.2). */
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function clientPrivateKey(alg: 'RS256' | 'ES256' = 'RS256'): Promise<{ key: CryptoKey; kid: string }> {
  const { keys } = fixtureJson<{ keys: (JWK & { kid: string })[] }>('keys/clients/generic-private-key-jwt.json');
  const jwk = keys.find((k) => k.alg === alg)!;
  return { key: (await importJWK(jwk, alg)) as CryptoKey, kid: jwk.kid };
}

/** A private_key_jwt client assertion (RFC 7523) signed with the fixture client key, valid for `ttlSeconds`. */
export async function clientAssertion(
  clientId: string,
  aud: string,
  claims: Record<string, unknown> = {},
  ttlSeconds = 60,
): Promise<string> {
  const { key, kid } = await clientPrivateKey('RS256');
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
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(key);
}

export async function pemPrivateKey(): Promise<CryptoKey> {
  return importPKCS8(fixtureText('keys/clients/generic-pem.key'), 'RS256');
}
