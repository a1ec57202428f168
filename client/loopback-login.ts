import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientAuthentication, none } from './client-auth.js';
import { ConfigurationError, LoopbackLoginError } from './errors.js';
import { FlowManager, type FlowManagerOptions, type FlowResult } from './flow-manager.js';
import { failurePage, notFoundPage, type Page, successPage } from './loopback-pages.js';
import { type Preset, type PresetName, type PresetOptions, presets } from './presets.js';

export interface LoopbackLoginOptions {
  /** The provider's issuer, for OIDC discovery (with preset 'stackexchange': its base URL). */
  issuer: string;
  /**
   * The provider's defaults (scope, assertion audience, protocol...): a preset
   * name, or a Preset function for anything else. Default: plain discovery.
   */
  preset?: PresetName | Preset;
  clientId: string;
  /** Default none(): a secret shipped in a command-line tool is no secret (RFC 8252 8.5). */
  clientAuth?: ClientAuthentication;
  /** Default: the preset's scope, or ['openid']. */
  scope?: string | readonly string[];
  loginHint?: string;
  /** How long the whole login may take, browser included. Default 120 000. */
  timeoutMs?: number;
  /** Sends the user to the authorization URL. Default: print it to stderr (no browser is launched). */
  openBrowser?: (url: string) => void | Promise<void>;
  /** The loopback port. Default 0: one the OS picks, so two logins never collide. */
  port?: number;
  signal?: AbortSignal;
}

// Never 0.0.0.0: the callback carries the authorization code, and only this machine may deliver it.
const LOOPBACK_HOST = '127.0.0.1';
const CALLBACK_PATH = '/callback';
// One login per call, so the store holds exactly one user.
const USER_KEY = 'loopback';
const MAX_TIMEOUT_MS = 2 ** 31 - 1; // beyond this setTimeout fires at once

/**
 * RFC 8252 login for command-line tools: a one-shot HTTP server on
 * 127.0.0.1 receives the authorization response, the code is exchanged with
 * PKCE, and the browser is told how it went. The server is closed whatever
 * happens.
 */
