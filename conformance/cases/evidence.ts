import type { RequestRecord } from '../../mock-idp/index.js';
import { isHeaderKeyFetch, isLoginRequest, isTokenUse, param, sendsCheckableNonce } from '../facts.js';
import type { Evidence, EvidenceContext } from '../types.js';

/**
 * What the IdP's request log shows a client did. Each returns the reason the
 * case fails, or undefined. They look at the last login of a case's script,
 * since the logins before it were valid ones.
 */

const lastIndex = (log: readonly RequestRecord[], test: (r: RequestRecord) => boolean) => log.findLastIndex(test);
const isCodeGrant = (r: RequestRecord) => r.route === 'token' && param(r, 'grant_type') === 'authorization_code';
const isRefresh = (r: RequestRecord) => r.route === 'token' && param(r, 'grant_type') === 'refresh_token';

/** The requests after the last token response the issuer gave: what the client did with what that response held. */
function afterLastToken(log: readonly RequestRecord[]): readonly RequestRecord[] {
  const token = lastIndex(log, (r) => r.route === 'token' && r.status === 200);
  return token === -1 ? [] : log.slice(token + 1);
}

/** The official suites' signal: a client that calls userinfo after a bad ID token used it. */
export const noUserinfoAfterToken: Evidence = (log) =>
  afterLastToken(log).some((r) => r.route === 'userinfo')
    ? 'called userinfo with the access token after receiving the bad ID token'
    : undefined;

/**
 * RFC 6749 7.1: an access token of a type the client does not understand is not used, at userinfo or at an API,
 * under any scheme, whatever the issuer then answers.
 */
export const noUnknownTokenTypeUse: Evidence = (log) => {
  const use = afterLastToken(log).find(isTokenUse);
  return use
    ? `presented the access token at ${use.route ?? use.path}, though its token_type is one it cannot understand`
    : undefined;
};

/** No code may be redeemed when the authorization response was not trustworthy. */
export const noTokenRequest: Evidence = (log) => {
  const authorization = lastIndex(log, (r) => r.route === 'authorization');
  return log.slice(authorization + 1).some(isCodeGrant)
    ? 'sent a code from an untrustworthy authorization response to the token endpoint'
    : undefined;
};

/**
 * RFC 8725 3.10: a jku or x5u in a token's own header is the sender's to choose, so a client that fetches it lets the
 * attacker pick the key (and reach hosts of its choice). mock-idp serves that URL under another name for its host and
 * logs the fetch as route foreign_keys, with the client_id the URL carries.
 */
export const noHeaderKeyUrlFetched: Evidence = (log) => {
  const fetched = log.find(isHeaderKeyFetch);
  return fetched ? `fetched the key the token's own header pointed at (${fetched.path})` : undefined;
};

/** The first failure any of the evidences shows. */
export function firstShownOf(...evidences: readonly Evidence[]): Evidence {
  return (log, context) => {
    for (const evidence of evidences) {
      const failure = evidence(log, context);
      if (failure !== undefined) return failure;
    }
    return undefined;
  };
}

/** A client must stop at a discovery document that names another issuer, before sending anyone anywhere. */
export const noAuthorization: Evidence = (log) =>
  log.some((r) => r.route === 'authorization' || r.route === 'pushed_authorization_request' || r.route === 'token')
    ? 'went on to authorize after a mismatched discovery issuer'
    : undefined;

/** RFC 6749 4.1.2 / RFC 9700 4.5: a code is redeemed once, even when its answer was lost. */
export const noCodeReplay: Evidence = (log) => {
  const codes = log.filter(isCodeGrant).map((r) => param(r, 'code'));
  return new Set(codes).size < codes.length ? `redeemed the same code ${codes.length} times` : undefined;
};

/** Each login's parameters: its authorization request, or its pushed request (PAR). */
const authorizations = (log: readonly RequestRecord[]) => log.filter(isLoginRequest);

/**
 * RFC 9700 2.1: PKCE the issuer supports, an OpenID Connect nonce, or a one-time state on every authorization request.
 */
export const csrfProtected: Evidence = (log) =>
  authorizations(log).some((r) => !param(r, 'state') && !param(r, 'code_challenge') && !sendsCheckableNonce(r))
    ? 'sent an authorization request with neither state, PKCE nor nonce: nothing ties the response to this browser'
    : undefined;

