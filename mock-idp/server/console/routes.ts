import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Issuer } from '../../issuer/issuer.js';
import { recordOf } from '../../kernel/evidence.js';
import { BodyTooLarge, readLimited } from '../../kernel/form-body.js';
import type { Logger } from '../../log/logger.js';
import type { RequestLog } from '../../log/request-log.js';
import { scenarios } from '../../scenarios/index.js';
import type { AdminOptions } from '../admin.js';
import { sendHtml, sendJson } from '../respond.js';
import { admitAsAdmin } from './access.js';
import { EVENTS_PATH, streamLog } from './log-stream.js';
import { renderLoginResult } from './login-result.js';
import { renderConsole } from './page.js';
import { CALLBACK_PATH, ConsoleLoginError, ConsoleLogins } from './try-login.js';

export interface ConsoleOptions {
  issuers: readonly Issuer[];
  requestLog: RequestLog;
  admin: AdminOptions;
  logger: Logger;
}

const notFound = (res: ServerResponse, path: string) =>
  sendJson(res, 404, { error: 'not_found', error_description: `no console route ${path}; the console is at /` });

function methodNotAllowed(res: ServerResponse, method: string | undefined, path: string, allow: string): void {
  sendJson(res, 405, { error: 'invalid_request', error_description: `${method} is not allowed on ${path}` }, { allow });
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | string> {
  let text: string;
  try {
    text = (await readLimited(req, 16 * 1024)).trim();
  } catch (error) {
    if (error instanceof BodyTooLarge) return 'request body over 16 KiB';
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : 'body must be a JSON object';
  } catch (cause) {
    return `body is not JSON: ${(cause as Error).message}`;
  }
}

/** Where the browser that asked will land: its own origin (the gate has checked it), else the Host it used. */
function callbackUrl(req: IncomingMessage): string {
  const origin = req.headers.origin;
  const base = origin && origin !== 'null' ? origin : `http://${req.headers.host ?? '127.0.0.1'}`;
  return new URL(CALLBACK_PATH, base).href;
}

/** The web console: the page at "/", its event stream, the secret reveal, and the try-a-login flow. */
export function createConsole(options: ConsoleOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const byName = new Map(options.issuers.map((i) => [i.name, i]));
  const logins = new ConsoleLogins();
  const scenarioNames = () => [...scenarios.keys()].sort();

  const startLogin = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJsonObject(req);
    if (typeof body === 'string') return sendJson(res, 400, { error: 'invalid_request', error_description: body });
    const { issuer: name, client_id: clientId } = body;
    if (typeof name !== 'string' || typeof clientId !== 'string') {
      return sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'body must be {"issuer": "<name>", "client_id": "<client>"}',
      });
    }
    const issuer = byName.get(name);
    if (!issuer)
      return sendJson(res, 404, {
        error: 'not_found',
        error_description: `no issuer named "${name}" (have: ${[...byName.keys()].join(', ')})`,
      });
    try {
      const url = await logins.start(issuer, clientId, callbackUrl(req));
      return sendJson(res, 200, { authorization_url: url.href });
    } catch (error) {
      if (error instanceof ConsoleLoginError)
        return sendJson(res, 400, { error: 'invalid_request', error_description: error.message });
      // The console reaches its own issuer over HTTP: a failure there is the IdP's, reported as such.
      options.logger.warn({ err: error, issuer: name }, 'console login could not start');
      return sendJson(res, 502, {
        error: 'temporarily_unavailable',
        error_description: `the issuer did not answer the console: ${(error as Error).message}`,
      });
    }
  };

  const finishLogin = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const outcome = await logins.finish(url);
    if (!outcome) {
      return sendJson(res, 400, {
        error: 'invalid_request',
        error_description:
          'no console login is waiting for this state (used already, expired after 10 minutes, or ' +
          'never started); start one from the console at /',
      });
    }
    const record = recordOf(req);
    if (record) {
      record.issuer = outcome.issuer.name;
      record.clientId = outcome.clientId;
      record.route = 'console_callback';
      // The callback answers 200 either way; what the client made of the response is the finding.
      if (outcome.error)
        record.notes = [
          ...(record.notes ?? []),
          `the console (as a strict client) refused the response: ${outcome.error}`,
        ];
    }
    sendHtml(res, 200, await renderLoginResult(outcome));
  };

  return (req, res, url) => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const fail = (error: unknown) => {
      options.logger.error({ err: error, path }, 'console request failed');
      if (!res.headersSent)
        sendJson(res, 500, { error: 'server_error', error_description: 'the console request failed; see the log' });
    };
    if (path === '/') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, method, path, 'GET, HEAD');
      return sendHtml(res, 200, renderConsole(options.issuers, scenarioNames()));
    }
    if (path === CALLBACK_PATH) {
      // Reached by the issuer's redirect, so no admin token: the single-use state is the capability.
      if (method !== 'GET') return methodNotAllowed(res, method, path, 'GET');
      finishLogin(req, res, url).catch(fail);
      return;
    }
    const routes: Record<string, string> = {
      [EVENTS_PATH]: 'GET',
      '/_console/secret': 'GET',
      '/_console/logins': 'POST',
    };
    const allowed = routes[path];
    if (!allowed) return notFound(res, path);
    if (method !== allowed) return methodNotAllowed(res, method, path, allowed);
    if (!admitAsAdmin(req, res, options.admin)) return;
    if (path === EVENTS_PATH) return streamLog(req, res, url, options.requestLog, options.admin.issuers);
    // With a shared store, another replica may have made the change just asked about (the
    // console callback registered, a client added): pick it up first, as the admin API does.
    const refreshed = options.admin.sharedStore
      ? Promise.all(options.issuers.map((i) => i.refreshShared()))
      : Promise.resolve();
    const unreachable = () =>
      sendJson(
        res,
        503,
        {
          error: 'temporarily_unavailable',
          error_description: 'the shared store (Redis) is unreachable; retry shortly',
        },
        { 'retry-after': '1' },
      );
    refreshed
      .then(() => (path === '/_console/logins' ? startLogin(req, res) : revealSecret(res, url)), unreachable)
      .catch(fail);
  };

  function revealSecret(res: ServerResponse, url: URL): void {
    const issuer = byName.get(url.searchParams.get('issuer') ?? '');
    const client = issuer?.clients.find((c) => c.client_id === url.searchParams.get('client_id'));
    if (!client)
      return sendJson(res, 404, {
        error: 'not_found',
        error_description: 'no such issuer and client_id (pass ?issuer=<name>&client_id=<id>)',
      });
    if (typeof client.client_secret !== 'string')
      return sendJson(res, 404, { error: 'not_found', error_description: `${client.client_id} has no client secret` });
    return sendJson(res, 200, { client_id: client.client_id, client_secret: client.client_secret });
  }
}
