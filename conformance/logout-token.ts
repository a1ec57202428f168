import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base64url, importJWK, type JWTPayload, SignJWT } from 'jose';
import { fixturePath } from '../mock-idp/helpers.js';
import type { SigningKey } from '../mock-idp/index.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * How a case's logout token departs from a valid one (OIDC Back-Channel
 * Logout 1.0, 2.4): claims set or removed, and how it is signed.
 */
export interface LogoutTokenFault {
  set?: Readonly<Record<string, unknown>>;
  /** Time claims as seconds from now: { iat: -900, exp: -600 } is a token expired 10 minutes ago. */
  times?: Readonly<Record<string, number>>;
  remove?: readonly string[];
  /**
   * none: `alg: none`, no signature; unpublished: an RS256 key the issuer does
   * not publish, under its own kid; other-alg: the issuer's ES256 key when RS256
   * is registered; corrupt: the signature's bytes flipped.
   */
  sign?: 'none' | 'unpublished' | 'other-alg' | 'corrupt';
  /** Send the previous logout token of the case again (the same jti). */
  replay?: boolean;
}

export interface LogoutTokenInput {
  issuer: string;
  clientId: string;
  /** The issuer's private keys, signing key first. */
  keys: readonly SigningKey[];
  sub?: string | undefined;
  sid?: string | undefined;
  fault?: LogoutTokenFault | undefined;
}

const attackerKey = (
  JSON.parse(readFileSync(fixturePath('keys', 'attacker.json'), 'utf8')) as { keys: SigningKey[] }
).keys.find((k) => k.alg === 'RS256')!;

function signingKeyFor(input: LogoutTokenInput): SigningKey {
  const rsa = input.keys.find((k) => k.alg === 'RS256') ?? input.keys[0]!;
  if (input.fault?.sign === 'unpublished') return { ...attackerKey, kid: rsa.kid };
  if (input.fault?.sign === 'other-alg') {
    const other = input.keys.find((k) => k.alg === 'ES256');
    if (!other) throw new Error('the issuer has no ES256 key for an other-alg logout token');
    return other;
  }
  return rsa;
}

/** A logout token as the issuer would send it, with the case's one defect. */
export async function mintLogoutToken(input: LogoutTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: input.issuer,
    aud: input.clientId,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...(input.sub !== undefined ? { sub: input.sub } : {}),
    ...(input.sid !== undefined ? { sid: input.sid } : {}),
    ...input.fault?.set,
    ...Object.fromEntries(Object.entries(input.fault?.times ?? {}).map(([name, offset]) => [name, now + offset])),
  };
  for (const name of input.fault?.remove ?? []) delete claims[name];

  if (input.fault?.sign === 'none') {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    return `${encode({ alg: 'none', typ: 'logout+jwt' })}.${encode(claims)}.`;
  }
  const key = signingKeyFor(input);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'logout+jwt' })
    .sign(await importJWK(key, key.alg));
  if (input.fault?.sign !== 'corrupt') return token;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const flipped = base64url.encode(base64url.decode(signature).map((byte) => byte ^ 0x5a));
  return `${header}.${payload}.${flipped}`;
}
