import {
  base64url,
  compactVerify,
  decodeProtectedHeader,
  errors,
  exportSPKI,
  importJWK,
  importX509,
  type JWK,
  type ProtectedHeaderParameters,
} from 'jose';
import { IdTokenValidationError, RelyingPartyError } from './errors.js';
import { FETCH_ANY, type Flaws, LISTED } from './flaws.js';
import { bodyText } from './http.js';
import { selectVerificationKeys } from './jwk-selection.js';
import type { JwksCache } from './jwks-cache.js';

export interface SignaturePolicy {
  allowedAlgs: readonly string[];
  /** Where asymmetric keys come from. Never the token's own jku/x5u/jwk/x5c headers. */
  jwks: JwksCache | undefined;
  /** HS* tokens are verified with this secret and nothing else. */
  clientSecret: string | undefined;
  flaws?: Flaws | undefined;
}

export interface VerifiedJws {
  header: ProtectedHeaderParameters & { alg: string };
  payload: Uint8Array;
  /** The JWKS key that verified it (undefined for HS*), for at_hash's EdDSA curve. */
  jwk: JWK | undefined;
}

const importedKeys = new WeakMap<JWK, Map<string, Promise<Awaited<ReturnType<typeof importJWK>>>>>();

function importForAlg(jwk: JWK, alg: string): ReturnType<typeof importJWK> {
  let byAlg = importedKeys.get(jwk);
  if (!byAlg) importedKeys.set(jwk, (byAlg = new Map()));
  let key = byAlg.get(alg);
  if (!key) byAlg.set(alg, (key = importJWK(jwk, alg)));
  return key;
}

function readHeader(token: string): ProtectedHeaderParameters & { alg: string } {
  const parts = token.split('.');
  if (parts.length === 5)
    throw new IdTokenValidationError('id_token_malformed', 'encrypted (JWE) ID tokens are not supported');
  if (parts.length !== 3) throw new IdTokenValidationError('id_token_malformed', 'the ID token is not a compact JWS');
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new IdTokenValidationError('id_token_malformed', 'the ID token header cannot be decoded', { cause });
  }
  if (typeof header.alg !== 'string')
    throw new IdTokenValidationError('id_token_malformed', 'the ID token header has no alg', { claim: 'alg' });
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new IdTokenValidationError('id_token_malformed', 'the ID token kid is not a string', { claim: 'kid' });
  }
  return header as ProtectedHeaderParameters & { alg: string };
}

async function verificationKey(
  header: { alg: string; kid?: string | undefined },
  policy: SignaturePolicy,
): Promise<{ key: Awaited<ReturnType<typeof importJWK>> | Uint8Array; jwk: JWK | undefined }> {
  const { alg, kid } = header;
  if (alg === 'none' || !policy.allowedAlgs.includes(alg)) {
    throw new IdTokenValidationError(
      'id_token_alg_not_allowed',
      `ID tokens signed with ${alg} are not accepted (allowed: ${policy.allowedAlgs.join(', ')})`,
      { claim: 'alg' },
    );
  }
  if (alg.startsWith('HS')) {
    // Never a JWKS key: "HS256 keyed with the RSA public key" is the classic alg confusion.
    if (!policy.clientSecret) {
      throw new IdTokenValidationError(
        'id_token_alg_not_allowed',
        `${alg} ID tokens need a client secret, and this client has none`,
        { claim: 'alg' },
      );
    }
    return { key: new TextEncoder().encode(policy.clientSecret), jwk: undefined };
  }
  if (!policy.jwks) throw new IdTokenValidationError('id_token_no_matching_key', 'the provider publishes no jwks_uri');
  const candidates =
    policy.flaws?.has('first-jwks-key') && kid === undefined
      ? (await policy.jwks[LISTED]()).slice(0, 1)
      : await policy.jwks.candidates({ alg, kid });
  if (candidates.length === 0) {
    if (kid !== undefined)
      throw new IdTokenValidationError(
        'id_token_unknown_kid',
        `no ${alg} key with kid "${kid}" in the provider's JWKS`,
        { claim: 'kid' },
      );
    throw new IdTokenValidationError('id_token_no_matching_key', `no ${alg} key in the provider's JWKS`, {
      claim: 'kid',
    });
  }
  if (candidates.length > 1) {
    throw new IdTokenValidationError(
      'id_token_key_ambiguous',
      `${candidates.length} ${alg} keys fit ` +
        `${kid === undefined ? 'an ID token without kid' : `kid "${kid}"`}; refusing to guess`,
      { claim: 'kid' },
    );
  }
  const jwk = candidates[0]!;
  try {
    return { key: await importForAlg(jwk, alg), jwk };
  } catch (cause) {
    throw new IdTokenValidationError(
      'id_token_no_matching_key',
      `the JWKS key${kid ? ` "${kid}"` : ''} cannot be used for ${alg}`,
      { cause, claim: 'kid' },
    );
  }
}

