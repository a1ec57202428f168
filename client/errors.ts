/**
 * Every failure of the reference client is one of these classes, with a
 * stable string `code` that callers can switch on (messages may change, codes
 * do not). All extend RelyingPartyError, so one `instanceof` separates our
 * verdicts from programming errors.
 */

export class RelyingPartyError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Options that cannot work (a 32-byte secret of 20 bytes, 'none' in the alg allow-list...). */
export class ConfigurationError extends RelyingPartyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_configuration', message, options);
  }
}

export type ClientCredentialErrorCode = 'client_key_invalid' | 'client_secret_invalid';

/** A client secret or private key that cannot be used to authenticate. */
export class ClientCredentialError extends RelyingPartyError {
  declare readonly code: ClientCredentialErrorCode;

  constructor(code: ClientCredentialErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type StateMismatchReason = 'no_pending_authorization' | 'no_pending_logout' | 'missing' | 'mismatch';

/**
 * The callback's `state` is absent, differs from the one saved at start(), or
 * there is no pending authorization for this user (expired, already used, or
 * a callback the user never started: login CSRF). The same for the redirect
 * back after RP-initiated logout (finishLogout).
 */
export class StateMismatchError extends RelyingPartyError {
  declare readonly code: 'state_mismatch';
  readonly reason: StateMismatchReason;

  constructor(reason: StateMismatchReason, message: string) {
    super('state_mismatch', message);
    this.reason = reason;
  }
}

/** A callback parameter given more than once: which copy the server meant is unknowable. */
export class DuplicateParameterError extends RelyingPartyError {
  declare readonly code: 'duplicate_parameter';
  readonly parameter: string;

  constructor(parameter: string) {
    super('duplicate_parameter', `the callback carries "${parameter}" more than once`);
    this.parameter = parameter;
  }
}

/** The authorization server answered the authorization request with `error=`. */
export class AuthorizationResponseError extends RelyingPartyError {
  declare readonly code: 'authorization_error';
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;
  /** The callback's RFC 9207 `iss`, when present. */
  readonly responseIssuer: string | undefined;
  /** True when `iss` names another server than ours (mix-up): report, never trust, the description. */
  readonly issuerMismatch: boolean;

  constructor(fields: {
    error: string;
    errorDescription?: string | undefined;
    errorUri?: string | undefined;
    responseIssuer?: string | undefined;
    issuerMismatch: boolean;
  }) {
    const from = fields.issuerMismatch ? ` (from another issuer: ${fields.responseIssuer})` : '';
    super(
      'authorization_error',
      `authorization failed: ${fields.error}${fields.errorDescription ? ` (${fields.errorDescription})` : ''}${from}`,
    );
    this.error = fields.error;
    this.errorDescription = fields.errorDescription;
    this.errorUri = fields.errorUri;
    this.responseIssuer = fields.responseIssuer;
    this.issuerMismatch = fields.issuerMismatch;
  }
}

export type CallbackErrorCode =
  | 'authorization_iss_mismatch'
  | 'authorization_iss_missing'
  | 'authorization_code_missing'
  | 'callback_invalid'
  | 'response_mode_mismatch';

/** A callback that is not a usable authorization response (RFC 9207 iss, missing code, bad URL). */
export class CallbackError extends RelyingPartyError {
  declare readonly code: CallbackErrorCode;

  constructor(code: CallbackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type ThirdPartyLoginErrorCode = 'initiate_login_invalid' | 'initiate_login_iss_unknown';

/**
 * A login initiation request (OIDC Core 4) the client will not act on: no iss, a repeated parameter, or an issuer
 * it is not configured for, which would have it start a login wherever a link points.
 */
export class ThirdPartyLoginError extends RelyingPartyError {
  declare readonly code: ThirdPartyLoginErrorCode;

  constructor(code: ThirdPartyLoginErrorCode, message: string) {
    super(code, message);
  }
}

export type DiscoveryErrorCode =
  | 'discovery_failed'
  | 'discovery_issuer_mismatch'
  | 'endpoint_missing'
  | 'insecure_endpoint';

export class DiscoveryError extends RelyingPartyError {
  declare readonly code: DiscoveryErrorCode;

  constructor(code: DiscoveryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type HttpErrorCode = 'network_error' | 'response_too_large' | 'insecure_request';

/** The request could not be made, or its answer was larger than we agree to read. */
export class HttpError extends RelyingPartyError {
  declare readonly code: HttpErrorCode;
  readonly url: string;

  constructor(code: HttpErrorCode, url: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.url = url;
  }
}

export type TokenEndpointErrorCode = 'token_endpoint_error' | 'refresh_invalid_grant';

/** The token endpoint answered with an OAuth error (`{"error": ...}`). */
export class TokenEndpointError extends RelyingPartyError {
  declare readonly code: TokenEndpointErrorCode;
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly status: number;

  constructor(
    code: TokenEndpointErrorCode,
    fields: { error: string; errorDescription?: string | undefined; status: number },
    options?: { cause?: unknown },
  ) {
    super(
      code,
      `token endpoint error ${fields.status} ` +
        `${fields.error}${fields.errorDescription ? `: ${fields.errorDescription}` : ''}`,
      options,
    );
    this.error = fields.error;
    this.errorDescription = fields.errorDescription;
    this.status = fields.status;
  }
}

export type TokenResponseErrorCode =
  | 'token_response_not_json'
  | 'token_response_html'
  | 'token_response_invalid'
  | 'token_too_large';

/** A token endpoint answer that is not a token response: HTML, not JSON, missing fields, oversized tokens. */
export class TokenResponseError extends RelyingPartyError {
  declare readonly code: TokenResponseErrorCode;
  readonly status: number | undefined;

  constructor(code: TokenResponseErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(code, message, options);
    this.status = options?.status;
  }
}

export type JwksErrorCode = 'jwks_unavailable' | 'jwks_invalid';

/** The provider's JWKS could not be fetched or is not a JWK Set: no ID token can be trusted. */
export class JwksError extends RelyingPartyError {
  declare readonly code: JwksErrorCode;

  constructor(code: JwksErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type IdTokenErrorCode =
  | 'id_token_missing'
  | 'id_token_too_large'
  | 'id_token_malformed'
  | 'id_token_unsupported_header'
  | 'id_token_alg_not_allowed'
  | 'id_token_unknown_kid'
  | 'id_token_no_matching_key'
  | 'id_token_key_ambiguous'
  | 'id_token_invalid_signature'
  | 'id_token_iss_mismatch'
  | 'id_token_sub_missing'
  | 'id_token_aud_mismatch'
  | 'id_token_azp_missing'
  | 'id_token_azp_mismatch'
  | 'id_token_exp_missing'
  | 'id_token_expired'
  | 'id_token_nbf_in_future'
  | 'id_token_iat_missing'
  | 'id_token_iat_in_future'
  | 'id_token_iat_too_old'
  | 'id_token_auth_time_missing'
  | 'id_token_auth_time_too_old'
  | 'id_token_nonce_mismatch'
  | 'id_token_at_hash_mismatch'
  | 'id_token_iss_changed'
  | 'id_token_sub_changed'
  | 'id_token_auth_time_changed';

/** One rule of ID token validation failed (OIDC Core 3.1.3.7 and 12.2, plus stricter ones). */
export class IdTokenValidationError extends RelyingPartyError {
  declare readonly code: IdTokenErrorCode;
  /** The claim or header parameter at fault, when there is one. */
  readonly claim: string | undefined;

  constructor(code: IdTokenErrorCode, message: string, options?: { cause?: unknown; claim?: string }) {
    super(code, message, options);
    this.claim = options?.claim;
  }
}

/** The refresh token is dead (invalid_grant): the session was cleared and the user must log in again. */
export class ReloginRequiredError extends RelyingPartyError {
  declare readonly code: 'relogin_required';

  constructor(message: string, options?: { cause?: unknown }) {
    super('relogin_required', message, options);
  }
}

export type SessionErrorCode = 'session_missing' | 'refresh_token_missing';

/** The operation needs a logged-in session (or its refresh token) and there is none. */
export class SessionError extends RelyingPartyError {
  declare readonly code: SessionErrorCode;

  constructor(code: SessionErrorCode, message: string) {
    super(code, message);
  }
}

export type UserinfoErrorCode =
  | 'userinfo_unsupported'
  | 'userinfo_unauthorized'
  | 'userinfo_failed'
  | 'userinfo_invalid_response'
  | 'userinfo_sub_missing'
  | 'userinfo_sub_mismatch';

export class UserinfoError extends RelyingPartyError {
  declare readonly code: UserinfoErrorCode;
  readonly status: number | undefined;

  constructor(code: UserinfoErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(code, message, options);
    this.status = options?.status;
  }
}

export type CookieStoreErrorCode = 'cookie_too_large';

export class CookieStoreError extends RelyingPartyError {
  declare readonly code: CookieStoreErrorCode;

  constructor(code: CookieStoreErrorCode, message: string) {
    super(code, message);
  }
}

export type LoopbackLoginErrorCode =
  | 'loopback_timeout'
  | 'loopback_aborted'
  | 'loopback_listen_failed'
  | 'loopback_browser_failed';

/**
 * A command-line login (loopbackLogin) that ended without a callback: no
 * browser came back in time, the caller cancelled, the loopback port could
 * not be bound, or the caller's openBrowser failed.
 */
export class LoopbackLoginError extends RelyingPartyError {
  declare readonly code: LoopbackLoginErrorCode;

  constructor(code: LoopbackLoginErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * Our own error somewhere in a cause chain: openid-client wraps whatever a
 * custom fetch or auth callback throws in its own ClientError, and the
 * caller deserves our typed verdict, not "something went wrong".
 */
export function findRelyingPartyError(error: unknown): RelyingPartyError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (current instanceof RelyingPartyError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A back-channel logout token failed validation (OIDC Back-Channel Logout 1.0,
 * 2.6): the logout endpoint answers 400 invalid_request with this message.
 */
export class LogoutTokenError extends RelyingPartyError {
  declare readonly code: 'logout_token_invalid' | 'logout_token_replayed';
  /** The claim or header parameter at fault, when there is one. */
  readonly claim: string | undefined;

  constructor(
    message: string,
    claim?: string,
    options?: { cause?: unknown; code?: 'logout_token_invalid' | 'logout_token_replayed' },
  ) {
    super(options?.code ?? 'logout_token_invalid', message, options);
    this.claim = claim;
  }
}