const isPublic = (log: readonly RequestRecord[]) =>
  log.some((r) => r.route === 'token' && r.clientAuth?.method === 'none');

/** RFC 9700 2.1.1: PKCE on every authorization request; a confidential OpenID Connect client may use nonce instead. */
export const injectionProtected: Evidence = (log) => {
  const publicClient = isPublic(log);
  const unprotected = authorizations(log).find(
    (r) => !param(r, 'code_challenge') && (publicClient || !sendsCheckableNonce(r)),
  );
  if (!unprotected) return undefined;
  return publicClient
    ? 'a public client sent an authorization request without PKCE (a nonce protects only a ' +
        'confidential client against code injection)'
    : 'sent an authorization request with neither PKCE nor nonce: an injected code would be redeemed';
};

/** RFC 7636 4.2 / RFC 9700 2.1.1: S256 on every authorization request, and the verifier at the token endpoint. */
export const pkceS256: Evidence = (log) => {
  for (const r of authorizations(log)) {
    const method = param(r, 'code_challenge_method');
    if (!param(r, 'code_challenge')) return 'sent no PKCE code_challenge';
    if (method !== 'S256') return `used PKCE method ${method ?? 'plain (absent)'} instead of S256`;
  }
  return log.filter(isCodeGrant).some((r) => !param(r, 'code_verifier'))
    ? 'sent no code_verifier with the code'
    : undefined;
};

/** OAuth 2.0 Form Post Response Mode: the client asked for it. */
export const formPostRequested: Evidence = (log) =>
  authorizations(log).every((r) => param(r, 'response_mode') === 'form_post')
    ? undefined
    : 'did not ask for response_mode=form_post';

/** Refresh rotation: each refresh presents the newest token; none is refused. */
export const refreshTokensRotated: Evidence = (log) => {
  const presented = log.filter(isRefresh).map((r) => param(r, 'refresh_token'));
  if (new Set(presented).size < presented.length) return 'presented an already used refresh token again';
  return log.some((r) => isRefresh(r) && r.error === 'invalid_grant')
    ? 'had a refresh refused as invalid_grant'
    : undefined;
};

/** A refused refresh token ends the session: no retry loop (catalog area 11). */
export const singleRefreshAttempt: Evidence = (log) => {
  const attempts = log.filter(isRefresh).length;
  return attempts > 1 ? `retried a refused refresh ${attempts} times instead of asking the user to log in` : undefined;
};

/** RFC 6750 2: one way to send the token per request, and never in the URL. */
export const bearerHeaderOnly: Evidence = (log) => {
  for (const r of log.filter((x) => x.route === 'userinfo')) {
    const ways = [
      /^bearer /i.test(r.headers.authorization ?? ''),
      r.query.access_token !== undefined,
      r.body.access_token !== undefined,
    ].filter(Boolean).length;
    if (ways > 1) return 'sent the access token to userinfo two ways at once';
    if (r.query.access_token !== undefined) return 'sent the access token in the userinfo URL';
  }
  return undefined;
};

const CLAIM_SCOPES = ['profile', 'email', 'address', 'phone'];

/** OIDC Core 5.4: the standard claims are asked for with these scope values. */
export const askedForClaimScopes: Evidence = (log) => {
  const asked = authorizations(log).map((r) => param(r, 'scope') ?? '');
  return asked.every((scope) => scope.split(' ').some((s) => CLAIM_SCOPES.includes(s)))
    ? undefined
    : `asked for scope "${asked.at(-1) ?? ''}": none of ${CLAIM_SCOPES.join(', ')}`;
};

/** rp-userinfo-sig: a client registered for a signed userinfo called it and got the JWT (answered 200). */
export const signedUserinfoServed: Evidence = (log) =>
  log.some((r) => r.route === 'userinfo' && r.status === 200) ? undefined : 'never received its signed userinfo answer';

