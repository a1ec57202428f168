import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdminOptions, authorizeAdmin } from '../admin.js';
import { refuseCrossSite } from '../admin-guard.js';
import { sendJson } from '../respond.js';

/**
 * The console's data (the request log, client secrets) and its actions are the
 * admin API's, so they pass the same gate: the Host, Origin, Sec-Fetch-Site and
 * content-type checks against cross-site pages, then the admin token (or
 * loopback only). Answers the refusal and returns false when the caller is not let in.
 */
export function admitAsAdmin(req: IncomingMessage, res: ServerResponse, admin: AdminOptions): boolean {
  const refused = refuseCrossSite(req, admin.allowedHosts);
  if (refused) {
    sendJson(res, refused.status, {
      error: refused.status === 415 ? 'invalid_request' : 'access_denied',
      error_description: refused.reason,
    });
    return false;
  }
  const denied = authorizeAdmin(req, admin);
  if (denied) {
    res.setHeader('www-authenticate', 'Bearer realm="mock-idp-admin"');
    sendJson(res, admin.adminToken ? 401 : 403, {
      error: admin.adminToken ? 'invalid_token' : 'access_denied',
      error_description: denied,
    });
    return false;
  }
  return true;
}
