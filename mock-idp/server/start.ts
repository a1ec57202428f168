import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { hostname } from 'node:os';
import type { ClientMetadata } from 'oidc-provider';
import { loadConfig } from '../config/load.js';
import type { ClientSchema, MockIdpConfig, MockIdpConfigInput, UserSchema } from '../config/schema.js';
import type { Issuer, IssuerSummary } from '../issuer/issuer.js';
import {
  addRedirectUri,
  mergeClaims,
  removeClient,
  removeUser,
  retireKey,
  rotateKey,
  setClaims,
  upsertClient,
  upsertUser,
} from '../issuer/issuer-admin.js';
import { AdminInputError } from '../kernel/admin-input-error.js';
import { createLogger, type Logger } from '../log/logger.js';
import { RequestLog, type RequestLogFilter, type RequestRecord } from '../log/request-log.js';
import { isLoopbackName } from '../loopback.js';
import type { BuiltinProfileName } from '../profiles/index.js';
import { connectRedis } from '../store/connect.js';
import { RedisModelStore } from '../store/redis-store.js';
import { SharedRequestLog } from '../store/shared-request-log.js';
import { SharedState } from '../store/shared-state.js';
import type { User } from '../users/user-store.js';
import { hostName } from './admin-guard.js';
import { buildIssuers } from './build-issuers.js';
import { createDispatcher } from './dispatcher.js';
import { sendJson } from './respond.js';

type UserInput = import('zod').input<typeof UserSchema>;
type ClientInput = import('zod').input<typeof ClientSchema>;

export interface StartOptions extends Partial<MockIdpConfigInput> {
  /** A YAML or JSON config file; explicit options win over it. */
  configFile?: string | undefined;
  /** Read MOCK_IDP_* variables from this environment (the CLI passes process.env; code does not by default). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Use this pino logger instead of creating one. */
  logger?: Logger | undefined;
  /**
   * Serve on a socket that is already listening, instead of binding `host` and `port`: for a process that
   * binds the port before mock-idp has loaded, to hand out its URL early (the package's vitest globalSetup
   * does). The socket is taken over once every issuer is ready, so connections made meanwhile wait rather
   * than meet a 503. Those the server already accepted (paused, with pauseOnConnect) go in `accepted`.
   */
  listening?: { server: NetServer; accepted: Socket[] } | undefined;
}

/**
 * Issuer identifiers by issuer name. The names mock-idp is known to serve are
 * properties (the `profiles` started, or every built-in profile); any other
 * name, such as a configured issuer's, goes through the index signature, which
 * `noUncheckedIndexedAccess` reads as possibly undefined.
 */
export type IssuerUrls<Names extends string = BuiltinProfileName> = Readonly<Record<Names, string>> &
  Readonly<Record<string, string>>;

export interface MockIdp<Names extends string = BuiltinProfileName> {
  /** Public base URL, e.g. http://127.0.0.1:9400. */
  readonly url: string;
  readonly port: number;
  /** Issuer identifiers by issuer name: `idp.issuers.generic`. */
  readonly issuers: IssuerUrls<Names>;
  readonly config: MockIdpConfig;
  /** Everything mock-idp received, with secrets masked. */
  readonly requests: {
    list(filter?: RequestLogFilter): RequestRecord[];
    clear(filter?: Pick<RequestLogFilter, 'issuer' | 'clientId'>): number;
    /** The newest record's id: pass it as `sinceId` to see only later requests. */
    readonly lastId: number;
  };
  /** Issuer, clients and users of every issuer, as the banner prints them. */
  describe(): IssuerSummary[];
  /** The live issuer runtime, for advanced control. */
  issuer(name: string): Issuer;
  /** Runtime changes, the same as the /_admin HTTP API. Invalid input throws AdminInputError. */
  readonly admin: {
    upsertUser(issuer: string, user: UserInput): User;
    /** Replaces every claim of the user. */
    setClaims(issuer: string, sub: string, claims: Record<string, unknown>): User | undefined;
    /** Merges into the user's claims: named claims change, null removes one, the rest stay. */
    mergeClaims(issuer: string, sub: string, claims: Record<string, unknown>): User | undefined;
    removeUser(issuer: string, sub: string): boolean;
    upsertClient(issuer: string, client: ClientInput): Promise<ClientMetadata>;
    removeClient(issuer: string, clientId: string): boolean;
    /**
     * Adds one redirect URI to a client, keeping the rest of its registration; undefined when there is no such client.
     */
    addRedirectUri(issuer: string, clientId: string, redirectUri: string): Promise<string[] | undefined>;
    rotateKey(
      issuer: string,
      options?: { alg?: string; retirePrevious?: boolean },
    ): Promise<{ kid: string; retired: string[] }>;
    retireKey(issuer: string, kid: string): boolean;
    /** Makes one client's requests misbehave as the named scenario says (see scenarios in the README). */
    arm(issuer: string, clientId: string, scenario: string): void;
    disarm(issuer: string, clientId: string): boolean;
    /** Runs one issuer's clock `seconds` ahead (negative: behind); other issuers keep real time. */
    shiftClock(issuer: string, seconds: number): void;
    /** Seconds one issuer's clock runs ahead (negative: behind). */
    clockOffset(issuer: string): number;
    /** One issuer, or every issuer and the request log. */
    reset(issuer?: string): void;
    /**
     * With a shared store (Redis): resolves once every change made through `admin` has reached it, so
     * other replicas see it on their next request; rejects when one could not. In memory: resolves at once.
     */
    settled(issuer?: string): Promise<void>;
    /** With a shared store: picks up what other replicas changed, before reading state in process. */
    refresh(issuer?: string): Promise<void>;
  };
  /**
   * Stops accepting connections and waits for requests in flight to be answered,
   * then closes; whatever is still open at `deadlineMs` (default 5000) is cut.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

type Listening = NonNullable<StartOptions['listening']>;

/**
 * Takes over a listening socket: its next connections come to `server`, and those it holds are answered now.
 * The held ones are counted by the socket's first server, not by `server`, so `adopted` keeps them for close().
 */
function adopt(server: ReturnType<typeof createServer>, listening: Listening, adopted: Set<Socket>) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // server.listen(handle) with another server takes over its socket (Node's documented handle form).
    server.listen(listening.server, () => {
      server.off('error', reject);
      listening.server.removeAllListeners('connection');
      for (const socket of listening.accepted.splice(0)) {
        adopted.add(socket);
        socket.once('close', () => adopted.delete(socket));
        server.emit('connection', socket);
        socket.resume();
      }
      resolve();
    });
  });
}