/** RFC 6585 4 / RFC 9110 10.2.3: no retry before Retry-After has passed. */
export const respectsRetryAfter: Evidence = (log) => {
  const calls = log.filter((r) => r.route === 'userinfo');
  const throttled = calls.findIndex((r) => r.status === 429);
  const retry = calls[throttled + 1];
  if (throttled === -1 || !retry) return undefined;
  const waited = Date.parse(retry.time) - Date.parse(calls[throttled]!.time);
  return waited < 1000 ? `retried userinfo after ${waited} ms, before Retry-After (1 s) passed` : undefined;
};

/**
 * An unknown kid is one refetch, not one per token: a flood of bad tokens must not become a flood of JWKS
 * requests. Past the first fetch and that one refetch, a fetch counts against the client only when it came
 * sooner than the refetch allowance it declared: a slow run may spread three logins over more than that.
 * "Sooner" leaves room for delivery: the log has when a request reached the issuer, while a client counts its
 * allowance from when it sent the last one, and on a loaded machine one request can wait hundreds of ms longer
 * than the next. A client that refetches per token comes back within milliseconds, far inside that room.
 */
export const jwksRefetchLimited: Evidence = (log, { jwksRefetchIntervalMs }) => {
  const times = log.filter((r) => r.route === 'jwks').map((r) => Date.parse(r.time));
  const soonest = jwksRefetchIntervalMs - Math.min(1_000, jwksRefetchIntervalMs / 4);
  const early = times.filter((t, i) => i >= 2 && t - times[i - 1]! < soonest).length;
  return early > 0
    ? `fetched the JWKS ${times.length} times for the same unknown kid, ` +
        `${early} of them within ${jwksRefetchIntervalMs} ms of the one before`
    : undefined;
};

/**
 * OIDC Core 10.1.1: a token signed by a key the client has not seen is
 * verified against a JWKS fetched after the rotation (at the 2nd request of
 * `route`), not waved through. A client that never fetched the JWKS in the
 * case verifies no signatures at all, which the signature cases judge (OIDC
 * Core 3.1.3.7 (6) lets a client of the token endpoint rely on TLS).
 */
export function jwksRefetchedAfter(route: 'authorization' | 'token'): Evidence {
  return (log) => {
    if (!log.some((r) => r.route === 'jwks')) return undefined;
    const rotation = lastIndex(log, route === 'token' ? isCodeGrant : (r) => r.route === 'authorization');
    return log.slice(rotation + 1).some((r) => r.route === 'jwks')
      ? undefined
      : "it accepted the new key's ID token without fetching the JWKS again after the rotation";
  };
}

/** A JWKS whose Cache-Control allows 600 s is fetched once for logins a few seconds apart (RFC 9111 5.2.2.1). */
export const jwksCacheHonoured: Evidence = (log) => {
  const fetches = log.filter((r) => r.route === 'jwks').length;
  return fetches > 1 ? `fetched the JWKS ${fetches} times within its max-age of 600 s` : undefined;
};

/** rp-discovery-jwks_uri-keys: the keys come from the jwks_uri discovery names, not a guessed path. */
export const usedDiscoveredJwksUri: Evidence = (log) => {
  if (!log.some((r) => r.route === 'discovery')) return 'never read the discovery document';
  if (log.some((r) => r.route === 'jwks' && r.status === 200)) return undefined;
  // The usual key paths, by their last segment: the instance's own path holds the scenario's name, "jwks" included.
  const guessed = log.find(
    (r) =>
      r.route !== 'discovery' &&
      (r.status ?? 0) >= 400 &&
      /\/(jwks(\.json)?|certs|keys)$/i.test(new URL(r.path, 'http://x').pathname),
  );
  return guessed
    ? `fetched ${guessed.path} instead of the advertised jwks_uri`
    : 'never fetched the advertised jwks_uri';
};

/**
 * Discovery may name a token endpoint on another host; a client uses it or refuses it, but never guesses the issuer's
 * own.
 */
export const noGuessedTokenEndpoint: Evidence = (log) =>
  log.some((r) => r.route === 'token')
    ? "sent the code to the issuer's own token endpoint, not the discovered one"
    : undefined;

/**
 * Stack Exchange's /2.3/me finds the token only when it arrives exactly as
 * issued, as a bearer header (the query forms are refused since June 2026); the
 * request is then this client's and answered 200. A token mangled on the way
 * (a '+' sent raw in a query arrives as a space) matches none.
 */
