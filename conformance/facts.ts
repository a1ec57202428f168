import type { Fault, RequestRecord } from '../mock-idp/index.js';

/**
 * What a case's request log shows the client set up and what mock-idp served:
 * the facts that decide whether a case applies, at which level, and whether
 * its fault ever reached the client.
 */
export interface CaseFacts {
  /** The last login request of the case (for PAR, the pushed request): the login the fault was aimed at. */
  authorization: RequestRecord | undefined;
  sentState: boolean;
  sentNonce: boolean;
  sentPkce: boolean;
  /**
   * The state each login of the case sent, in order, one per front-channel authorization request: its own, or for
   * PAR its pushed request's. With the request's id in the log (cases may share a login: a fixed
   * client's baseline is its first case's) and whether PKCE or a nonce came with it.
   */
  states: readonly { request: number; state: string; alone: boolean }[];
  /** The nonce each login of the case sent, in order, for the logins that sent one. */
  nonces: readonly string[];
  /** It authenticated at the token endpoint (confidential), as far as the log shows. */
  confidential: boolean;
  /** It redeemed an authorization code at the token endpoint: without that, no code flow login was completed. */
  redeemedCode: boolean;
  /** A record that carried one of the scenario's faults. */
  delivery: RequestRecord | undefined;
  /** A request mock-idp refused (4xx/5xx of its own) before any fault was served. */
  refusal: RequestRecord | undefined;
  /** It fetched the issuer's keys, as its JWKS or in another form (Google's PEM certificates): it verifies them. */
  fetchedKeys: boolean;
  /** It fetched the issuer's JWKS document itself, where key set faults and rotated keys are served. */
  readJwks: boolean;
  calledUserinfo: boolean;
  /** The claims of the last ID token the token endpoint gave the client: whom its session should name. */
  idTokenClaims: Readonly<Record<string, unknown>> | undefined;
  usedAccessToken: boolean;
  /** Its first request to the end_session_endpoint (RP-initiated logout), where it named the session to end. */
  endSession: RequestRecord | undefined;
  /** Its last request to the end_session_endpoint the issuer took: the one a redirect back answers. */
  acceptedEndSession: RequestRecord | undefined;
  /** A request of its RP-initiated logout the issuer refused, which no logout request it took since made good. */
  logoutRefusal: RequestRecord | undefined;
}

/** The first of a repeated parameter. */
const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** A request parameter, from the body or the query; the first of a repeated one. */
export const param = (record: RequestRecord | undefined, name: string): string | undefined =>
  first(record?.body[name] ?? record?.query[name]);

/**
 * A parameter of a logout request as the issuer read it: a POSTed one's from its form alone (RP-Initiated Logout 1.0
 * §2), not from the query of the URL it was posted to.
 */
export const logoutParam = (record: RequestRecord | undefined, name: string): string | undefined =>
  first(record?.method === 'POST' ? record.body[name] : record?.query[name]);

/**
 * A request presenting an access token: userinfo, or a profile's own API (a bearer header, or the token as a
 * parameter).
 */
export const isTokenUse = (r: RequestRecord): boolean =>
  r.route === 'userinfo' ||
  // Any scheme but Basic carries a token: a client that sends its token_type as given may send one no issuer knows.
  /^(?!basic\s)\S+\s+\S/i.test(r.headers.authorization ?? '') ||
  r.query.access_token !== undefined ||
  r.body.access_token !== undefined;

/**
 * The request that carries a login's parameters, one per login: the authorization request, or for PAR the pushed
 * request, whose front-channel request carries only its request_uri (and may repeat some parameters, RFC 9101 5).
 */
export const isLoginRequest = (r: RequestRecord): boolean =>
  r.route === 'pushed_authorization_request' || (r.route === 'authorization' && !param(r, 'request_uri'));

/** The claims of the last ID token the token endpoint gave in these records. */
export const lastIssuedIdToken = (log: readonly RequestRecord[]): Record<string, unknown> | undefined =>
  log
    .flatMap((r) => (r.route === 'token' && r.status === 200 ? (r.tokens ?? []) : []))
    .findLast((t) => t.kind === 'id_token')?.claims;

/** A fetch of the issuer's keys: its JWKS, or the same keys in another form (Google's PEM certificates). */
export const isKeySetRequest = (r: RequestRecord): boolean => r.route === 'jwks' || r.route === 'certs';

/** A fetch of the key a token's own jku or x5u header pointed at, which mock-idp answers as the attacker. */
export const isHeaderKeyFetch = (r: RequestRecord): boolean => r.route === 'foreign_keys';

/**
 * A request of RP-initiated logout: to the end_session_endpoint, or the confirmation that follows it. oidc-provider
 * names them end_session and end_session_confirm; a profile that serves its own logout route names its record so.
 */
export const isLogoutRequest = (r: RequestRecord): boolean => r.route?.startsWith('end_session') === true;

/** The client's first request to the end_session_endpoint, where it named the session to end. */
export const firstLogoutRequest = (log: readonly RequestRecord[]): RequestRecord | undefined =>
  log.find((r) => r.route === 'end_session');

