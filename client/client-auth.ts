import { calculateJwkThumbprint, importJWK, type JWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { type AssertionAudience, assertionAudienceFor, signClientAssertion } from './client-assertion.js';
import { ClientCredentialError } from './errors.js';
import { readPemPrivateKey } from './pem-private-key.js';
import { type Clock, systemClock } from './state-store.js';

export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AuthenticatorOptions {
  audience: AssertionAudience;
  clock?: Clock;
}

/**
 * How the client proves who it is at the token endpoint. The provider's
 * assertion audience rule is only known once the provider is, so the
 * openid-client callback is made per provider by toOpenIdClient().
 */
export interface ClientAuthentication {
  readonly method: TokenEndpointAuthMethod;
  /** The shared secret, when there is one: HS256 ID tokens are verified with it and nothing else. */
  readonly clientSecret: string | undefined;
  toOpenIdClient(options: AuthenticatorOptions): oidc.ClientAuth;
}

function checkSecret(secret: string): string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new ClientCredentialError('client_secret_invalid', 'the client secret must be a non-empty string');
  }
  return secret;
}

/** HTTP Basic with the form-urlencoded id and secret (RFC 6749 2.3.1), as openid-client does it. */
export function clientSecretBasic(secret: string): ClientAuthentication {
  const clientSecret = checkSecret(secret);
  return { method: 'client_secret_basic', clientSecret, toOpenIdClient: () => oidc.ClientSecretBasic(clientSecret) };
}

export function clientSecretPost(secret: string): ClientAuthentication {
  const clientSecret = checkSecret(secret);
  return { method: 'client_secret_post', clientSecret, toOpenIdClient: () => oidc.ClientSecretPost(clientSecret) };
}

/** A public client: only client_id is sent, so PKCE is what protects the code. */
export function none(): ClientAuthentication {
  return { method: 'none', clientSecret: undefined, toOpenIdClient: () => oidc.None() };
}

// Built by us rather than by openid-client so both JWT methods honour the
// provider's audience rule and lifetime (openid-client always uses the issuer and 60 s).
function assertionAuthenticator(
  options: AuthenticatorOptions,
  signingKey: () => Promise<{
    key: Parameters<typeof signClientAssertion>[0]['key'];
    alg: string;
    kid: string | undefined;
  }>,
): oidc.ClientAuth {
  const clock = options.clock ?? systemClock;
  return async (as, client, body) => {
    const { key, alg, kid } = await signingKey();
    const assertion = await signClientAssertion({
      clientId: client.client_id,
      audience: assertionAudienceFor(options.audience, as),
      alg,
      kid,
      key,
      nowSeconds: Math.floor(clock() / 1000),
    });
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', ASSERTION_TYPE);
    body.set('client_assertion', assertion);
  };
}

/** An HS256 assertion keyed with the client secret (RFC 7523, OIDC Core 9). */
export function clientSecretJwt(
  secret: string,
  options: { alg?: 'HS256' | 'HS384' | 'HS512' } = {},
): ClientAuthentication {
  const clientSecret = checkSecret(secret);
  const key = new TextEncoder().encode(clientSecret);
  const alg = options.alg ?? 'HS256';
  return {
    method: 'client_secret_jwt',
    clientSecret,
    toOpenIdClient: (authOptions) => assertionAuthenticator(authOptions, async () => ({ key, alg, kid: undefined })),
  };
}

export type PrivateKeySource = { pem: string } | { jwk: JWK };

function defaultAlg(jwk: JWK): string {
  if (jwk.alg) return jwk.alg;
  switch (jwk.kty) {
    case 'RSA':
      return 'RS256';
    case 'EC':
      return (
        ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[jwk.crv ?? ''] ?? 'ES256'
      );
    case 'OKP':
      return 'EdDSA';
    default:
      throw new ClientCredentialError('client_key_invalid', `a ${jwk.kty} key cannot sign client assertions`);
  }
}

/**
 * private_key_jwt from a PEM bundle (certificate, "Bag Attributes" and key
 * are fine) or a private JWK. The kid is the PEM's localKeyID when it has
 * one (what certificate-based providers register), else the JWK's kid, else
 * its RFC 7638 thumbprint.
 */
export function privateKeyJwt(
  source: PrivateKeySource,
  options: { alg?: string; kid?: string } = {},
): ClientAuthentication {
  let jwk: JWK;
  let kidFromPem: string | undefined;
  if ('pem' in source) {
    const parsed = readPemPrivateKey(source.pem);
    jwk = parsed.jwk;
    kidFromPem = parsed.localKeyId;
  } else {
    jwk = source.jwk;
  }
  if (!jwk || typeof jwk !== 'object' || !('d' in jwk) || !jwk.d) {
    throw new ClientCredentialError('client_key_invalid', 'private_key_jwt needs a private key (the JWK has no "d")');
  }
  const alg = options.alg ?? defaultAlg(jwk);
  // Imported once, on first use: importing is async and the builder is not.
  let loaded: Promise<{ key: Awaited<ReturnType<typeof importJWK>>; alg: string; kid: string }> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      const kid = options.kid ?? kidFromPem ?? jwk.kid ?? (await calculateJwkThumbprint(jwk));
      try {
        return { key: await importJWK({ ...jwk, alg }, alg), alg, kid };
      } catch (cause) {
        loaded = undefined;
        throw new ClientCredentialError('client_key_invalid', `the private key cannot sign ${alg}`, { cause });
      }
    })());
  return {
    method: 'private_key_jwt',
    clientSecret: undefined,
    toOpenIdClient: (authOptions) => assertionAuthenticator(authOptions, load),
  };
}

/**
 * Sign in with Apple's client secret: an ES256 JWT signed with the team's key
 * (iss the team id, sub the client id, aud https://appleid.apple.com, kid the
 * key id), sent as client_secret in the form. Signed afresh for each request,
 * living `lifetimeSeconds` (Apple allows up to 15777000, 6 months).
 */
export function appleClientSecret(options: {
  teamId: string;
  keyId: string;
  privateKey: JWK;
  lifetimeSeconds?: number;
}): ClientAuthentication {
  const lifetime = options.lifetimeSeconds ?? 300;
  let loaded: ReturnType<typeof importJWK> | undefined;
  return {
    method: 'client_secret_post',
    clientSecret: undefined,
    toOpenIdClient: (authOptions) => {
      const clock = authOptions.clock ?? systemClock;
      return async (_as, client, body) => {
        const key = await (loaded ??= importJWK({ ...options.privateKey, alg: 'ES256' }, 'ES256'));
        const now = Math.floor(clock() / 1000);
        const secret = await new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: options.keyId })
          .setIssuer(options.teamId)
          .setSubject(client.client_id)
          .setAudience('https://appleid.apple.com')
          .setIssuedAt(now)
          .setExpirationTime(now + lifetime)
          .sign(key);
        body.set('client_id', client.client_id);
        body.set('client_secret', secret);
      };
    },
  };
}