/** Where a socket handed over listens, once it does; a socket that is not TCP has no URL to serve at. */
async function tcpAddress(server: NetServer): Promise<AddressInfo> {
  if (!server.listening) await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('listening.server is not listening on TCP');
  return address;
}

/** A start that failed lets go of a socket it was given: it stops listening, and what it held is closed. */
function release(listening: Listening): void {
  if (listening.server.listening) listening.server.close();
  for (const socket of listening.accepted.splice(0)) socket.destroy();
}

/** Starts mock-idp and resolves once every issuer answers. */
export async function startMockIdp<const Names extends string = BuiltinProfileName>(
  options: StartOptions & { profiles?: readonly Names[] | undefined } = {},
): Promise<MockIdp<Names>> {
  try {
    return await start(options);
  } catch (error) {
    if (options.listening) release(options.listening);
    throw error;
  }
}

async function start<const Names extends string>(
  options: StartOptions & { profiles?: readonly Names[] | undefined },
): Promise<MockIdp<Names>> {
  const { configFile, env, logger: givenLogger, listening, ...overrides } = options;
  const bound = listening && (await tcpAddress(listening.server));
  // Code that embeds mock-idp wants quiet tests; the CLI passes logLevel explicitly.
  const config = await loadConfig({
    file: configFile,
    env,
    defaults: { logLevel: 'warn' },
    overrides: bound ? { ...overrides, host: bound.address, port: bound.port } : overrides,
  });
  const logger = givenLogger ?? (await createLogger({ level: config.logLevel, format: config.logFormat }));
  const requestLog = new RequestLog(config.requestLogSize);

  let dispatch = (_req: IncomingMessage, res: ServerResponse) =>
    sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'mock-idp is starting' });
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer({ maxHeaderSize: config.limits.headerBytes }, (req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // While draining, a keep-alive connection gets its answer and is then closed.
    if (closing) res.setHeader('connection', 'close');
    dispatch(req, res);
  });
  server.keepAliveTimeout = 5000;
  // What Node's parser refuses (a body without framing, a malformed request line, headers
  // over the limit) never reaches the dispatcher; it still gets a JSON error, not Node's bare text.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    const body = JSON.stringify({
      error: 'invalid_request',
      error_description: status === 431 ? 'request headers too large' : 'malformed HTTP request',
    });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; ` +
        `charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: ` +
        `close\r\n\r\n${body}`,
    );
  });
  if (!listening) await listen(server, config.port, config.host);
  const port = listening ? config.port : (server.address() as AddressInfo).port;
  const url = (config.publicBaseUrl ?? `http://${urlHost(config.host)}:${port}`).replace(/\/$/, '');

  let issuers: Issuer[];
  let redis: Awaited<ReturnType<typeof connectRedis>> | undefined;
  try {
    redis = config.store === 'memory' ? undefined : await connectRedis(config.store);
    const shared = redis;
    issuers = await buildIssuers(
      config,
      url,
      logger,
      configFile,
      shared && ((name) => new RedisModelStore(shared, `mockidp:${name}:`)),
    );
    if (shared) {
      for (const issuer of issuers) {
        issuer.sharedState = new SharedState(shared, `mockidp:${issuer.name}:`);
        issuer.tokens.share(shared, `mockidp:${issuer.name}:`);
        // A restart (or a new replica) starts from what the others changed at run time.
        await issuer.refreshShared();
      }
    }
  } catch (error) {
    redis?.disconnect();
    if (!listening) server.close();
    throw error;
  }
  const sharedStore = redis && { ready: () => redis.status === 'ready' };
  const sharedLog = redis && new SharedRequestLog(redis, config.requestLogSize, `${hostname()}:${process.pid}:${port}`);
  dispatch = createDispatcher({
    issuers,
    requestLog,
    logger,
    sharedStore,
    admin: {
      sharedStore,
      sharedLog,
      requestLog,
      issuers: new Map(issuers.map((i) => [i.name, i])),
      adminToken: config.adminToken,
      loopbackOnly: isLoopbackName(config.host),
      bodyLimit: config.limits.adminBodyBytes,
      allowedHosts: new Set([
        ...config.allowedHosts.map((h) => hostName(h) ?? h.toLowerCase()),
        new URL(url).hostname.replace(/^\[|\]$/g, ''),
      ]),
    },
  });

  const adopted = new Set<Socket>();
  if (listening) await adopt(server, listening, adopted);

  const byName = new Map(issuers.map((i) => [i.name, i]));
  const issuerNamed = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new AdminInputError(`no issuer named "${name}" (have: ${[...byName.keys()].join(', ')})`);
    return found;
  };
  return {
    url,
    port,
    config,
    issuers: Object.freeze(Object.fromEntries(issuers.map((i) => [i.name, i.issuer]))) as IssuerUrls<Names>,
    requests: {
      list: (filter) => requestLog.list(filter),
      clear: (filter) => requestLog.clear(filter),
      get lastId() {
        return requestLog.lastId;
      },
    },
    describe: () => issuers.map((i) => i.summary()),
    issuer: issuerNamed,
    admin: {
      upsertUser: (issuer, user) => upsertUser(issuerNamed(issuer), user),
      setClaims: (issuer, sub, claims) => setClaims(issuerNamed(issuer), sub, claims),
      mergeClaims: (issuer, sub, claims) => mergeClaims(issuerNamed(issuer), sub, claims),
      removeUser: (issuer, sub) => removeUser(issuerNamed(issuer), sub),
      upsertClient: (issuer, client) => upsertClient(issuerNamed(issuer), client),
      removeClient: (issuer, clientId) => removeClient(issuerNamed(issuer), clientId),
      addRedirectUri: (issuer, clientId, redirectUri) => addRedirectUri(issuerNamed(issuer), clientId, redirectUri),
      rotateKey: (issuer, options) => rotateKey(issuerNamed(issuer), options),
      retireKey: (issuer, kid) => retireKey(issuerNamed(issuer), kid),
      arm: (issuer, clientId, scenario) => {
        issuerNamed(issuer).arm(clientId, scenario);
      },
      shiftClock: (issuer, seconds) => issuerNamed(issuer).shiftClock(seconds),
      clockOffset: (issuer) => issuerNamed(issuer).clockOffset,
      disarm: (issuer, clientId) => issuerNamed(issuer).disarm(clientId),
      reset: (issuer) => {
        for (const target of issuer ? [issuerNamed(issuer)] : issuers) target.reset();
        if (!issuer) requestLog.clear();
      },
      settled: async (issuer) => {
        await Promise.all((issuer ? [issuerNamed(issuer)] : issuers).map((target) => target.settled()));
      },
      refresh: async (issuer) => {
        await Promise.all((issuer ? [issuerNamed(issuer)] : issuers).map((target) => target.refreshShared()));
      },
    },
    close: ({ deadlineMs = 5000 } = {}) =>
      new Promise<void>((resolve, reject) => {
        // Stop accepting, let requests in flight finish, then cut whatever is left at the deadline.
        closing = true;
        const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
        deadline.unref();
        server.close((error) => {
          // Connections held before the server was ready are not counted by `server`: wait for them too.
          Promise.all([...adopted].map((socket) => once(socket, 'close'))).then(() => {
            clearTimeout(deadline);
            redis?.disconnect();
            if (error) reject(error);
            else resolve();
          });
        });
        server.closeIdleConnections();
        if (inFlight.size === 0) server.closeAllConnections();
        else {
          for (const res of inFlight) {
            if (!res.headersSent) res.setHeader('connection', 'close');
            res.once('close', () => server.closeIdleConnections());
          }
        }
      }),
  };
}
