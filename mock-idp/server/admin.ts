import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Issuer } from '../issuer/issuer.js';
import {
  AdminInputError,
  addRedirectUri,
  mergeClaims,
  publicKeys,
  removeClient,
  removeUser,
  retireKey,
  rotateKey,
  setClaims,
  upsertClient,
  upsertUser,
} from '../issuer/issuer-admin.js';
import { BodyTooLarge, readLimited } from '../kernel/form-body.js';
import type { RequestLog, RequestLogFilter } from '../log/request-log.js';
import { scenarios } from '../scenarios/index.js';
import type { SharedRequestLog } from '../store/shared-request-log.js';
import { refuseCrossSite } from './admin-guard.js';
import { sendJson } from './respond.js';

export interface AdminOptions {
  requestLog: RequestLog;
  issuers: ReadonlyMap<string, Issuer>;
  adminToken?: string | undefined;
  /** True when the server listens only on a loopback address. */
  loopbackOnly: boolean;
  /** Host names the admin API answers for, besides loopback names (the public URL's host, --allowed-host). */
  allowedHosts: ReadonlySet<string>;
  sharedStore?: { ready(): boolean } | undefined;
  /** The merged log of every replica, in shared-store mode. */
  sharedLog?: SharedRequestLog | undefined;
  /** Largest JSON body read (limits.adminBodyBytes). */
  bodyLimit: number;
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
  if (options.adminToken)
    return tokenMatches(options.adminToken, req.headers.authorization)
      ? undefined
      : 'a valid admin bearer token is required';
  if (!options.loopbackOnly)
    return (
      'the admin API is disabled when mock-idp listens beyond loopback without an admin token ' +
      '(set MOCK_IDP_ADMIN_TOKEN)'
    );
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

async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = (await readLimited(req, limit)).trim();
  } catch (error) {
    if (error instanceof BodyTooLarge)
      throw new AdminInputError(`request body over ${limit} bytes (limits.adminBodyBytes in the config file)`);
    throw error;
  }
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new AdminInputError(`body is not JSON: ${(cause as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new AdminInputError('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

type Handler = (req: IncomingMessage, params: string[], url: URL) => Promise<[number, unknown]>;

/** The admin routes: method, path pattern (segments after /_admin), handler. */
function routes(options: AdminOptions): [string, RegExp, Handler][] {
  const issuerOf = (name: string) => {
    const issuer = options.issuers.get(name);
    if (!issuer) throw new NotFound(`no issuer named "${name}" (have: ${[...options.issuers.keys()].join(', ')})`);
    return issuer;
  };
  const seg = '([^/]+)';
  return [
    [
      'GET',
      /^\/requests$/,
      async (_req, _p, url) => {
        if (options.sharedLog) return [200, await options.sharedLog.list(filterFrom(url))];
        return [200, { lastId: options.requestLog.lastId, requests: options.requestLog.list(filterFrom(url)) }];
      },
    ],
    [
      'DELETE',
      /^\/requests$/,
      async (_req, _p, url) => {
        const { issuer, clientId } = filterFrom(url);
        const cleared = options.requestLog.clear({ issuer, clientId });
        return [200, { cleared: options.sharedLog ? await options.sharedLog.clear({ issuer, clientId }) : cleared }];
      },
    ],
    ['GET', /^\/issuers$/, async () => [200, { issuers: [...options.issuers.values()].map((i) => i.summary()) }]],
    ['GET', new RegExp(`^/issuers/${seg}$`), async (_req, [name]) => [200, issuerOf(name!).summary()]],
    [
      'PUT',
      new RegExp(`^/issuers/${seg}/users/${seg}$`),
      async (req, [name, sub]) => {
        const body = await readJson(req, options.bodyLimit);
        return [200, upsertUser(issuerOf(name!), { ...body, sub: sub! })];
      },
    ],
    [
      'PUT',
      new RegExp(`^/issuers/${seg}/users/${seg}/claims$`),
      async (req, [name, sub]) => {
        const user = setClaims(issuerOf(name!), sub!, await readJson(req, options.bodyLimit));
        if (!user) throw new NotFound(`no user "${sub!}"`);
        return [200, user];
      },
    ],
    [
      'DELETE',
      new RegExp(`^/issuers/${seg}/users/${seg}$`),
      async (_req, [name, sub]) => {
        if (!removeUser(issuerOf(name!), sub!)) throw new NotFound(`no user "${sub!}"`);
        return [200, { removed: sub! }];
      },
    ],
    [
      'PUT',
      new RegExp(`^/issuers/${seg}/clients/${seg}$`),
      async (req, [name, id]) => {
        const body = await readJson(req, options.bodyLimit);
        const metadata = await upsertClient(issuerOf(name!), { ...body, client_id: id! });
        const { client_secret: _secret, ...shown } = metadata;
        return [200, shown];
      },
    ],
    [
      'DELETE',
      new RegExp(`^/issuers/${seg}/clients/${seg}$`),
      async (_req, [name, id]) => {
        if (!removeClient(issuerOf(name!), id!)) throw new NotFound(`no client "${id!}"`);
        return [200, { removed: id! }];
      },
    ],
    ['GET', new RegExp(`^/issuers/${seg}/keys$`), async (_req, [name]) => [200, { keys: publicKeys(issuerOf(name!)) }]],
    [
      'POST',
      new RegExp(`^/issuers/${seg}/keys/rotate$`),
      async (req, [name]) => {
        const body = await readJson(req, options.bodyLimit);
        const alg = typeof body.alg === 'string' ? body.alg : undefined;
        return [200, await rotateKey(issuerOf(name!), { alg, retirePrevious: body.retirePrevious === true })];
      },
    ],
    [
      'DELETE',
      new RegExp(`^/issuers/${seg}/keys/${seg}$`),
      async (_req, [name, kid]) => {
        if (!retireKey(issuerOf(name!), kid!)) throw new NotFound(`no key "${kid!}"`);
        return [200, { retired: kid! }];
      },
    ],
    [
      'PUT',
      new RegExp(`^/issuers/${seg}/clock$`),
      async (req, [name]) => {
        const body = await readJson(req, options.bodyLimit);
        if (typeof body.offsetSeconds !== 'number' || !Number.isFinite(body.offsetSeconds))
          throw new AdminInputError('body must be {"offsetSeconds": <number>}');
        issuerOf(name!).shiftClock(body.offsetSeconds);
        return [200, { issuer: name!, offsetSeconds: issuerOf(name!).clockOffset }];
      },
    ],
    ['GET', /^\/scenarios$/, async () => [200, { scenarios: [...scenarios.values()] }]],
    [
      'PUT',
      new RegExp(`^/issuers/${seg}/clients/${seg}/scenario$`),
      async (req, [name, id]) => {
        const body = await readJson(req, options.bodyLimit);
        if (typeof body.name !== 'string') throw new AdminInputError('body must name the scenario: {"name": "..."}');
        try {
          issuerOf(name!).arm(id!, body.name);
        } catch (cause) {
          throw new AdminInputError((cause as Error).message);
        }
        return [200, { client_id: id!, scenario: body.name }];
      },
    ],
    [
      'DELETE',
      new RegExp(`^/issuers/${seg}/clients/${seg}/scenario$`),
      async (_req, [name, id]) => [200, { disarmed: issuerOf(name!).disarm(id!) }],
    ],
    [
      'POST',
      new RegExp(`^/issuers/${seg}/reset$`),
      async (_req, [name]) => {
        issuerOf(name!).reset();
        return [200, { reset: name! }];
      },
    ],
    [
      'POST',
      /^\/reset$/,
      async () => {
        for (const issuer of options.issuers.values()) issuer.reset();
        options.requestLog.clear();
        await options.sharedLog?.clear();
        return [200, { reset: [...options.issuers.keys()] }];
      },
    ],
    // Added for issue 18: read the clock, merge claims, add one redirect URI (the fix error pages quote).
    [
      'GET',
      new RegExp(`^/issuers/${seg}/clock$`),
      async (_req, [name]) => [200, { issuer: decodeURIComponent(name!), offsetSeconds: issuerOf(name!).clockOffset }],
    ],
    [
      'PATCH',
      new RegExp(`^/issuers/${seg}/users/${seg}/claims$`),
      async (req, [name, sub]) => {
        const user = mergeClaims(issuerOf(name!), decodeURIComponent(sub!), await readJson(req, options.bodyLimit));
        if (!user) throw new NotFound(`no user "${decodeURIComponent(sub!)}"`);
        return [200, user];
      },
    ],
    [
      'POST',
      new RegExp(`^/issuers/${seg}/clients/${seg}/redirect_uris$`),
      async (req, [name, id]) => {
        const body = await readJson(req, options.bodyLimit);
        const uris = await addRedirectUri(issuerOf(name!), decodeURIComponent(id!), body.redirect_uri);
        if (!uris) throw new NotFound(`no client "${decodeURIComponent(id!)}"`);
        return [200, { client_id: decodeURIComponent(id!), redirect_uris: uris }];
      },
    ],
  ];
}

class NotFound extends Error {}

export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: AdminOptions,
): Promise<void> {
  const refused = refuseCrossSite(req, options.allowedHosts);
  if (refused) {
    sendJson(res, refused.status, {
      error: refused.status === 415 ? 'invalid_request' : 'access_denied',
      error_description: refused.reason,
    });
    return;
  }
  const denied = authorizeAdmin(req, options);
  if (denied) {
    res.setHeader('www-authenticate', 'Bearer realm="mock-idp-admin"');
    sendJson(res, options.adminToken ? 401 : 403, {
      error: options.adminToken ? 'invalid_token' : 'access_denied',
      error_description: denied,
    });
    return;
  }
  const path = url.pathname.replace(/^\/_admin/, '');
  const matching = routes(options).filter(([, pattern]) => pattern.test(path));
  const route = matching.find(([method]) => method === req.method);
  if (!route) {
    if (matching.length) {
      sendJson(
        res,
        405,
        { error: 'invalid_request', error_description: `${req.method} is not allowed on ${path}` },
        { allow: matching.map(([m]) => m).join(', ') },
      );
    } else {
      sendJson(res, 404, { error: 'not_found', error_description: `no admin route ${req.method} ${path}` });
    }
    return;
  }
  if (options.sharedStore) {
    // Read and change the state every replica shares: first pick up what the others did.
    try {
      await Promise.all([...options.issuers.values()].map((i) => i.refreshShared()));
    } catch {
      sendJson(
        res,
        503,
        {
          error: 'temporarily_unavailable',
          error_description: 'the shared store (Redis) is unreachable; retry shortly',
        },
        { 'retry-after': '1' },
      );
      return;
    }
  }
  try {
    const params = route[1]
      .exec(path)!
      .slice(1)
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          throw new AdminInputError(`malformed percent-encoding in the path segment "${segment}"`);
        }
      });
    const [status, body] = await route[2](req, params, url);
    // The change is answered once the other replicas can see it.
    await Promise.all([...options.issuers.values()].map((i) => i.settled()));
    sendJson(res, status, body);
  } catch (error) {
    if (error instanceof AdminInputError)
      sendJson(res, 400, { error: 'invalid_request', error_description: error.message });
    else if (error instanceof NotFound) sendJson(res, 404, { error: 'not_found', error_description: error.message });
    else if (options.sharedStore && !options.sharedStore.ready()) {
      sendJson(
        res,
        503,
        {
          error: 'temporarily_unavailable',
          error_description: 'the shared store (Redis) is unreachable; the change may not have reached other replicas',
        },
        { 'retry-after': '1' },
      );
    } else throw error;
  }
}
