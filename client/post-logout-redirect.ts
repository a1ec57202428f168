import { sameString } from './authorization-response.js';
import { StateMismatchError } from './errors.js';
import type { Flaws } from './flaws.js';

/**
 * Checks the redirect that ends RP-initiated logout against the logout this user started: the state it sent must come
 * back unchanged (OIDC RP-Initiated Logout 1.0 §2), or the redirect is not the answer to that logout (a forged link
 * to the post-logout page, or another logout's).
 */
export function checkPostLogoutRedirect(
  callback: string | URL,
  expectedState: string | undefined,
  flaws?: Flaws,
): void {
  if (expectedState === undefined)
    throw new StateMismatchError(
      'no_pending_logout',
      'no logout is pending for this user (expired, already finished, or never started)',
    );
  if (flaws?.has('no-logout-state-check')) return;
  // Only the query matters: a request's own path (req.url) will do.
  const state = new URL(callback, 'http://localhost').searchParams.getAll('state');
  if (state.length === 0 || state[0] === '')
    throw new StateMismatchError('missing', 'the post-logout redirect has no state');
  if (state.length > 1 || !sameString(state[0]!, expectedState))
    throw new StateMismatchError('mismatch', 'the post-logout redirect state is not the one this logout sent');
}
