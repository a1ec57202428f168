import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Issuer } from '../issuer/issuer.js';
import { attachRecord } from '../kernel/evidence.js';
import type { Logger } from '../log/logger.js';
import { maskHeaders, maskParams } from '../log/mask.js';
import type { RequestLog, RequestRecord } from '../log/request-log.js';
import { type AdminOptions, handleAdmin } from './admin.js';
import { createConsole } from './console/routes.js';
import { sendJson } from './respond.js';

export interface DispatcherOptions {
  issuers: readonly Issuer[];
  requestLog: RequestLog;
  logger: Logger;
  admin: AdminOptions;
  /** Set when state is shared through Redis: requests get a 503 while it is unreachable. */
  sharedStore?: { ready(): boolean } | undefined;
}

export const STORE_UNAVAILABLE = {
  error: 'temporarily_unavailable',
  error_description: 'the shared store (Redis) is unreachable; retry shortly',
};

function bodyTypeOf(contentType: string | undefined): RequestRecord['bodyType'] {
  if (!contentType) return 'none';
  if (contentType.includes('application/x-www-form-urlencoded')) return 'form';
  if (contentType.includes('json')) return 'json';
  return 'other';
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * A handler that answers before reading the whole body (one over a limit, a
 * route that takes none) leaves the rest on the connection, where it would be
 * read as the next request: the client's next keep-alive request then stalls.
 * Such an answer says `Connection: close`, and what is left is read and dropped
 * so the client sees the answer rather than a reset.
 */
function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  // A request without a body is not complete yet while a synchronous handler (health,
  // the dispatcher's own errors) answers it; only a body can be left behind.
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete && !this.headersSent) {
      this.setHeader('connection', 'close');
      res.once('finish', () => {
        req.resume();
        // A client that keeps sending is cut off rather than read for ever.
        setTimeout(() => req.socket.destroy(), 5000).unref();
      });
    }
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}

const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const PROTO = /^https?$/i;

const values = (header: string | string[] | undefined) =>
  (Array.isArray(header) ? header.join(',') : header)?.split(',').map((v) => v.trim());

/**
 * oidc-provider builds every URL of discovery and of redirects from Host and,
 * behind a proxy, X-Forwarded-Host and -Proto. A value that makes no URL (a
 * space, an unclosed bracket) would fail deep inside it as a 500, and a scheme
 * such as javascript: would be published as the endpoints' scheme: both are
 * the request's fault, answered here with a 400.
 */
const parsesAsHost = (value: string) => {
  if (!HOST.test(value)) return false;
  try {
    return new URL(`http://${value}`).host !== '';
  } catch {
    return false; // a port over 65535
  }
};

/**
 * Host names already found valid: a client sends the same Host on every request, and
 * parsing it as a URL each time cost several microseconds a request. Bounded, so that
 * a flood of made-up names costs no memory.
 */
const validHosts = new Set<string>();
const validHost = (value: string) => {
  if (validHosts.has(value)) return true;
  if (!parsesAsHost(value)) return false;
  if (validHosts.size >= 64) validHosts.clear();
  validHosts.add(value);
  return true;
};

function malformedForwarding(req: IncomingMessage): string | undefined {
  if (req.headers.host !== undefined && !validHost(req.headers.host)) return 'Host';
  if (values(req.headers['x-forwarded-host'])?.some((v) => !validHost(v))) return 'X-Forwarded-Host';
  if (values(req.headers['x-forwarded-proto'])?.some((v) => !PROTO.test(v))) return 'X-Forwarded-Proto';
  return undefined;
}

