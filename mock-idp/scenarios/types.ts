/**
 * Faults are data. A scenario names a list of faults; the engine applies each at
 * its target (the ID token of a token response, the authorization redirect,
 * userinfo) for the requests the scenario is bound to. Nothing here is code in
 * a handler, so a new misbehaviour is a new entry in a catalog file.
 */

/** A claim value: a literal, or a value computed when the fault is applied. */
export type ValueSpec =
  | string
  | number
  | boolean
  | null
  | readonly unknown[]
  | { readonly [k: string]: unknown }
  /** Seconds from now. */
  | { $now: number }
  /** The current value as an array, with this appended. */
  | { $append: unknown }
  /**
   * A string with {iss}, {iss_without_scheme}, {sub}, {client_id} and {email_domain} (of its email; example.invalid
   * without one) filled in from the token or answer.
   */
  | { $template: string }
  /** The attacker's public key (fixtures/keys/attacker.json) as a JWK. */
  | { $attackerJwk: true }
  /** A string of this many characters: oversized tokens. */
  | { $filler: number };

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
  /** A valid signature with one byte flipped (HS* ones keyed with the client's secret, as issued). */
  | 'corrupt'
  /** Signed by the issuer's published key of another algorithm (ES256 instead of RS256). */
  | 'other-alg'
  /**
   * Signed by the run's rotated key (a new kid), which the issuer's JWKS
   * publishes from the moment the rotation step fired.
   */
  | 'rotated';

export interface IdTokenFault {
  target: 'id_token';
  /** Only for ID tokens from this grant (e.g. refresh_token for OIDC Core 12.2 cases). */
  grant?: 'authorization_code' | 'refresh_token';
  set?: Readonly<Record<string, ValueSpec>>;
  remove?: readonly string[];
  header?: { set?: Readonly<Record<string, ValueSpec>>; remove?: readonly string[] };
  /**
   * These claims carry the value this client sent with another of its logins: the latest one it noted whose value
   * differs from the token's (on a scenario issuer URL, any client's of that instance). With none, the token is not
   * faulted.
   */
  replay?: readonly 'nonce'[];
  sign?: SignatureFault;
}

export interface AuthorizationResponseFault {
  target: 'authorization_response';
  /** Parameters of the redirect to change; null removes one. */
  set?: Readonly<Record<string, string | null>>;
  /** Replaces the response with this error (state and iss kept). */
  error?: { error: string; error_description?: string };
  /** These parameters carry the values of this client's previous authorization response (a replayed state). */
  replay?: readonly string[];
  /** These parameters appear twice, the second time with another value (RFC 6749 3.1 forbids it). */
  duplicate?: readonly string[];
  /** A response_mode=form_post answer is sent as a plain redirect with the parameters in the query. */
  inQuery?: boolean;
  /**
   * The browser is never sent back: the issuer answers with a page of its own, where the person closes the tab (or an
   * attacker took the code). The client never hears of that login, so whatever it keeps for it stays pending.
   */
  abandon?: boolean;
  /** Only the first this many successful responses of the run; default all. */
  times?: number;
}

/**
 * The redirect back to the client's post_logout_redirect_uri at the end of RP-initiated logout (OIDC RP-Initiated
 * Logout 1.0 3): the issuer's session is ended as usual, only what the browser carries back changes.
 */
export interface PostLogoutRedirectFault {
  target: 'post_logout_redirect';
  /** Parameters of the redirect to change; null removes one. */
  set?: Readonly<Record<string, string | null>>;
}

/** The token endpoint's JSON answer, changed after it was produced. */
export interface TokenResponseFault {
  target: 'token_response';
  grant?: 'authorization_code' | 'refresh_token';
  set?: Readonly<Record<string, ValueSpec>>;
  remove?: readonly string[];
  /** Answer with this OAuth error instead (RFC 6749 5.2), after the grant was processed. */
  error?: {
    status: number;
    /** Omitted: a 4xx body without the `error` member RFC 6749 5.2 requires. */
    error?: string;
    error_description?: string;
    /** Response headers to add, e.g. WWW-Authenticate with a 401 invalid_client (RFC 6749 5.2). */
    headers?: Readonly<Record<string, string>>;
    /** 'text': the error sent as text/plain prose instead of a JSON object. */
    body?: 'json' | 'text';
  };
  /**
   * The access token is handed out again with these characters mixed in: it
   * still works, but only for a client that percent-encodes it wherever it
   * puts it in a URL ('+' arrives as a space otherwise).
   */
  accessTokenWith?: string;
}

