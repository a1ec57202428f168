import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config/load.js';
import type { MockIdpConfig, MockIdpConfigInput } from '../config/schema.js';
import type { Issuer, IssuerSummary } from '../issuer/issuer.js';
import { createLogger, type Logger } from '../log/logger.js';
import { RequestLog, type RequestLogFilter, type RequestRecord } from '../log/request-log.js';
import { buildIssuers } from './build-issuers.js';
import { createDispatcher } from './dispatcher.js';
import { sendJson } from './respond.js';

export interface StartOptions extends Partial<MockIdpConfigInput> {
  /** A YAML or JSON config file; explicit options win over it. */
  configFile?: string | undefined;
  /** Read MOCK_IDP_* variables from this environment (the CLI passes process.env; code does not by default). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Use this pino logger instead of creating one. */
  logger?: Logger | undefined;
}

export interface MockIdp {
  /** Public base URL, e.g. http://127.0.0.1:9400. */
  readonly url: string;
  readonly port: number;
  /** Issuer identifiers by issuer name: `idp.issuers.generic`. */
  readonly issuers: Readonly<Record<string, string>>;
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
  close(): Promise<void>;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
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

/** Starts mock-idp and resolves once every issuer answers. */
export async function startMockIdp(options: StartOptions = {}): Promise<MockIdp> {
  const { configFile, env, logger: givenLogger, ...overrides } = options;
  // Code that embeds mock-idp wants quiet tests; the CLI passes logLevel explicitly.
  const config = await loadConfig({ file: configFile, env, defaults: { logLevel: 'warn' }, overrides });
  const logger = givenLogger ?? (await createLogger({ level: config.logLevel, format: config.logFormat }));
  const requestLog = new RequestLog(config.requestLogSize);

  let dispatch = (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'mock-idp is starting' });
  const server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => dispatch(req, res));
  server.keepAliveTimeout = 5000;
  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  const url = (config.publicBaseUrl ?? `http://${urlHost(config.host)}:${port}`).replace(/\/$/, '');

  let issuers: Issuer[];
  try {
    issuers = await buildIssuers(config, url, logger);
  } catch (error) {
    server.close();
    throw error;
  }
  dispatch = createDispatcher({
    issuers,
    requestLog,
    logger,
    admin: { requestLog, adminToken: config.adminToken, loopbackOnly: isLoopbackHost(config.host) },
  });

  const byName = new Map(issuers.map((i) => [i.name, i]));
  return {
    url,
    port,
    config,
    issuers: Object.freeze(Object.fromEntries(issuers.map((i) => [i.name, i.issuer]))),
    requests: {
      list: (filter) => requestLog.list(filter),
      clear: (filter) => requestLog.clear(filter),
      get lastId() { return requestLog.lastId; },
    },
    describe: () => issuers.map((i) => i.summary()),
    issuer(name) {
      const found = byName.get(name);
      if (!found) throw new Error(`no issuer named "${name}" (have: ${[...byName.keys()].join(', ')})`);
      return found;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
