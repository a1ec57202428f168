import { defineScenarios } from '../types.js';

/**
 * The token endpoint's answer, the network between client and IdP, and the
 * IdP's clock. Transport faults hit after the request was processed: a lost
 * token response has still spent its code, as on a real network.
 */
export default defineScenarios(
  {
    name: 'token-type-lowercase',
    description: 'token_type "bearer" in lower case (RFC 6749 5.1: case-insensitive)',
    faults: [{ target: 'token_response', set: { token_type: 'bearer' } }],
  },
  {
    name: 'token-type-unknown',
    description: 'token_type names a type no client understands',
    faults: [{ target: 'token_response', set: { token_type: 'N_A' } }],
  },
  {
    name: 'token-expires-in-missing',
    description: 'no expires_in (RFC 6749 5.1: RECOMMENDED, not required)',
    faults: [{ target: 'token_response', remove: ['expires_in'] }],
  },
  {
    name: 'token-id-token-missing',
    description: 'no id_token although openid was asked for',
    faults: [{ target: 'token_response', grant: 'authorization_code', remove: ['id_token'] }],
  },
  {
    name: 'token-error-invalid-grant',
    description: 'the code is refused: 400 invalid_grant',
    faults: [
      {
        target: 'token_response',
        grant: 'authorization_code',
        error: { status: 400, error: 'invalid_grant', error_description: 'The authorization code has expired' },
      },
    ],
  },
  {
    name: 'token-error-invalid-client-401',
    description: 'the code is refused: 401 invalid_client with WWW-Authenticate (RFC 6749 5.2)',
    faults: [
      {
        target: 'token_response',
        grant: 'authorization_code',
        error: {
          status: 401,
          error: 'invalid_client',
          error_description: 'Client authentication failed',
          headers: { 'www-authenticate': 'Basic realm="mock-idp", error="invalid_client"' },
        },
      },
    ],
  },
  {
    name: 'token-error-status-200',
    description: 'an OAuth error object answered with HTTP 200',
    faults: [
      {
        target: 'token_response',
        grant: 'authorization_code',
        error: { status: 200, error: 'invalid_grant', error_description: 'The authorization code has expired' },
      },
    ],
  },
  {
    name: 'token-error-no-error-field',
    description: 'HTTP 400 with a JSON body that has no error member',
    faults: [
      {
        target: 'token_response',
        grant: 'authorization_code',
        error: { status: 400, error_description: 'Something went wrong' },
      },
    ],
  },
  {
    name: 'token-error-text-plain',
    description: 'HTTP 400 with a text/plain error body',
    faults: [
      {
        target: 'token_response',
        grant: 'authorization_code',
        error: { status: 400, body: 'text', error_description: 'Bad Request: invalid authorization code' },
      },
    ],
  },
  {
    name: 'access-token-reserved-chars',
    description:
      'the access token carries + / = ( ) (RFC 6750 b64token and Stack Exchange characters): ' +
      'only percent-encoded does it survive a URL',
    faults: [{ target: 'token_response', accessTokenWith: '+/=()' }],
  },
  {
    name: 'refresh-token-revoked',
    description: 'every refresh is refused with invalid_grant (revoked or reused)',
    faults: [
      {
        target: 'token_response',
        grant: 'refresh_token',
        error: { status: 400, error: 'invalid_grant', error_description: 'The refresh token has been revoked' },
      },
    ],
  },
  {
    name: 'token-html-error',
    description: "the token endpoint answers 502 with a proxy's HTML page",
    faults: [{ target: 'transport', route: 'token', status: 502, body: 'html' }],
  },
  {
    name: 'token-response-truncated',
    description: 'the token response JSON is cut off half-way (the code is spent)',
    faults: [{ target: 'transport', route: 'token', body: 'truncated' }],
  },
  {
    name: 'token-slow',
    description: 'the token endpoint answers after 2.5 s',
    faults: [{ target: 'transport', route: 'token', delayMs: 2500 }],
  },
  {
    name: 'userinfo-throttled',
    description: 'userinfo answers 429 with Retry-After: 1, once',
    faults: [{ target: 'transport', route: 'userinfo', status: 429, retryAfter: 1, body: 'html', times: 1 }],
  },
  {
    name: 'userinfo-html-error',
    description: 'userinfo answers 503 with an HTML page',
    faults: [{ target: 'transport', route: 'userinfo', status: 503, body: 'html' }],
  },
  {
    name: 'idp-clock-ahead-30s',
    description: "the IdP's clock runs 30 s fast: inside a 60 s skew",
    faults: [{ target: 'clock', offsetSeconds: 30 }],
  },
  {
    name: 'idp-clock-ahead-5m',
    description: "the IdP's clock runs 5 minutes fast: its tokens are issued in the future",
    faults: [{ target: 'clock', offsetSeconds: 300 }],
  },
  {
    name: 'idp-clock-behind-5m',
    description: "the IdP's clock runs 5 minutes slow: its tokens look 5 minutes old",
    faults: [{ target: 'clock', offsetSeconds: -300 }],
  },
);
