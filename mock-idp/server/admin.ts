import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { RequestLog, RequestLogFilter } from '../log/request-log.js';
import { sendJson } from './respond.js';

export interface AdminOptions {
  requestLog: RequestLog;
  adminToken?: string | undefined;
  /** True when the server listens only on a loopback address. */
  loopbackOnly: boolean;
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function tokenMatches(expected: string, header: string | undefined): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Admin access: with a token configured, the token is always required; without
 * one, only loopback callers of a loopback-bound server get in.
 */
export function authorizeAdmin(req: IncomingMessage, options: AdminOptions): string | undefined {
  if (options.adminToken) return tokenMatches(options.adminToken, req.headers.authorization) ? undefined : 'a valid admin bearer token is required';
  if (!options.loopbackOnly) return 'the admin API is disabled when mock-idp listens beyond loopback without an admin token (set MOCK_IDP_ADMIN_TOKEN)';
  return isLoopback(req.socket.remoteAddress) ? undefined : 'the admin API only answers loopback callers';
}

function filterFrom(url: URL): RequestLogFilter {
  const sinceId = url.searchParams.get('since');
  return {
    issuer: url.searchParams.get('issuer') ?? undefined,
    route: url.searchParams.get('route') ?? undefined,
    clientId: url.searchParams.get('client_id') ?? undefined,
    sinceId: sinceId && /^\d+$/.test(sinceId) ? Number(sinceId) : undefined,
  };
}

export function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, options: AdminOptions): void {
  const denied = authorizeAdmin(req, options);
  if (denied) {
    res.setHeader('www-authenticate', 'Bearer realm="mock-idp-admin"');
    sendJson(res, options.adminToken ? 401 : 403, { error: options.adminToken ? 'invalid_token' : 'access_denied', error_description: denied });
    return;
  }
  const route = url.pathname.replace(/^\/_admin/, '');
  if (route === '/requests' && req.method === 'GET') {
    sendJson(res, 200, { lastId: options.requestLog.lastId, requests: options.requestLog.list(filterFrom(url)) });
    return;
  }
  if (route === '/requests' && req.method === 'DELETE') {
    const { issuer, clientId } = filterFrom(url);
    sendJson(res, 200, { cleared: options.requestLog.clear({ issuer, clientId }) });
    return;
  }
  sendJson(res, 404, { error: 'not_found', error_description: `no admin route ${req.method} ${route}` });
}
