import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type ClientMetadata } from 'oidc-provider';
import type { IssuerConfig } from '../config/schema.js';
import type { SigningKey } from '../keys/key-set.js';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import type { Middleware, Profile, ProfileContext, QuirkContext, SignOptions } from '../kernel/plugin-types.js';
import type { Routes } from '../kernel/routes.js';
import { setClockOffset } from '../kernel/clock.js';
import { TokenFacade } from '../kernel/token-facade.js';
import { unwrapPresentedTokens } from './unwrap-tokens.js';
import { scenarioMiddleware } from '../scenarios/engine.js';
import { findScenario, MAX_COMPOSED, scenarios, type Scenario } from '../scenarios/index.js';
import { ScenarioRun } from '../scenarios/run.js';
import { whyNotOffered } from '../scenarios/offered.js';
import { AdminInputError } from '../kernel/admin-input-error.js';
import { LRUCache } from 'lru-cache';
import type { UserStore } from '../users/user-store.js';
import type { Logger } from '../log/logger.js';
import { guarded } from './error-boundary.js';
import { explainErrors } from './error-detail.js';
import type { ErrorHelpContext } from './error-help.js';
import { evidenceMiddleware } from '../kernel/evidence.js';
import { frontChannelMiddleware } from './front-channel.js';
import { headlessLogin } from './headless-login.js';
import { interactionRoutes } from './interactions.js';
import { answerJsonWithoutFetch } from './json-answers.js';
import { buildProviderConfig } from './provider-config.js';
import { patchSessionPersist } from './session-persist.js';
import { unroutedAsJson } from './unrouted.js';
import { prefetchPresentedTokens } from './prefetch-tokens.js';
import { unknownClientFields } from '../clients/unknown-fields.js';
import { IssuerStore } from './store.js';
import type { RedisModelStore } from '../store/redis-store.js';
import type { IssuerSnapshot, SharedState } from '../store/shared-state.js';

export interface IssuerInit {
  config: IssuerConfig;
  /** A scenario every request to this issuer gets: set on the issuers under /s/<scenario>. */
  fixedScenario?: Scenario | undefined;
  profile: Profile;
  /** Issuer identifier, e.g. http://localhost:9400/generic (or .../auth0/ with its slash). */
  issuer: string;
  /** Mount path without a trailing slash. */
  mountPath: string;
  publicOrigin: string;
  /** The admin API's base URL, which error pages quote in their fixes; defaults to <publicOrigin>/_admin. */
  adminUrl?: string | undefined;
  clients: ClientMetadata[];
  users: UserStore;
  keys: SigningKey[];
  loginMode: 'headless' | 'page';
  storeSize: number;
  logger: Logger;
  /**
   * The store and token map of the issuer a scenario copy is made from: copies
   * share them, so memory is bounded by one store's size however many copies run.
   */
  shared?: { store: ModelStore; tokens: TokenFacade } | undefined;
  /** A store other than the bounded memory one (Redis), for this issuer and its scenario copies. */
  modelStore?: ModelStore | undefined;
}

/** Where oidc-provider's entities live: the bounded memory store, or Redis. */
export type ModelStore = IssuerStore | RedisModelStore;

export interface IssuerSummary {
  name: string;
  profile: string;
  issuer: string;
  /** The discovery URL; plain OAuth 2 profiles have none and list their endpoints instead. */
  discovery?: string | undefined;
  endpoints?: { authorization: string; token: string } | undefined;
  login: 'headless' | 'page';
  clients: { client_id: string; token_endpoint_auth_method: string; redirect_uris: string[] }[];
  users: { sub: string; username?: string | undefined; email?: unknown }[];
}

/**
 * oidc-provider answers an adapter failure as a 500 server_error. When the
 * failure is Redis going away, it is an outage the client should retry: 503.
 */
function storeOutageAs503(redis: { status: string }): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status >= 500 && redis.status !== 'ready') {
      ctx.status = 503;
      ctx.set('retry-after', '1');
      ctx.body = { error: 'temporarily_unavailable', error_description: 'the shared store (Redis) is unreachable; retry shortly' };
    }
  };
}

/**
 * A full store pushes out live codes, sessions and tokens, which then fail as
 * if revoked. That is worth a warning, but under load it happens per request:
 * one line at once, then one per ten seconds with the count.
 */
