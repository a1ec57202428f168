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
  // An authorization request, not a page of the client's own that names its client_id. A request object, by value or
  // by reference (RFC 9101, RFC 9126), may carry response_type inside it.
  if (!['response_type', 'request', 'request_uri'].some((name) => target.searchParams.has(name))) return undefined;
  return {
    ok: false,
    code: 'left-issuer',
    message: `${who} sent the browser to authorize at ${target.origin}${target.pathname}, not at the issuer`,
  };
}