export async function loopbackLogin(options: LoopbackLoginOptions): Promise<FlowResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new ConfigurationError(`timeoutMs must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigurationError('port must be an integer from 0 to 65535');
  if (options.signal?.aborted) throw abortError(options.signal);

  const stop = stopConditions(timeoutMs, options.signal);
  const server = new CallbackServer();
  try {
    const redirectUri = await Promise.race([server.listen(port), stop.promise]);
    const flows = new FlowManager(flowManagerOptions(options, redirectUri, timeoutMs));
    return await Promise.race([login(flows, server, options), stop.promise]);
  } catch (error) {
    // A browser still waiting (timeout or abort during the token exchange) must not hang.
    server.answer(failurePage(error));
    throw error;
  } finally {
    stop.dispose();
    await server.close();
  }
}

async function login(flows: FlowManager, server: CallbackServer, options: LoopbackLoginOptions): Promise<FlowResult> {
  const url = await flows.start(USER_KEY, options.loginHint ? { loginHint: options.loginHint } : {});
  // Not awaited before the callback: a browser driver may only settle once it has our answer page.
  const callback = await Promise.race([server.callback, openInBrowser(url.href, options.openBrowser ?? printUrl)]);
  try {
    const result = await flows.finish(USER_KEY, callback);
    server.answer(successPage());
    return result;
  } catch (error) {
    server.answer(failurePage(error));
    throw error;
  }
}

function flowManagerOptions(options: LoopbackLoginOptions, redirectUri: string, timeoutMs: number): FlowManagerOptions {
  const client: PresetOptions = {
    clientId: options.clientId,
    clientAuth: options.clientAuth ?? none(),
    redirectUri,
    // The pending state must outlive the wait for the browser.
    pendingTtlSeconds: Math.ceil(timeoutMs / 1000) + 60,
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
  };
  if (options.preset === undefined) return { issuer: options.issuer, ...client };
  if (typeof options.preset === 'function') return options.preset(options.issuer, client);
  // Own keys only: 'toString' is no preset.
  if (!Object.hasOwn(presets, options.preset))
    throw new ConfigurationError(`unknown preset "${String(options.preset)}"`);
  return presets[options.preset](options.issuer, client);
}

function printUrl(url: string): void {
  process.stderr.write(`Open this URL in a browser to log in:\n\n  ${url}\n\n`);
}

/** Rejects if the caller's openBrowser fails; never resolves, the callback does. */
function openInBrowser(url: string, open: (url: string) => void | Promise<void>): Promise<never> {
  return new Promise<never>((_, reject) => {
    Promise.resolve()
      .then(() => open(url))
      .catch((cause: unknown) => {
        const reason = cause instanceof Error ? cause.message : String(cause);
        reject(new LoopbackLoginError('loopback_browser_failed', `openBrowser failed: ${reason}`, { cause }));
      });
  });
}

function abortError(signal: AbortSignal): LoopbackLoginError {
  return new LoopbackLoginError('loopback_aborted', 'the login was cancelled', { cause: signal.reason });
}

function stopConditions(
  timeoutMs: number,
  signal: AbortSignal | undefined,
): { promise: Promise<never>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new LoopbackLoginError('loopback_timeout', `the login did not complete within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    if (signal) {
      onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    promise,
    dispose() {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The callback URL holds the code: nothing on our pages may leak it or run.
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // One-shot: no connection should outlive its answer and hold close() up.
  connection: 'close',
};

function send(res: ServerResponse, page: Page, headers: Record<string, string> = {}): void {
  res.writeHead(page.status, { ...PAGE_HEADERS, ...headers });
  res.end(page.html);
}

/**
 * The loopback listener: takes the first GET /callback, keeps its response
 * open until answer(), and 404s everything else without consuming the login.
 */
class CallbackServer {
  readonly #server: Server;
  #listening: Promise<unknown> | undefined;
  #redirectUri: string | undefined;
  #pending: ServerResponse | undefined;
  // False once a callback came or the login ended: a late or second callback finds nothing to complete.
  #waiting = true;
  #resolveCallback!: (url: URL) => void;
  /** The first callback's URL. */
  readonly callback: Promise<URL>;

  constructor() {
    this.callback = new Promise<URL>((resolve) => {
      this.#resolveCallback = resolve;
    });
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  /** Binds 127.0.0.1 and returns the redirect URI with the bound port. */
  listen(port: number): Promise<string> {
    const listening = new Promise<string>((resolve, reject) => {
      const onError = (cause: NodeJS.ErrnoException) => {
        reject(
          new LoopbackLoginError(
            'loopback_listen_failed',
            `cannot listen on ${LOOPBACK_HOST}:${port}: ${cause.code ?? cause.message}`,
            { cause },
          ),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen({ host: LOOPBACK_HOST, port, exclusive: true }, () => {
        this.#server.off('error', onError);
        const bound = (this.#server.address() as AddressInfo).port;
        this.#redirectUri = `http://${LOOPBACK_HOST}:${bound}${CALLBACK_PATH}`;
        resolve(this.#redirectUri);
      });
    });
    this.#listening = listening;
    return listening;
  }

  /** Answers the callback's browser, once; later calls do nothing. */
  answer(page: Page): void {
    const res = this.#pending;
    this.#pending = undefined;
    if (res && !res.headersSent) send(res, page);
  }

  async close(): Promise<void> {
    this.#waiting = false;
    await this.#listening?.catch(() => undefined);
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      // A connection stuck mid-request would hold close() forever; answered ones end by themselves.
      setTimeout(() => this.#server.closeAllConnections(), 1000).unref();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    // Appended to our own origin, so '//host/callback' or an absolute-form target cannot pose as the callback.
    let url: URL | undefined;
    try {
      url = new URL(`${this.#redirectUri!.slice(0, -CALLBACK_PATH.length)}${req.url ?? '/'}`);
    } catch {
      url = undefined;
    }
    if (url?.pathname !== CALLBACK_PATH) return send(res, notFoundPage());
    if (req.method !== 'GET') return send(res, { ...notFoundPage(), status: 405 }, { allow: 'GET' });
    if (!this.#waiting) return send(res, failurePage(new Error('this login is no longer waiting for a callback')));
    this.#waiting = false;
    this.#pending = res;
    this.#resolveCallback(url);
  }
}