function evictionWarning(issuer: string, storeSize: number, logger: Logger): (model: string) => void {
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending) logger.warn({ issuer, evicted: pending, storeSize }, `store full: ${pending} more unexpired entries pushed out; they now fail as unknown. Raise storeSize`);
    pending = 0;
  };
  return (model) => {
    if (timer) {
      pending += 1;
      return;
    }
    logger.warn({ issuer, model, storeSize }, `store full: an unexpired ${model} was pushed out and now fails as unknown. Raise storeSize`);
    timer = setTimeout(flush, 10_000);
    timer.unref();
  };
}

/**
 * One issuer: an oidc-provider instance behind a stable handle. The instance can
 * be rebuilt (new claim names, new keys) while codes, sessions and tokens live on
 * in the issuer's own store, so in-flight logins survive the swap.
 */
export class Issuer {
  readonly name: string;
  readonly profile: Profile;
  readonly issuer: string;
  readonly mountPath: string;
  /** Hosts this issuer answers for (its own and aliases); empty when it is found by path alone. */
  readonly hosts: readonly string[];
  readonly users: UserStore;
  readonly store: ModelStore;
  /** Set in shared-store mode: run-time changes are published to, and picked up from, Redis. */
  sharedState: SharedState | undefined;
  readonly profileContext: ProfileContext;
  readonly tokens: TokenFacade;
  clients: ClientMetadata[];
  keys: SigningKey[];
  loginMode: 'headless' | 'page';
  readonly #config: IssuerConfig;
  readonly #publicOrigin: string;
  readonly #logger: Logger;
  #provider!: Provider;
  #callback!: (req: IncomingMessage, res: ServerResponse) => void;
  #releasedClaims = new Set<string>();
  readonly #initial: { clients: ClientMetadata[]; users: ReturnType<UserStore['list']>; keys: SigningKey[]; defaultUser: string | undefined };