/** Routes by path to the issuer mounted there (longest mount first), plus health, admin and the index page. */
export function createDispatcher(options: DispatcherOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const byPath = (a: Issuer, b: Issuer) => b.mountPath.length - a.mountPath.length;
  const pathIssuers = options.issuers.filter((i) => i.hosts.length === 0).sort(byPath);
  const hostIssuers = options.issuers.filter((i) => i.hosts.length > 0).sort(byPath);
  const under = (path: string) => (i: Issuer) =>
    path === i.mountPath || path.startsWith(`${i.mountPath}/`) || i.mountPath === '';
  const issuers = options.issuers;
  const { requestLog, logger } = options;
  const webConsole = createConsole({ issuers, requestLog, admin: options.admin, logger });

  return (req, res) => {
    const started = performance.now();
    closeIfBodyUnread(req, res);
    const raw = req.url ?? '/';
    let url: URL;
    try {
      url = new URL(raw.startsWith('/') ? `http://mock-idp.invalid${raw}` : raw);
    } catch {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'malformed request target' });
      return;
    }
    const badHeader = malformedForwarding(req);
    if (badHeader) {
      sendJson(res, 400, { error: 'invalid_request', error_description: `malformed ${badHeader} header` });
      return;
    }
    const path = url.pathname;
    // Issuers bound to a host (the real provider names, for msw) are chosen by Host first.
    const forwarded = req.headers['x-forwarded-host'];
    const host = ((Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.headers.host ?? '')
      .split(',')[0]!
      .trim()
      .toLowerCase();
    const issuer = hostIssuers.find((i) => i.hosts.includes(host) && under(path)(i)) ?? pathIssuers.find(under(path));
    const record = requestLog.open({
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      issuer: issuer?.name,
      query: maskParams(queryObject(url)),
      body: {},
      bodyType: bodyTypeOf(req.headers['content-type']),
      headers: maskHeaders(req.headers),
    });
    attachRecord(req, record);
    res.on('finish', () => {
      record.status = res.statusCode;
      record.durationMs = Math.round((performance.now() - started) * 100) / 100;
      options.admin.sharedLog?.push(record);
      requestLog.finish(record);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      // Checked first: building the line costs an object and a string per request even when nothing is written.
      if (!logger.isLevelEnabled(level)) return;
      // record.path, not the raw path: a quirk masks a token carried in the path (Stack Exchange's
      // /access-tokens/{token}).
      logger[level](
        {
          method: record.method,
          path: record.path,
          status: record.status,
          ms: record.durationMs,
          issuer: record.issuer,
          route: record.route,
          client_id: record.clientId,
          error: record.error,
        },
        `${record.method} ${record.path} ${record.status}`,
      );
    });

    if (path === '/health' || path === '/healthz') {
      sendJson(res, 200, { status: 'ok', issuers: issuers.length });
      return;
    }
    if (path === '/_admin' || path.startsWith('/_admin/')) {
      handleAdmin(req, res, url, options.admin).catch((error: unknown) => {
        logger.error({ err: error, path }, 'admin request failed');
        if (!res.headersSent)
          sendJson(res, 500, { error: 'server_error', error_description: 'the admin request failed; see the log' });
      });
      return;
    }
    if (path.startsWith('/_console/') || (path === '/' && !issuer)) {
      webConsole(req, res, url);
      return;
    }
    if (!issuer) {
      sendJson(res, 404, {
        error: 'not_found',
        error_description:
          `no issuer is mounted at ${path}; issuers: ` + `${options.issuers.map((i) => i.mountPath || '/').join(', ')}`,
      });
      return;
    }
    // /<issuer>/s/<scenario>/... is that issuer with the scenario applied to every response
    // (after the issuer's suffix where the profile has one: Entra's /v2.0).
    const suffix = issuer.profile.issuerSuffix ?? '';
    const afterMount = path.slice(issuer.mountPath.length);
    const scenarioName = /^\/s\/([a-z0-9-]+(?:\+[a-z0-9-]+)*(?:~[A-Za-z0-9_-]{1,40})?)(?:\/|$)/.exec(
      suffix && afterMount.startsWith(`${suffix}/s/`) ? afterMount.slice(suffix.length) : afterMount,
    )?.[1];
    const target = scenarioName ? issuer.scenarioIssuer(scenarioName) : issuer;
    if (!target) {
      sendJson(res, 404, {
        error: 'not_found',
        error_description: `no scenario named "${scenarioName}" (see GET /_admin/scenarios)`,
      });
      return;
    }
    record.issuer = target.name;
    // oidc-provider derives endpoint URLs from originalUrl minus url, i.e. from the mount path.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = raw;
    const rest = raw.slice(target.mountPath.length);
    req.url = rest.startsWith('/') ? rest : `/${rest}`;
    if (!options.sharedStore) {
      target.handle(req, res);
      return;
    }
    if (!options.sharedStore.ready()) {
      sendJson(res, 503, STORE_UNAVAILABLE, { 'retry-after': '1' });
      return;
    }
    issuer.refreshShared().then(
      () => target.handle(req, res),
      (error: unknown) => {
        logger.warn({ err: error, issuer: issuer.name }, 'shared store unreachable');
        if (!res.headersSent) sendJson(res, 503, STORE_UNAVAILABLE, { 'retry-after': '1' });
      },
    );
  };
}
