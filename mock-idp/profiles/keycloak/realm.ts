import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ProfileContext } from '../../kernel/plugin-types.js';
import { fixturePath } from '../../paths.js';

/**
 * The realm an issuer serves: the segment after /realms/ in its mount path
 * (/keycloak/realms/demo is "demo"), else its tenant, else "demo". One issuer
 * is one realm, so several realms are several issuers.
 */
export function realmOf(ctx: Pick<ProfileContext, 'mountPath' | 'tenant'>): string {
  return /\/realms\/([^/]+)$/.exec(ctx.mountPath)?.[1] ?? ctx.tenant ?? 'demo';
}

/** A Keycloak-style UUID, stable for the same input (sessions, service-account users). */
export function uuidFrom(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface RealmSecret {
  kid: string;
  alg: 'HS512';
  k: string;
}

let secret: RealmSecret | undefined;

/**
 * The realm's HMAC key for refresh tokens (Keycloak's hmac-generated-hs512
 * provider): never in the JWKS. Each realm's key is derived from the fixed
 * secret in fixtures/keys/keycloak-hmac.json and the realm name, so realms do
 * not accept each other's refresh tokens.
 */
export function realmHmacKey(realm: string): { kid: string; key: Uint8Array } {
  secret ??= JSON.parse(readFileSync(fixturePath('keys', 'keycloak-hmac.json'), 'utf8')) as RealmSecret;
  const key = createHmac('sha512', Buffer.from(secret.k, 'base64url')).update(realm).digest();
  return { kid: uuidFrom(secret.kid, realm), key: new Uint8Array(key) };
}