  constructor(init: IssuerInit) {
    this.name = init.config.name;
    this.profile = init.profile;
    this.issuer = init.issuer;
    this.mountPath = init.mountPath;
    this.hosts = init.config.host ? [init.config.host, ...init.config.aliases] : [];
    this.users = init.users;
    this.clients = init.clients;
    this.keys = init.keys;
    this.loginMode = init.loginMode;
    this.store = init.shared?.store ?? init.modelStore ?? new IssuerStore(init.storeSize, evictionWarning(init.config.name, init.storeSize, init.logger));
    this.tokens = init.shared?.tokens ?? new TokenFacade(init.storeSize);
    this.#config = init.config;
    this.#publicOrigin = init.publicOrigin;
    this.#logger = init.logger;
    this.#init = init;
    this.profileContext = { issuer: init.issuer, mountPath: init.mountPath, tenant: init.config.tenant, lenient: init.config.lenient };
    this.#initial = {
      clients: [...init.clients],
      users: init.users.list().map((u) => ({ ...u, claims: structuredClone(u.claims) })),
      keys: [...init.keys],
      defaultUser: init.users.defaultUser()?.sub,
    };
    // Built at first use: a server mounting every profile pays only for the issuers it is asked about.
    this.#stale = true;
  }

  readonly #armed = new Map<string, ScenarioRun>();
  readonly #init: IssuerInit;
  // Instances are made per test run (<scenario>~<instance>), so they are bounded: the oldest unused go.
  readonly #scenarioIssuers = new LRUCache<string, Issuer>({ max: 64 });
  #fixedRun: ScenarioRun | undefined;

  /**
   * The issuer at <issuer>/s/<scenario>, or <issuer>/s/<scenario>~<instance>,
   * made on first use: same clients, users and keys, but every response
   * carries the scenario's faults, including JWKS and discovery faults, which
   * no client_id could select. An instance has its own run (its own rotation,
   * its own request log name), so parallel tests of one scenario stay apart.
   */
  scenarioIssuer(segment: string): Issuer | undefined {
    const existing = this.#scenarioIssuers.get(segment);
    if (existing) return existing;
    const scenario = findScenario(segment.split('~')[0]!);
    if (!scenario || this.#init.fixedScenario || this.#whyNotOffered(scenario, false)) return undefined;
    const base = this.issuer.replace(/\/$/, '');
    const child = new Issuer({
      ...this.#init,
      config: { ...this.#init.config, name: `${this.name}~${segment}` },
      issuer: `${base}/s/${segment}`,
      mountPath: `${this.mountPath}/s/${segment}`,
      clients: this.clients,
      keys: this.keys,
      fixedScenario: scenario,
      shared: { store: this.store, tokens: this.tokens },
    });
    this.#scenarioIssuers.set(segment, child);
    return child;
  }
  /**
   * Drops the scenario issuer instance at <issuer>/s/<segment> (its clients' codes,
   * sessions and run state go with it): a test that made a `~<instance>` for itself
   * hands it back when done, so memory follows the tests in flight, not the LRU's size.
   */
  releaseScenarioIssuer(segment: string): boolean {
    return this.#scenarioIssuers.delete(segment);
  }

  #clockOffset = 0;

  /** Seconds this issuer's clock runs ahead (negative: behind) of real time. */
  get clockOffset(): number {
    return this.#clockOffset;
  }

  /** Shifts this issuer's clock only: its tokens, expiry checks and sessions. */
  shiftClock(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new Error('clock offset must be a finite number of seconds');
    this.#clockOffset = Math.trunc(seconds);
    if (this.#provider) setClockOffset(this.#provider, this.#clockOffset);
    this.changed();
  }

  /**
   * Binds a named scenario to one client of this issuer: only that client's
   * requests misbehave, so tests using other clients run alongside unaffected.
   */
  arm(clientId: string, scenarioName: string): Scenario {
    const scenario = findScenario(scenarioName);
    if (!scenario) throw new AdminInputError(`unknown scenario "${scenarioName}" (${scenarios.size} known, up to ${MAX_COMPOSED} joined with +: see GET /_admin/scenarios)`);
    const notOffered = this.#whyNotOffered(scenario, true);
    if (notOffered) throw new AdminInputError(`issuer ${this.name} cannot serve it: ${notOffered}`);
    this.#armed.set(clientId, new ScenarioRun(scenario));
    this.changed();
    return scenario;
  }

  #whyNotOffered(scenario: Scenario, armedOnClient: boolean): string | undefined {
    const config = this.profile.providerConfig?.(this.profileContext);
    return whyNotOffered(scenario, {
      openid: this.profile.discovery !== false,
      keys: this.keys,
      idTokenAlgs: config?.enabledJWA?.idTokenSigningAlgValues,
      signsUserinfo: config?.features?.jwtUserinfo?.enabled === true,
      armedOnClient,
    });
  }

  /**
   * Why this issuer cannot serve the named scenario (unknown, or faults it has
   * nothing to serve with), armed on a client or on a scenario issuer URL; undefined when it can.
   */
  whyNotOffered(scenarioName: string, options: { armedOnClient?: boolean } = {}): string | undefined {
    const scenario = findScenario(scenarioName);
    return scenario ? this.#whyNotOffered(scenario, options.armedOnClient ?? false) : `unknown scenario "${scenarioName}"`;
  }

  disarm(clientId: string): boolean {
    const removed = this.#armed.delete(clientId);
    if (removed) this.changed();
    return removed;
  }

  /** Publishes a run-time change to the other replicas (shared-store mode only). */
  changed(): void {
    this.sharedState?.publish(this).catch((error: unknown) => this.#logger.error({ err: error, issuer: this.name }, 'could not publish a change to the shared store'));
  }

  /** Resolves once the last change reached the shared store; rejects when it could not. */
  settled(): Promise<void> {
    return this.sharedState?.settled() ?? Promise.resolve();
  }

  /** Picks up changes another replica published (shared-store mode only). */
  refreshShared(): Promise<void> {
    return this.sharedState?.refresh(this) ?? Promise.resolve();
  }

  snapshot(): IssuerSnapshot {
    return {
      clients: this.clients,
      users: this.users.list(),
      defaultUser: this.users.defaultUser()?.sub,
      keys: this.keys,
      clockOffset: this.#clockOffset,
      armed: Object.fromEntries([...this.#armed].map(([clientId, run]) => [clientId, run.scenario.name])),
    };
  }

  applySnapshot(state: IssuerSnapshot): void {
    this.clients = state.clients;
    this.keys = state.keys;
    this.users.replaceAll(state.users, state.defaultUser);
    this.#clockOffset = state.clockOffset;
    for (const clientId of [...this.#armed.keys()]) if (!(clientId in state.armed)) this.#armed.delete(clientId);
    for (const [clientId, name] of Object.entries(state.armed)) {
      const scenario = findScenario(name);
      // A run already under way on this replica keeps its progress.
      if (scenario && this.#armed.get(clientId)?.scenario.name !== name) this.#armed.set(clientId, new ScenarioRun(scenario));
    }
    this.rebuild();
  }

  scenarioFor(clientId: string | undefined): Scenario | undefined {
    return this.runFor(clientId)?.scenario;
  }

  /** The scenario run a request of this client takes part in: the issuer's own on a scenario issuer. */
  runFor(clientId: string | undefined): ScenarioRun | undefined {
    if (this.#init.fixedScenario) return (this.#fixedRun ??= new ScenarioRun(this.#init.fixedScenario));
    return clientId === undefined ? undefined : this.#armed.get(clientId);
  }

  #rotatedKeys(): SigningKey[] {
    const runs = this.#fixedRun ? [this.#fixedRun] : [...this.#armed.values()];
    return runs.flatMap((run) => (run.rotatedKey ? [run.rotatedKey] : []));
  }

  /** Back to the configured clients, users and keys, with every code, session and token dropped. */
  reset(): void {
    this.#armed.clear();
    this.#scenarioIssuers.clear();
    this.#fixedRun = undefined;
    this.#clockOffset = 0;
    this.clients = [...this.#initial.clients];
    this.keys = [...this.#initial.keys];
    this.users.replaceAll(this.#initial.users.map((u) => ({ ...u, claims: structuredClone(u.claims) })), this.#initial.defaultUser);
    if (!this.#init.shared) {
      this.store.clear();
      this.tokens.clear();
    }
    this.rebuild();
    this.changed();
  }

  get provider(): Provider {
    if (this.#stale) this.rebuild();
    return this.#provider;
  }

  /** Serves a request whose url has already been stripped of the mount path. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.#stale) this.rebuild();
    this.#callback(req, res);
  }

  #stale = false;
  #jwksRoute: string | undefined;
  #routes: Routes | undefined;

  /** The issuer's endpoint paths, relative to its mount path. */
  get routes(): Routes {
    // Set by every rebuild, and an issuer is stale until its first one.
    if (this.#stale) this.rebuild();
    return this.#routes!;
  }

  /** Builds a fresh oidc-provider instance from the current clients, users and keys. */
  rebuild(): void {
    const configuration = buildProviderConfig({
      profile: this.profile,
      profileContext: this.profileContext,
      clients: this.clients,
      users: this.users,
      keys: this.keys,
      store: this.store,
      cookiePrefix: `mockidp_${this.name.replace(/-/g, '_')}`,
      features: this.#config.features,
      ttl: this.#config.ttl,
      loginMode: () => this.loginMode,
      errorHelp: this.#errorHelp(),
    });
    if (this.#init.fixedScenario?.jwksPath === 'per-instance') {
      // Fixed for the instance's life: rebuilds must not move the keys from under a client that found them.
      this.#jwksRoute ??= `/jwks-${randomBytes(8).toString('hex')}`;
      configuration.routes = { ...configuration.routes, jwks: this.#jwksRoute };
    }
    const provider = new Provider(this.issuer, configuration);
    provider.proxy = true;
    patchSessionPersist(provider);
    const routes = configuration.routes as Routes;
    this.#routes = routes;
    const quirkContext: QuirkContext = {
      ...this.profileContext,
      routes,
      users: this.users,
      tokens: this.tokens,
      provider: () => this.#provider,
      sign: (payload, options) => this.sign(payload, options),
    };
    // Middleware must be registered before callback(): koa snapshots the list.
    // oidc-provider finds the mount path by locating ctx.url inside req.originalUrl;
    // once a quirk rewrites the query that search fails, and ctx.mountPath is its fallback.
    const mountPath = this.mountPath;
    if ('redis' in this.store) provider.use(storeOutageAs503(this.store.redis));
    provider.use(answerJsonWithoutFetch(provider));
    provider.use((ctx, next) => {
      (ctx as typeof ctx & { mountPath?: string }).mountPath = mountPath;
      return next();
    });
    provider.use(evidenceMiddleware(this.name));
    if (this.tokens.shared) provider.use(guarded(prefetchPresentedTokens(this.tokens), this.#logger));
    provider.use(guarded(scenarioMiddleware({ keys: () => this.keys, runFor: (clientId) => this.runFor(clientId), rotatedKeys: () => this.#rotatedKeys(), anyArmed: () => this.#armed.size > 0 || this.#init.fixedScenario !== undefined, tokens: this.tokens }), this.#logger));
    for (const quirk of this.profile.quirks ?? []) {
      if (quirk.strict && this.profileContext.lenient) continue;
      provider.use(guarded(quirk.middleware(quirkContext), this.#logger));
    }
    provider.use(unroutedAsJson());
    provider.use(guarded(unwrapPresentedTokens(quirkContext), this.#logger));
    provider.use(guarded(headlessLogin({
      users: this.users,
      loginMode: () => this.loginMode,
      provider: () => this.#provider,
      authorizationPath: () => routes.authorization,
      sessionTtl: typeof configuration.ttl?.Session === 'number' ? configuration.ttl.Session : 14 * 24 * 3600,
    }), this.#logger));
    provider.use(frontChannelMiddleware(this.#publicOrigin));
    provider.use(guarded(interactionRoutes({
      name: this.name,
      mountPath: this.mountPath,
      users: this.users,
      loginMode: () => this.loginMode,
      provider: () => this.#provider,
      ensureClaimNames: (names) => this.ensureClaimNames(names),
    }), this.#logger));
    explainErrors(provider, this.#logger, this.#errorHelp());
    this.#provider = provider;
    if (this.#clockOffset) setClockOffset(provider, this.#clockOffset);
    this.#callback = provider.callback();
    this.#releasedClaims = this.users.claimNames();
    this.#stale = false;
    // Scenario issuers serve the same clients and keys: they follow every change,
    // at their next request, so registering a client does not rebuild dozens of them.
    for (const child of this.#scenarioIssuers?.values() ?? []) {
      child.clients = this.clients;
      child.keys = this.keys;
      child.#stale = true;
    }
  }

  #errorHelp(): ErrorHelpContext {
    return {
      // A scenario issuer (<name>~<segment>) shares its parent's clients: fixes go to the parent.
      issuerName: this.name.split('~')[0]!,
      adminUrl: this.#init.adminUrl ?? `${this.#publicOrigin}/_admin`,
      clients: () => this.clients,
    };
  }

  readonly #signingKeys = new Map<string, Promise<CryptoKey>>();

  /** Signs with the issuer's first key of the algorithm: the same key oidc-provider signs with. */
  async sign(payload: JWTPayload, options: SignOptions = {}): Promise<string> {
    const alg = options.alg ?? (this.keys.some((k) => k.alg === 'RS256') ? 'RS256' : this.keys[0]!.alg);
    const jwk = this.keys.find((k) => k.alg === alg);
    if (!jwk) throw new Error(`issuer ${this.name} has no ${alg} key`);
    let key = this.#signingKeys.get(jwk.kid);
    if (!key) {
      key = importJWK(jwk, alg) as Promise<CryptoKey>;
      this.#signingKeys.set(jwk.kid, key);
    }
    const header = { alg, kid: jwk.kid, ...(options.typ ? { typ: options.typ } : {}) };
    return new SignJWT(payload).setProtectedHeader(header).sign(await key);
  }

  /**
   * oidc-provider validates static clients lazily, at their first request; doing
   * it now turns a bad registration into a start-up error instead of a 500 later.
   * It builds the provider, which also checks the keys and the configuration.
   */
  async verifyClients(sourceOf?: (clientId: string) => string | undefined): Promise<void> {
    const provider = this.provider;
    for (const client of this.clients) {
      let found;
      try {
        found = await provider.Client.find(client.client_id);
      } catch (cause) {
        const error = cause as { error_description?: string; message: string };
        const source = sourceOf?.(client.client_id);
        throw new Error(`client "${client.client_id}"${source ? ` (${source})` : ''}: ${error.error_description ?? error.message}`);
      }
      const unknown = found ? unknownClientFields(client, found.metadata()) : [];
      if (unknown.length) throw new Error(`client "${client.client_id}": unknown field ${unknown.join(', ')}`);
    }
  }

  /** Custom claims are released only if the provider was built knowing their names. */
  ensureClaimNames(names: Iterable<string>): void {
    for (const name of names) {
      if (!this.#releasedClaims.has(name)) {
        this.rebuild();
        return;
      }
    }
  }

  summary(): IssuerSummary {
    const base = this.issuer.replace(/\/$/, '');
    return {
      name: this.name,
      profile: this.profile.name,
      issuer: this.issuer,
      ...(this.profile.discovery === false
        ? { endpoints: { authorization: `${base}${this.routes.authorization}`, token: `${base}${this.routes.token}` } }
        : { discovery: `${base}/.well-known/openid-configuration` }),
      login: this.loginMode,
      clients: this.clients.map((c) => ({
        client_id: c.client_id,
        token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
        redirect_uris: (c.redirect_uris ?? []) as string[],
      })),
      users: this.users.list().map((u) => ({ sub: u.sub, username: u.username, email: u.claims.email })),
    };
  }
}
