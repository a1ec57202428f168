import type { IncomingMessage } from 'node:http';
import { isLoopbackName } from '../loopback.js';

/** A host name as the Host and Origin headers carry it, without port or IPv6 brackets, lowercased. */
export function hostName(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, '').toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The admin API changes the IdP, so a web page must not reach it through the
 * developer's browser. A page can send a simple POST (text/plain, no preflight)
 * to 127.0.0.1, and DNS rebinding can make the page's own host name resolve to
 * 127.0.0.1. Refused: a Host not in the allowed set (rebinding), an Origin of
 * another host or a cross-site fetch (CSRF), and a mutation whose body is not
 * application/json (which no page can send cross-origin without a preflight).
 */
export function refuseCrossSite(
  req: IncomingMessage,
  allowedHosts: ReadonlySet<string>,
): { status: number; reason: string } | undefined {
  const allowed = (name: string | undefined) => name !== undefined && (isLoopbackName(name) || allowedHosts.has(name));
  const host = req.headers.host ?? '';
  if (!allowed(hostName(host))) {
    return {
      status: 403,
      reason: `the admin API does not answer for Host "${host}"; allow it with --allowed-host (MOCK_IDP_ALLOWED_HOSTS)`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    } catch {
      originHost = undefined;
    }
    if (!allowed(originHost))
      return { status: 403, reason: `the admin API refuses requests from the web origin "${origin}"` };
  }
  if (req.headers['sec-fetch-site'] === 'cross-site')
    return { status: 403, reason: 'the admin API refuses cross-site requests' };
  const method = req.method ?? 'GET';
  if (!SAFE_METHODS.has(method)) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const hasBody =
      type !== '' ||
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
      req.headers['transfer-encoding'] !== undefined;
    // DELETE without a body is allowed bare: a page cannot send it without a CORS preflight, which is never granted.
    if ((method !== 'DELETE' || hasBody) && type !== 'application/json') {
      return { status: 415, reason: `admin ${method} requests must send Content-Type: application/json` };
    }
  }
  return undefined;
}
