/**
 * Faults are data. A scenario names a list of faults; the engine applies each at
 * its target (the ID token of a token response, the authorization redirect,
 * userinfo) for the requests the scenario is bound to. Nothing here is code in
 * a handler, so a new misbehaviour is a new entry in a catalog file.
 */

/** A claim value: a literal, or a value computed when the fault is applied. */
export type ValueSpec =
  | string | number | boolean | null | readonly unknown[] | { readonly [k: string]: unknown }
  /** Seconds from now. */
  | { $now: number }
  /** The current value as an array, with this appended. */
  | { $append: unknown }
  /** A string with {iss}, {sub} and {client_id} filled in from the token. */
  | { $template: string }
  /** The attacker's public key (fixtures/keys/attacker.json) as a JWK. */
  | { $attackerJwk: true };

export type SignatureFault =
  /** Re-signed with the issuer's own key: only the claims changed. */
  | 'issuer'
  /** `alg: none`, no signature. */
  | 'none'
  /** HS256 with the issuer's RSA public key (PEM) as the HMAC secret: the alg confusion attack. */
  | 'hs256-public-key'
  /** Signed by a key the JWKS does not publish, under its own kid. */
  | 'unpublished-key'
  /** Signed by an unpublished key that claims the published kid. */
  | 'unpublished-key-same-kid'
  /** A valid signature with one byte flipped. */
  | 'corrupt';

export interface IdTokenFault {
  target: 'id_token';
  /** Only for ID tokens from this grant (e.g. refresh_token for OIDC Core 12.2 cases). */
  grant?: 'authorization_code' | 'refresh_token';
  set?: Readonly<Record<string, ValueSpec>>;
  remove?: readonly string[];
  header?: { set?: Readonly<Record<string, ValueSpec>>; remove?: readonly string[] };
  sign?: SignatureFault;
}

export interface AuthorizationResponseFault {
  target: 'authorization_response';
  /** Parameters of the redirect to change; null removes one. */
  set?: Readonly<Record<string, string | null>>;
  /** Replaces the response with this error (state and iss kept). */
  error?: { error: string; error_description?: string };
}

export interface UserinfoFault {
  target: 'userinfo';
  set?: Readonly<Record<string, ValueSpec>>;
  remove?: readonly string[];
}

/** JWKS faults: served only on a scenario's own issuer URL, since JWKS requests name no client. */
export interface JwksFault {
  target: 'jwks';
  /** Publish the keys without kid. */
  removeKids?: boolean;
  /** Add an RSA key the issuer does not sign with (a decoy), so several keys share a type. */
  addDecoyRsaKey?: boolean;
  /** Give the decoy the signing key's kid: duplicate kids with different keys. */
  decoyReusesKid?: boolean;
  /** Mark every key `use: enc`: none is a signing key. */
  useEnc?: boolean;
  /** Answer with this HTTP status and an HTML error page instead of the JWKS. */
  status?: number;
  cacheControl?: string;
}

/** Discovery document faults, also served on the scenario's own issuer URL. */
export interface DiscoveryFault {
  target: 'discovery';
  set?: Readonly<Record<string, ValueSpec>>;
  /** Every endpoint URL rewritten to plain http. */
  httpEndpoints?: boolean;
  /** Every endpoint URL moved to another host. */
  endpointsHost?: string;
}

export type Fault = IdTokenFault | AuthorizationResponseFault | UserinfoFault | JwksFault | DiscoveryFault;

export interface Scenario {
  name: string;
  description: string;
  faults: readonly Fault[];
}

export function defineScenarios(...scenarios: Scenario[]): Scenario[] {
  return scenarios;
}
