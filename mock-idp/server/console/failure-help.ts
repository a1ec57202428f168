/** Why a request failed and what the client should change: the console's answer to "why was it refused?". */
export interface FailureHelp {
  rule: string;
  fix: string;
}

/** By OAuth error code; the record's notes add the specifics (the URI sent, the registered ones, the detail). */
const BY_ERROR: Record<string, FailureHelp> = {
  invalid_client: {
    rule: 'The client must be registered and authenticate as registered (RFC 6749 §2.3 and §5.2).',
    fix:
      "Check the client_id, the secret or key, and that the method matches the client's " +
      'token_endpoint_auth_method in the overview.',
  },
  invalid_grant: {
    rule:
      'An authorization code or refresh token is single-use, short-lived and bound to the ' +
      'client, the redirect_uri and the PKCE code_challenge (RFC 6749 §4.1.3, RFC 7636 §4.6).',
    fix:
      'Exchange each code once and promptly, with the same redirect_uri as the authorization ' +
      'request and the code_verifier whose S256 hash was the code_challenge.',
  },
  invalid_request: {
    rule: 'A request must carry every required parameter once, well formed (RFC 6749 §4.1.1, §5.2).',
    fix: 'Read the description below for the parameter at fault; send it once, with a valid value.',
  },
  invalid_redirect_uri: {
    rule:
      'The redirect_uri must exactly match one the client registered (RFC 6749 §3.1.2.3, OpenID ' +
      'Connect Core §3.1.2.1).',
    fix: 'Send a registered URI, or register this one: the note below gives the config entry and the admin call.',
  },
  redirect_uri_mismatch: {
    rule: 'The redirect_uri must exactly match one the client registered.',
    fix: 'Send a registered URI, or add it through POST /_admin/issuers/{issuer}/clients/{client}/redirect_uris.',
  },
  unauthorized_client: {
    rule: 'The client may only use the grant and response types it registered (RFC 6749 §5.2).',
    fix: "Use a grant_type / response_type listed in the client's registration, or register it.",
  },
  unsupported_grant_type: {
    rule: 'The token endpoint accepts only the grant types this issuer supports (RFC 6749 §5.2).',
    fix: "Use a grant_type listed in the issuer's discovery document (grant_types_supported).",
  },
  unsupported_response_type: {
    rule: 'The authorization endpoint accepts only the response types the client registered.',
    fix: 'Use response_type=code for the authorization code flow.',
  },
  invalid_scope: {
    rule: 'Scopes must be ones the issuer supports and the client may request (RFC 6749 §3.3).',
    fix: 'Request only scopes listed in scopes_supported; include openid for an ID token.',
  },
  invalid_token: {
    rule:
      'A protected resource accepts only a current, unrevoked access token, sent as a Bearer ' +
      'token (RFC 6750 §3.1).',
    fix:
      'Send "Authorization: Bearer <access_token>" with a token this issuer issued that has not ' +
      'expired; refresh it when it has.',
  },
  access_denied: {
    rule: "The user (or the admin API's gate) refused the request.",
    fix:
      'For a login: approve it. For the admin API: call it from loopback or with the admin ' +
      'token, same origin, with Content-Type: application/json.',
  },
  login_required: {
    rule: 'prompt=none was sent but no session exists (OpenID Connect Core §3.1.2.6).',
    fix: 'Start a login without prompt=none.',
  },
  consent_required: {
    rule: 'prompt=none was sent but consent is needed (OpenID Connect Core §3.1.2.6).',
    fix: 'Start a login without prompt=none.',
  },
  interaction_required: {
    rule: 'prompt=none was sent but the login needs the user (OpenID Connect Core §3.1.2.6).',
    fix: 'Start a login without prompt=none.',
  },
  invalid_dpop_proof: {
    rule:
      'A DPoP proof must be a fresh JWT signed by the key bound to the token, for this method ' +
      'and URL (RFC 9449 §4.3).',
    fix: 'Sign a new proof per request with htm, htu, iat and jti (and the server nonce when one is asked for).',
  },
  use_dpop_nonce: {
    rule: 'The server asks for its DPoP nonce in the proof (RFC 9449 §8).',
    fix: 'Retry with the nonce from the DPoP-Nonce response header.',
  },
  invalid_client_metadata: {
    rule: 'Client metadata must be valid for this issuer.',
    fix: 'Read the description for the field at fault.',
  },
  not_found: {
    rule: 'Only the routes the issuer publishes exist.',
    fix: 'Take endpoint URLs from the discovery document (or the overview), not from memory.',
  },
  temporarily_unavailable: {
    rule: 'The server could not answer now.',
    fix: "Retry after the Retry-After header's seconds.",
  },
  server_error: {
    rule: "The server failed: not the client's fault.",
    fix: 'Report it with the request below and the server log.',
  },
};

/** Rule and fix for a failed request (status 400 or more), or undefined for a success. */
export function failureHelp(status: number | undefined, error: string | undefined): FailureHelp | undefined {
  if (status === undefined || status < 400) return undefined;
  if (error && BY_ERROR[error]) return BY_ERROR[error];
  if (status === 401) return BY_ERROR.invalid_token;
  if (status === 404) return BY_ERROR.not_found;
  if (status === 405)
    return {
      rule: 'Each endpoint answers only its methods (the Allow header lists them).',
      fix: 'Use the method the endpoint documents.',
    };
  if (status === 413) return { rule: 'Request bodies are bounded.', fix: 'Send a smaller body.' };
  if (status === 415)
    return {
      rule: 'The endpoint reads one body type.',
      fix: 'Send the Content-Type it expects (form-encoded for OAuth endpoints, JSON for the admin API).',
    };
  if (status >= 500) return BY_ERROR.server_error;
  return {
    rule: error ? `The issuer answered ${error}.` : `The issuer answered HTTP ${status}.`,
    fix: 'Read the description and notes below.',
  };
}