export const deliveredIssuedToken: Evidence = (log) =>
  log.some((r) => r.route === 'stackexchange_me' && r.status === 200)
    ? undefined
    : 'no /2.3/me call delivered the issued access token intact (mangled, sent in the query, or never called)';

/** Client authentication as registered, on every token request (RFC 6749 2.3, OIDC Core 9). */
export function authenticatedWith(method: string): Evidence {
  return (log, context) => {
    const tokens = log.filter((r) => r.route === 'token');
    const other = tokens.find((r) => r.clientAuth?.method !== method);
    if (other) return `authenticated with ${other.clientAuth?.method ?? 'nothing'} instead of ${method}`;
    return method.endsWith('_jwt') ? assertionProblems(tokens, context) : undefined;
  };
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
// OIDC Core 9: client_secret_jwt is an HMAC keyed with the secret, private_key_jwt an asymmetric signature; never none.
const ASSERTION_ALGS: Readonly<Record<string, RegExp>> = {
  client_secret_jwt: /^HS(256|384|512)$/,
  private_key_jwt: /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/,
};

/** OIDC Core 9 and RFC 7523 3: the assertion type, alg and claims, and a jti never reused. */
function assertionProblems(tokens: readonly RequestRecord[], context: EvidenceContext): string | undefined {
  const seen = new Set<unknown>();
  const now = Date.now() / 1000;
  for (const r of tokens) {
    const claims = r.clientAuth?.assertion?.payload;
    if (!claims) return 'sent a client assertion that cannot be decoded';
    const type = param(r, 'client_assertion_type');
    if (type !== JWT_BEARER) return `sent client_assertion_type ${JSON.stringify(type)}, not ${JWT_BEARER}`;
    const alg = r.clientAuth?.assertion?.header.alg;
    const method = r.clientAuth?.method ?? '';
    if (typeof alg !== 'string' || !ASSERTION_ALGS[method]?.test(alg))
      return `signed its ${method} assertion with ${JSON.stringify(alg)}, not an algorithm that method allows`;
    // iat is OPTIONAL (OIDC Core 9, RFC 7523 3); one that is sent must not lie in the future.
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now + 60))
      return `sent an assertion whose iat ${JSON.stringify(claims.iat)} is not a past time`;
    if (claims.iss !== context.clientId || claims.sub !== context.clientId)
      return 'sent an assertion whose iss and sub are not its client_id';
    const audiences = [claims.aud].flat();
    if (!audiences.some((aud) => aud === context.issuer || (typeof aud === 'string' && aud.endsWith(r.path)))) {
      return `sent an assertion for audience ${JSON.stringify(claims.aud)}, neither the issuer nor the token endpoint`;
    }
    if (typeof claims.jti !== 'string' || !claims.jti) return 'sent an assertion without jti';
    if (seen.has(claims.jti)) return 'reused an assertion jti';
    seen.add(claims.jti);
    if (typeof claims.exp !== 'number' || claims.exp < now - 300 || claims.exp > now + 86_400)
      return 'sent an assertion without a sane exp';
  }
  return undefined;
}

/** Stitch verifies client assertions against its token URL, not the issuer. */
export const assertionAudienceIsTokenUrl: Evidence = (log) => {
  for (const r of log.filter((x) => x.route === 'token')) {
    const audiences = [r.clientAuth?.assertion?.payload.aud].flat();
    if (!audiences.some((aud) => typeof aud === 'string' && aud.endsWith(r.path))) {
      const sent = JSON.stringify(r.clientAuth?.assertion?.payload.aud);
      return `sent an assertion for audience ${sent}, not the token URL`;
    }
  }
  return undefined;
};

const TOKEN_PARAMS = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token'];
const placesOf = (r: RequestRecord) => ({
  query: TOKEN_PARAMS.filter((name) => r.query[name] !== undefined),
  body: TOKEN_PARAMS.filter((name) => r.body[name] !== undefined),
});

/** Token parameters in the form body, where RFC 6749 3.2 puts them; Okta tolerates the query, so that is a SHOULD. */
export const tokenParamsInBody: Evidence = (log) =>
  log.some((r) => r.route === 'token' && placesOf(r).query.length > 0)
    ? 'sent token parameters in the query string (Okta tolerates it; RFC 6749 3.2 wants the body)'
    : undefined;

