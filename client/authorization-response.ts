import { timingSafeEqual } from 'node:crypto';
import { AuthorizationResponseError, CallbackError, DuplicateParameterError, StateMismatchError } from './errors.js';

// Each may appear once (RFC 6749 3.1): with two copies, which one the server meant is unknowable.
const SINGLE_VALUED = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'];

export interface AuthorizationResponseExpectations {
  /** The state saved by start(); undefined when nothing is pending for this user. */
  state: string | undefined;
  issuer: string;
  /** RFC 9207: the provider advertises `iss` in responses, so its absence is an attack or a bug. */
  issRequired: boolean;
}

export interface AuthorizationResponse {
  code: string;
  state: string;
  iss: string | undefined;
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Reads the callback URL in the order that matters: its shape, then state
 * (CSRF) before believing anything else it says, then a provider error, then
 * RFC 9207 issuer identification (mix-up) and finally the code.
 */
export function readAuthorizationResponse(callbackUrl: string | URL, expected: AuthorizationResponseExpectations): AuthorizationResponse {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch (cause) {
    throw new CallbackError('callback_invalid', 'the callback is not a URL', { cause });
  }
  const params = url.searchParams;
  for (const name of SINGLE_VALUED) {
    if (params.getAll(name).length > 1) throw new DuplicateParameterError(name);
  }

  const state = params.get('state');
  if (expected.state === undefined) {
    throw new StateMismatchError('no_pending_authorization', 'no login is pending for this user (expired, already finished, or never started)');
  }
  if (state === null || state === '') throw new StateMismatchError('missing', 'the callback has no state');
  if (!sameString(state, expected.state)) throw new StateMismatchError('mismatch', 'the callback state is not the one this login sent');

  const iss = params.get('iss') ?? undefined;
  const error = params.get('error');
  if (error !== null) {
    throw new AuthorizationResponseError({
      error,
      errorDescription: params.get('error_description') ?? undefined,
      errorUri: params.get('error_uri') ?? undefined,
      responseIssuer: iss,
      issuerMismatch: iss !== undefined && iss !== expected.issuer,
    });
  }

  if (iss !== undefined && iss !== expected.issuer) {
    throw new CallbackError('authorization_iss_mismatch', `the response comes from ${iss}, not ${expected.issuer} (RFC 9207)`);
  }
  if (iss === undefined && expected.issRequired) {
    throw new CallbackError('authorization_iss_missing', `${expected.issuer} advertises RFC 9207 iss, and the response has none`);
  }

  const code = params.get('code');
  if (!code) throw new CallbackError('authorization_code_missing', 'the callback has neither code nor error');
  return { code, state, iss };
}