/** The token as it came, its signature unchecked: for the deliberate defects of flawed clients only. */
export function unverifiedJws(token: string, header = readHeader(token)): VerifiedJws {
  return { header, payload: base64url.decode(token.split('.')[1]!), jwk: undefined };
}

/** The 'trusts-header-key-urls' flaw: the key comes from wherever the token's own jku or x5u points. */
async function headerKeyVerification(
  token: string,
  header: ProtectedHeaderParameters & { alg: string },
  jwks: JwksCache,
): Promise<VerifiedJws> {
  const url = String(header.jku ?? header.x5u);
  try {
    const text = bodyText(await jwks[FETCH_ANY](url));
    const key = header.jku
      ? await importJWK(selectVerificationKeys((JSON.parse(text) as { keys: JWK[] }).keys, header)[0]!, header.alg)
      : await importX509(text, header.alg);
    const { payload } = await compactVerify(token, key, { algorithms: [header.alg] });
    return { header, payload, jwk: undefined };
  } catch (cause) {
    throw new IdTokenValidationError('id_token_invalid_signature', `no key at ${url} verifies the ID token`, { cause });
  }
}

/** The deliberate defects of flawed clients (client/flaws.ts), in one place. */
function flawedVerification(
  token: string,
  header: ProtectedHeaderParameters & { alg: string },
  policy: SignaturePolicy,
): VerifiedJws | Promise<VerifiedJws> | undefined {
  const flaws = policy.flaws;
  if (!flaws?.size) return undefined;
  if (flaws.has('no-signature-check') || (flaws.has('accept-alg-none') && header.alg === 'none'))
    return unverifiedJws(token, header);
  const keyUrl = header.jku ?? header.x5u;
  if (flaws.has('trusts-header-key-urls') && keyUrl && policy.jwks && policy.allowedAlgs.includes(header.alg))
    return headerKeyVerification(token, header, policy.jwks);
  if (flaws.has('hs256-with-jwks-key') && header.alg.startsWith('HS') && policy.jwks) {
    return (async () => {
      const [rsa] = await policy.jwks!.candidates({ alg: 'RS256' });
      if (!rsa) throw new IdTokenValidationError('id_token_no_matching_key', 'no RSA key to (mis)use');
      const pem = await exportSPKI((await importJWK(rsa, 'RS256', { extractable: true })) as CryptoKey);
      const { payload } = await compactVerify(token, new TextEncoder().encode(pem), { algorithms: [header.alg] }).catch(
        (cause: unknown) => {
          throw new IdTokenValidationError('id_token_invalid_signature', 'the ID token signature does not verify', {
            cause,
          });
        },
      );
      return { header, payload, jwk: undefined };
    })();
  }
  return undefined;
}

/** The signature check, always done: a token endpoint's ID token is not trusted for arriving over TLS. */
export async function verifyIdTokenSignature(token: string, policy: SignaturePolicy): Promise<VerifiedJws> {
  const header = readHeader(token);
  const flawed = flawedVerification(token, header, policy);
  if (flawed) return flawed;
  const { key, jwk } = await verificationKey(header, policy);
  try {
    const { payload } = await compactVerify(token, key, { algorithms: [header.alg] });
    return { header, payload, jwk };
  } catch (cause) {
    if (cause instanceof RelyingPartyError) throw cause;
    if (cause instanceof errors.JOSENotSupported) {
      throw new IdTokenValidationError(
        'id_token_unsupported_header',
        `the ID token header is not supported: ${cause.message}`,
        { cause },
      );
    }
    if (cause instanceof errors.JWSInvalid) {
      throw new IdTokenValidationError('id_token_malformed', `the ID token is not a valid JWS: ${cause.message}`, {
        cause,
      });
    }
    throw new IdTokenValidationError('id_token_invalid_signature', 'the ID token signature does not verify', { cause });
  }
}
