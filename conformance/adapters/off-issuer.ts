import type { CaseContext, ClientOutcome } from '../types.js';

/**
 * A client's own authorization request aimed somewhere other than the issuer: discovery named an
 * endpoint elsewhere (plain http on another host) and the client used it. No browser of the kit's
 * goes there, and a failed fetch there is no rejection: the client took the faulty endpoint.
 */
export function offIssuerAuthorization(
  target: URL,
  context: Pick<CaseContext, 'issuer' | 'clientId'>,
  who = 'it',
): Extract<ClientOutcome, { ok: false }> | undefined {
  if (target.origin === new URL(context.issuer).origin) return undefined;
  if (target.searchParams.get('client_id') !== context.clientId) return undefined;
  // An authorization request, not a page of the client's own that names its client_id.
  if (!target.searchParams.has('response_type') && !target.searchParams.has('request_uri')) return undefined;
  return {
    ok: false,
    code: 'left-issuer',
    message: `${who} sent the browser to authorize at ${target.origin}${target.pathname}, not at the issuer`,
  };
}
