import { timingSafeEqual } from 'node:crypto';
import { AuthorizationResponseError, CallbackError, DuplicateParameterError, StateMismatchError } from './errors.js';
import type { Flaws } from './flaws.js';

// Each may appear once (RFC 6749 3.1): with two copies, which one the server meant is unknowable.
const SINGLE_VALUED = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'];

export interface AuthorizationResponseExpectations {
  /** The state saved by start(); undefined when nothing is pending for this user. */
  state: string | undefined;
  issuer: string;
  /** RFC 9207: the provider advertises `iss` in responses, so its absence is an attack or a bug. */
  issRequired: boolean;
  /** How the response was asked to arrive; default query. */
  responseMode?: 'query' | 'form_post' | undefined;
  flaws?: Flaws | undefined;
}

/**
 * Where the browser brought the response: a URL (response_mode=query), or the
 * request a form_post page sent to the redirect URI.
 */
export type Callback = string | URL | { url: string | URL; method?: string; body: URLSearchParams | string };

function callbackParams(callback: Callback, mode: 'query' | 'form_post'): URLSearchParams {
  const delivered =
    typeof callback === 'string' || callback instanceof URL
      ? { url: callback, method: 'GET', body: undefined }
      : callback;
  try {
    new URL(delivered.url);
  } catch (cause) {
    throw new CallbackError('callback_invalid', 'the callback is not a URL', { cause });
  }
  const posted = delivered.body !== undefined && (delivered.method ?? 'POST').toUpperCase() === 'POST';
  // A response in the other channel than the one asked for was not produced by this login's
  // authorization request as sent: form_post keeps codes out of URLs, history and Referer.
  if (mode === 'form_post' && !posted)
    throw new CallbackError(
      'response_mode_mismatch',
      'form_post was requested, and the response arrived in the query string',
    );
  if (mode === 'query' && posted)
    throw new CallbackError(
      'response_mode_mismatch',
      'a query response was requested, and the response arrived as a form post',
    );
  return posted ? new URLSearchParams(delivered.body) : new URL(delivered.url).searchParams;
}

export interface AuthorizationResponse {
  code: string;
  state: string;
  iss: string | undefined;
}

export function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Reads the callback URL in the order that matters: its shape, then state
 * (CSRF) before believing anything else it says, then a provider error, then
 * RFC 9207 issuer identification (mix-up) and finally the code.
 */
export function readAuthorizationResponse(
  callback: Callback,
  expected: AuthorizationResponseExpectations,
): AuthorizationResponse {
  const params = callbackParams(callback, expected.responseMode ?? 'query');
  for (const name of SINGLE_VALUED) {
    if (params.getAll(name).length > 1) throw new DuplicateParameterError(name);
  }

  const state = params.get('state');
  if (expected.state === undefined) {
    throw new StateMismatchError(
      'no_pending_authorization',
      'no login is pending for this user (expired, already finished, or never started)',
    );
  }
  const checkState = !expected.flaws?.has('no-state-check');
  if (checkState && (state === null || state === ''))
    throw new StateMismatchError('missing', 'the callback has no state');
  if (checkState && !sameString(state!, expected.state))
    throw new StateMismatchError('mismatch', 'the callback state is not the one this login sent');

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

  if (expected.flaws?.has('ignore-iss-param')) {
    // The flaw: RFC 9207 iss read by nobody.
  } else if (iss !== undefined && iss !== expected.issuer) {
    throw new CallbackError(
      'authorization_iss_mismatch',
      `the response comes from ${iss}, not ${expected.issuer} (RFC 9207)`,
    );
  } else if (iss === undefined && expected.issRequired) {
    throw new CallbackError(
      'authorization_iss_missing',
      `${expected.issuer} advertises RFC 9207 iss, and the response has none`,
    );
  }

  const code = params.get('code');
  if (!code) throw new CallbackError('authorization_code_missing', 'the callback has neither code nor error');
  return { code, state: state ?? '', iss };
}