/**
 * All in the body or all in the query: a request split between the two is one
 * no two servers read alike. The log's body is what the issuer read, with an
 * Okta-style query already merged in, so split means body parameters the query lacks.
 */
export const tokenParamsNotSplit: Evidence = (log) => {
  for (const r of log.filter((x) => x.route === 'token')) {
    const { query, body } = placesOf(r);
    const bodyOnly = body.filter((name) => !query.includes(name));
    if (query.length > 0 && bodyOnly.length > 0)
      return `split the token request: ${query.join(', ')} in the query, ${bodyOnly.join(', ')} in the body`;
  }
  return undefined;
};

/** RFC 8252 7.3, 8.3: a loopback IP literal, not "localhost". */
export const loopbackRedirect: Evidence = (log) => {
  for (const r of authorizations(log)) {
    const uri = new URL(param(r, 'redirect_uri') ?? 'invalid:');
    if (uri.protocol !== 'http:' || !['127.0.0.1', '[::1]'].includes(uri.hostname))
      return `used redirect_uri ${uri.href}, not a loopback IP literal`;
  }
  return undefined;
};

/** RFC 9700 4.11: after login, the app does not send the browser to the attacker's return_to. */
export const noOpenRedirect: Evidence = (_log, { outcome }) =>
  outcome.ok && outcome.finalUrl && new URL(outcome.finalUrl).hostname === 'attacker.example'
    ? `redirected the browser to ${outcome.finalUrl}`
    : undefined;

/**
 * OIDC Core 4: the app never sends the browser to the foreign target_link_uri, whether or not a login came of the
 * request (an app that goes there before logging in redirects all the same).
 */
export const neverToForeignTarget: Evidence = (log, context) =>
  noOpenRedirect(log, { ...context, outcome: { ...context.outcome, ok: true } });

/** OIDC Core 4: the login_hint a third party sent the client's login initiation endpoint, in the login it started. */
export const forwardedLoginHint: Evidence = (log, { thirdPartyLogin }) => {
  const hint = thirdPartyLogin?.login_hint;
  if (hint === undefined) return undefined;
  // The login the request started: an app may authorize again after it (a step-up) for reasons of its own.
  const [request] = authorizations(log);
  if (!request || param(request, 'login_hint') === hint) return undefined;
  const sent = param(request, 'login_hint');
  return sent === undefined
    ? `left out the login_hint "${hint}" the third party sent`
    : `sent login_hint "${sent}" where the third party sent "${hint}"`;
};

/**
 * A login initiation request naming an issuer the client was never set up for (a fault-free issuer of mock-idp's
 * own): a client that follows it sends its user, and its client_id, wherever a link points.
 */
export const noLoginAtForeignIssuer: Evidence = (log, { thirdPartyLogin }) => {
  const iss = thirdPartyLogin?.iss;
  if (iss === undefined) return undefined;
  const prefix = `${new URL(iss).pathname.replace(/\/$/, '')}/`;
  const there = log.filter((r) => r.path.startsWith(prefix));
  if (there.some(isLoginRequest)) return `started a login at ${iss}, the issuer the third party named`;
  return there.some((r) => r.route === 'token')
    ? `redeemed a code at ${iss}, the issuer the third party named`
    : undefined;
};

/** The provider's error_description is text: rendered raw, it is script in the app's origin. */
export const errorDescriptionEscaped: Evidence = (_log, { outcome }) =>
  outcome.page?.includes('<script>window.mockIdpXss') || outcome.page?.includes('<img src=x onerror')
    ? "rendered the provider's error_description as HTML"
    : undefined;

/** OIDC Back-Channel Logout 1.0, 2.8: a refused logout token gets 400, not a crash page or a redirect. */
export const answeredBadRequest: Evidence = (_log, { outcome }) =>
  !outcome.ok && outcome.code !== undefined && /^http-\d+$/.test(outcome.code) && outcome.code !== 'http-400'
    ? `answered ${outcome.code.slice(5)} where the spec asks for 400`
    : undefined;
