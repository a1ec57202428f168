import { readFileSync } from 'node:fs';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import type { SigningKey } from '../keys/key-set.js';
import { publicJwk } from '../keys/key-set.js';
import { fixturePath } from '../paths.js';
import type { IdTokenFault, ValueSpec } from './types.js';
import { evaluate } from './values.js';

const attackerKey = (
  JSON.parse(readFileSync(fixturePath('keys', 'attacker.json'), 'utf8')) as { keys: SigningKey[] }
).keys.find((k) => k.alg === 'RS256')!;
const attackerJwk = publicJwk(attackerKey);
/** The public half of fixtures/keys/attacker.json's RSA key: never published by an honest issuer. */
export const attackerPublicJwk: JWK & { kid?: string } = attackerJwk;

/**
 * jose refuses to sign a `crit` header it does not understand, as it should;
 * a fault that wants one declares its extensions understood for this signature.
 */
function critOptions(header: JWTHeaderParameters): { crit?: Record<string, boolean> } {
  return Array.isArray(header.crit) ? { crit: Object.fromEntries(header.crit.map((name) => [name, true])) } : {};
}

async function sign(payload: JWTPayload, header: JWTHeaderParameters, jwk: JWK): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(await importJWK(jwk, header.alg), critOptions(header));
}

async function signHmac(payload: JWTPayload, header: JWTHeaderParameters, secret: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(new TextEncoder().encode(secret), critOptions(header));
}

/**
 * The XOR 0x5A of the official suites on the signature's first byte: a JWS that no longer verifies, all else intact.
 */
export function flipSignatureByte(jwt: string): string {
  const [head, body, signature] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] = bytes[0]! ^ 0x5a;
  return `${head}.${body}.${bytes.toString('base64url')}`;
}

/**
 * The fault with its replayed nonce filled in from another login of the client's (`otherLoginNonce` finds it from the
 * token's own), or undefined when there is nothing to replay: no other login, or one that sent the same nonce.
 */
export function withReplayedClaims(
  fault: IdTokenFault,
  idToken: string,
  otherLoginNonce: (current: unknown) => string | undefined,
): IdTokenFault | undefined {
  if (!fault.replay?.length) return fault;
  const claims = decodeJwt(idToken);
  const set: Record<string, ValueSpec> = { ...fault.set };
  for (const name of fault.replay) {
    const other = otherLoginNonce(claims[name]);
    if (other === undefined) return undefined;
    set[name] = other;
  }
  return { ...fault, set };
}

/**
 * Applies one ID token fault: claims and header changed as the fault says, then
 * signed as it says (by default re-signed with the issuer's own key, so only the
 * named defect differs from a valid token).
 */
export interface IdTokenSigner {
  /** The issuer's own URL: the attacker's jku and x5u name its server under another host name. */
  issuer: string;
  keys: readonly SigningKey[];
  /** The key a rotation step brought in, once it has fired. */
  rotatedKey?: SigningKey | undefined;
  /** The client the token is for, whatever a fault does to its aud and azp. */
  clientId?: string | undefined;
  /** An HS* ID token is keyed with the client's secret. */
  clientSecret?: string | undefined;
}

export async function applyIdTokenFault(idToken: string, fault: IdTokenFault, signer: IdTokenSigner): Promise<string> {
  const { issuer, clientId, keys: issuerKeys, rotatedKey, clientSecret } = signer;
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { ...decodeJwt(idToken) };
  const original = decodeProtectedHeader(idToken);
  const header: Record<string, unknown> = { ...original };
  const claimsBefore = { ...payload };
  for (const [name, spec] of Object.entries(fault.set ?? {}))
    payload[name] = evaluate(spec, {
      now,
      current: payload[name],
      claims: claimsBefore,
      attackerJwk,
      issuer,
      clientId,
    });
  for (const name of fault.remove ?? []) delete payload[name];
  for (const [name, spec] of Object.entries(fault.header?.set ?? {}))
    header[name] = evaluate(spec, { now, current: header[name], claims: claimsBefore, attackerJwk, issuer, clientId });
  for (const name of fault.header?.remove ?? []) delete header[name];

  const alg = String(original.alg);
  const issuerKey =
    issuerKeys.find((k) => k.kid === original.kid) ?? issuerKeys.find((k) => k.alg === alg) ?? issuerKeys[0]!;
  const withAlg = (overrides: Record<string, unknown>) => ({ ...header, ...overrides }) as JWTHeaderParameters;
  // An HS* ID token is keyed with the client's secret (OIDC Core 10.1), as oidc-provider issued it.
  const asIssued = (): Promise<string> =>
    alg.startsWith('HS')
      ? signHmac(payload, withAlg({ alg }), clientSecret ?? '')
      : sign(payload, withAlg({ alg }), issuerKey);
  switch (fault.sign ?? 'issuer') {
    case 'none':
      return new UnsecuredJWT(payload).encode();
    case 'hs256-public-key': {
      const rsa = issuerKeys.find((k) => k.kty === 'RSA')!;
      const pem = await exportSPKI((await importJWK(publicJwk(rsa), 'RS256', { extractable: true })) as CryptoKey);
      return signHmac(payload, withAlg({ alg: 'HS256' }), pem);
    }
    case 'unpublished-key':
      return sign(payload, withAlg({ alg: 'RS256', kid: attackerKey.kid }), attackerKey);
    case 'unpublished-key-same-kid':
      return sign(payload, withAlg({ alg: 'RS256', kid: original.kid }), attackerKey);
    case 'corrupt':
      return flipSignatureByte(await asIssued());
    case 'other-alg': {
      const other = issuerKeys.find((k) => k.alg !== alg && !k.alg.startsWith('HS'));
      if (!other) throw new Error(`the issuer has no published key of another algorithm than ${alg}`);
      return sign(payload, withAlg({ alg: other.alg, kid: other.kid }), other);
    }
    case 'rotated':
      if (!rotatedKey) throw new Error('a "rotated" signature needs a rotation step that has fired');
      return sign(payload, withAlg({ alg: rotatedKey.alg, kid: rotatedKey.kid }), rotatedKey);
    case 'issuer':
      return asIssued();
  }
}