/** The client's last request to the end_session_endpoint that the issuer took: the one a redirect back answers. */
export const acceptedLogoutRequest = (log: readonly RequestRecord[]): RequestRecord | undefined =>
  log.findLast((r) => r.route === 'end_session' && (r.status ?? 500) < 400);

/**
 * A request of its RP-initiated logout that the issuer refused (no fault of the kit's made it fail), unless the client
 * sent the logout request again and the issuer took that one: a refusal it got past ended nothing.
 */
export const refusedLogoutRequest = (log: readonly RequestRecord[]): RequestRecord | undefined => {
  const refused = log.findLast((r) => isLogoutRequest(r) && (r.status ?? 0) >= 400 && !r.faults?.length);
  const retaken = refused && (acceptedLogoutRequest(log)?.id ?? -Infinity) > refused.id;
  return retaken ? undefined : refused;
};

/** A nonce only protects where an ID token comes back to carry it: with scope openid. */
export const sendsCheckableNonce = (r: RequestRecord | undefined): boolean =>
  param(r, 'nonce') !== undefined && (param(r, 'scope') ?? '').split(' ').includes('openid');

/**
 * One entry per login: each front-channel authorization request, with the request that carries its parameters (for
 * PAR the last pushed request mock-idp accepted before it, so a retried push is one login).
 */
function logins(log: readonly RequestRecord[]): RequestRecord[] {
  const found: RequestRecord[] = [];
  let pushed: RequestRecord | undefined;
  for (const r of log) {
    if (r.route === 'pushed_authorization_request' && (r.status ?? 0) < 400) pushed = r;
    if (r.route !== 'authorization') continue;
    const login = param(r, 'request_uri') ? pushed : r;
    if (login) found.push(login);
  }
  return found;
}

/** `deliveredIn`: the one fault target that delivers the case (ConformanceCase.deliveredIn); default any. */
export function caseFacts(log: readonly RequestRecord[], deliveredIn?: Fault['target']): CaseFacts {
  const authorization = log.findLast(isLoginRequest);
  const deliveryIndex = log.findIndex((r) =>
    deliveredIn === undefined ? (r.faults?.length ?? 0) > 0 : r.faults?.includes(deliveredIn) === true,
  );
  const beforeDelivery = deliveryIndex === -1 ? log : log.slice(0, deliveryIndex);
  const tokenRequests = log.filter((r) => r.route === 'token');
  const loginRequests = logins(log);
  return {
    authorization,
    sentState: param(authorization, 'state') !== undefined,
    sentNonce: sendsCheckableNonce(authorization),
    sentPkce: param(authorization, 'code_challenge') !== undefined,
    states: loginRequests.flatMap((r) => {
      const state = param(r, 'state');
      if (state === undefined) return [];
      const alone = param(r, 'code_challenge') === undefined && !sendsCheckableNonce(r);
      return [{ request: r.id, state, alone }];
    }),
    nonces: loginRequests.flatMap((r) => param(r, 'nonce') ?? []),
    // Only credentials the issuer took: a refused request's method says what was tried, not what the client is.
    confidential: tokenRequests.some(
      (r) => (r.status ?? 500) < 400 && r.clientAuth?.method !== undefined && r.clientAuth.method !== 'none',
    ),
    // GitHub's and Stack Exchange's clients send the code without a grant_type.
    redeemedCode: tokenRequests.some((r) => param(r, 'grant_type') === 'authorization_code' || param(r, 'code')),
    delivery: deliveryIndex === -1 ? undefined : log[deliveryIndex],
    // Only the IdP's answers to its own routes: a client that guesses a path gets a 404 of its own making.
    refusal: beforeDelivery.find((r) => r.route !== undefined && (r.status ?? 0) >= 400 && !r.faults?.length),
    // A client that took a key from where a token's own header pointed checks signatures too, with the wrong key.
    fetchedKeys: log.some((r) => (isKeySetRequest(r) || isHeaderKeyFetch(r)) && r.status === 200),
    readJwks: log.some((r) => r.route === 'jwks' && r.status === 200),
    calledUserinfo: log.some((r) => r.route === 'userinfo'),
    idTokenClaims: lastIssuedIdToken(log),
    usedAccessToken: log.some(isTokenUse),
    endSession: firstLogoutRequest(log),
    acceptedEndSession: acceptedLogoutRequest(log),
    logoutRefusal: refusedLogoutRequest(log),
  };
}

export function describeRefusal(record: RequestRecord): string {
  const names: Record<string, string> = {
    authorization: 'authorization request',
    pushed_authorization_request: 'pushed authorization request',
    token: 'token request',
    end_session: 'logout request',
    end_session_confirm: 'logout confirmation',
  };
  const what = names[record.route ?? ''] ?? `${record.route ?? record.path} request`;
  return `mock-idp refused the client's ${what} (${record.status}${record.error ? ` ${record.error}` : ''})`;
}