/**
 * What the network does to one endpoint's answers: latency, throttling, an HTML
 * error page from a proxy, a body cut off mid-way. The request is processed
 * first, so a lost token response has still spent its code.
 */
export interface TransportFault {
  target: 'transport';
  route: 'token' | 'userinfo' | 'jwks' | 'discovery';
  delayMs?: number;
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** 'html': a proxy's error page; 'truncated': the JSON body cut in half. */
  body?: 'html' | 'truncated';
  /** Only the first this many matching requests of the run; default all. */
  times?: number;
}

export interface UserinfoFault {
  target: 'userinfo';
  set?: Readonly<Record<string, ValueSpec>>;
  remove?: readonly string[];
  /** A signed userinfo answer (application/jwt) whose signature no longer verifies. */
  corruptSignature?: boolean;
}

/** JWKS faults: served only on a scenario's own issuer URL, since JWKS requests name no client. */
export interface JwksFault {
  target: 'jwks';
  /** Publish the keys without kid. */
  removeKids?: boolean;
  /**
   * Publish one key per key type, the one signed with: an issuer that publishes a next key too has a single key again.
   * The issuer's first (RS256) is listed last.
   */
  oneKeyPerType?: boolean;
  /** Add an RSA key the issuer does not sign with (a decoy), so several keys share a type. */
  addDecoyRsaKey?: boolean;
  /** Give the decoy the signing key's kid: duplicate kids with different keys. */
  decoyReusesKid?: boolean;
  /** Mark every key `use: enc`: none is a signing key. */
  useEnc?: boolean;
  /** Publish only the keys of rotations: the original signing key is retired. */
  retireOriginal?: boolean;
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
  /**
   * With httpEndpoints or endpointsHost: the jwks_uri goes to the issuer's host under its other loopback name
   * (scenarios/foreign-host.ts), plain http, and not to endpointsHost. A client that fetches its keys at discovery
   * then gets them and goes on to the endpoints the case judges, instead of failing on a host that resolves nowhere.
   * Where the host has no other name (https, a real host name, [::1]) it is left to the other rules.
   */
  jwksUriOnOtherName?: boolean;
}

/**
 * The IdP's clock runs this far off for the run's requests: every time it
 * issues or checks moves. Applied before the request is handled, so it needs a
 * scenario issuer or a client_id in the query or Basic credentials.
 */
export interface ClockFault {
  target: 'clock';
  offsetSeconds: number;
}

export type Fault =
  | ClockFault
  | IdTokenFault
  | AuthorizationResponseFault
  | PostLogoutRedirectFault
  | TokenResponseFault
  | TransportFault
  | UserinfoFault
  | JwksFault
  | DiscoveryFault;

/**
 * One step of a multi-step scenario (log in, rotate, log in): from the moment
 * its trigger fires, for the rest of the run, its faults apply too.
 */
export interface ScenarioStep {
  /**
   * The nth request of this route in the run: an authorization request starts a login, a token request redeems it.
   * Discovery names no client, so it counts only on a scenario issuer URL, whose run is the instance's.
   */
  when: { route: 'discovery' | 'authorization' | 'token'; nth: number };
  /** A new signing key (new kid) comes into use and is published in the JWKS. */
  rotateSigningKey?: boolean;
  faults?: readonly Fault[];
}

export interface Scenario {
  name: string;
  description: string;
  /**
   * 'per-instance': on a scenario issuer the JWKS moves to jwks-<random>, a
   * path of that instance only, advertised by discovery; the usual /jwks
   * answers 404. Only a client that takes jwks_uri from discovery finds the keys.
   */
  jwksPath?: 'per-instance';
  faults: readonly Fault[];
  steps?: readonly ScenarioStep[];
}

export function defineScenarios(...scenarios: Scenario[]): Scenario[] {
  return scenarios;
}
