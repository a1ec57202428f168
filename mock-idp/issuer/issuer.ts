import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { unknownClientFields } from '../clients/unknown-fields.js';
import type { IssuerConfig } from '../config/schema.js';
import { AdminInputError } from '../kernel/admin-input-error.js';
import { setClockOffset } from '../kernel/clock.js';
import type { Profile, ProfileContext, QuirkContext, SignOptions } from '../kernel/plugin-types.js';
import type { Routes } from '../kernel/routes.js';
import { TokenFacade } from '../kernel/token-facade.js';
import type { SigningKey } from '../keys/key-set.js';
import type { Logger } from '../log/logger.js';
import { findScenario, MAX_COMPOSED, type Scenario, scenarios } from '../scenarios/index.js';
import { whyNotOffered } from '../scenarios/offered.js';
import { ScenarioRun } from '../scenarios/run.js';
import type { IssuerSnapshot, SharedState } from '../store/shared-state.js';
import type { UserStore } from '../users/user-store.js';
import { explainErrors } from './error-detail.js';
import type { ErrorHelpContext } from './error-help.js';
import { evictionWarning } from './eviction-warning.js';
import type { IssuerInit, IssuerSummary, ModelStore } from './issuer-types.js';
import { assemble } from './pipeline.js';
import { buildProviderConfig } from './provider-config.js';
import { changesStaticClients, keepListedClientsUnmanaged, lists, runTimeClientAdapter } from './run-time-clients.js';
import { ScenarioIssuers } from './scenario-issuers.js';
import { patchSessionPersist } from './session-persist.js';
import { Signer } from './signing.js';
import { IssuerStore } from './store.js';

export type { IssuerInit, IssuerSummary, ModelStore } from './issuer-types.js';

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
  #clients: readonly ClientMetadata[];
  /** Frozen: setClients() replaces them, here and on the scenario issuers. */
  get clients(): readonly ClientMetadata[] {
    return this.#clients;
  }
  keys: SigningKey[];
  loginMode: 'headless' | 'page';
  readonly #config: IssuerConfig;
  readonly #publicOrigin: string;
  readonly #logger: Logger;
  #provider!: Provider;
  #callback!: (req: IncomingMessage, res: ServerResponse) => void;
  #releasedClaims = new Set<string>();
  readonly #initial: {
    clients: ClientMetadata[];
    users: ReturnType<UserStore['list']>;
    keys: SigningKey[];
    defaultUser: string | undefined;
  };

  constructor(init: IssuerInit) {
    this.name = init.config.name;
    this.profile = init.profile;
    this.issuer = init.issuer;
    this.mountPath = init.mountPath;
    this.hosts = init.config.host ? [init.config.host, ...init.config.aliases] : [];
    this.users = init.users;
    this.#clients = Object.freeze([...init.clients]);
    this.#configuredClients = init.configuredClients ?? new Set(init.clients);
    this.keys = init.keys;
    this.loginMode = init.loginMode;
    this.store =
      init.shared?.store ??
      init.modelStore ??
      new IssuerStore(init.storeSize, evictionWarning(init.config.name, init.storeSize, init.logger));
    this.tokens = init.shared?.tokens ?? new TokenFacade(init.storeSize);
    this.#config = init.config;
    this.#publicOrigin = init.publicOrigin;
    this.#logger = init.logger;
    this.#init = init;
    this.profileContext = {
      issuer: init.issuer,
      mountPath: init.mountPath,
      tenant: init.config.tenant,
      lenient: init.config.lenient,
      limits: init.limits,
    };
    this.#initial = {
      clients: [...init.clients],
      users: init.users.list().map((u) => ({ ...u, claims: structuredClone(u.claims) })),
      keys: [...init.keys],
      defaultUser: init.users.defaultUser()?.sub,
    };
    this.#signer = new Signer(this.name, () => this.keys);
    this.#scenarioIssuers = new ScenarioIssuers(
      (segment, scenario) => this.#makeScenarioIssuer(segment, scenario),
      (scenario) => !this.#init.fixedScenario && !this.#whyNotOffered(scenario, false),
      init.limits.scenarioCopies,
    );
    // Built at first use: a server mounting every profile pays only for the issuers it is asked about.
    this.#stale = true;
  }

  readonly #armed = new Map<string, ScenarioRun>();
  readonly #init: IssuerInit;
  readonly #signer: Signer;
  readonly #scenarioIssuers: ScenarioIssuers<Issuer>;
  #fixedRun: ScenarioRun | undefined;

  /**
   * The issuer at <issuer>/s/<scenario>, or <issuer>/s/<scenario>~<instance>,
   * made on first use: same clients, users and keys, but every response
   * carries the scenario's faults, including JWKS and discovery faults, which
   * no client_id could select. An instance has its own run (its own rotation,
   * its own request log name), so parallel tests of one scenario stay apart.
   */
  scenarioIssuer(segment: string): Issuer | undefined {
    return this.#scenarioIssuers.get(segment);
  }

  #makeScenarioIssuer(segment: string, scenario: Scenario): Issuer {
    const base = this.issuer.replace(/\/$/, '');
    // Under the issuer identifier, so <issuer>/s/<scenario> is its URL: past the suffix of a profile that has one.
    const suffix = this.profile.issuerSuffix ?? '';
    return new Issuer({
      ...this.#init,
      config: { ...this.#init.config, name: `${this.name}~${segment}` },
      issuer: `${base}/s/${segment}`,
      mountPath: `${this.mountPath}${suffix}/s/${segment}`,
      clients: this.clients,
      configuredClients: this.#configuredClients,
      keys: this.keys,
      fixedScenario: scenario,
      shared: { store: this.store, tokens: this.tokens },
    });
  }
  /**
   * Drops the scenario issuer instance at <issuer>/s/<segment> (its clients' codes,
   * sessions and run state go with it): a test that made a `~<instance>` for itself
   * hands it back when done, so memory follows the tests in flight, not the LRU's size.
   */
  releaseScenarioIssuer(segment: string): boolean {
    return this.#scenarioIssuers.release(segment);
  }

  #clockOffset = 0;

  /** Seconds this issuer's clock runs ahead (negative: behind) of real time. */
  get clockOffset(): number {
    return this.#clockOffset;
  }

  /** Shifts this issuer's clock only: its tokens, expiry checks and sessions. */
  shiftClock(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds))
      throw new AdminInputError(`clock offset must be a finite number of seconds, not ${String(seconds)}`);
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
    if (!scenario)
      throw new AdminInputError(
        `unknown scenario "${scenarioName}" (${scenarios.size} known, up to ${MAX_COMPOSED} joined ` +
          `with +: see GET /_admin/scenarios)`,
      );
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
      userinfo: config?.features?.userinfo?.enabled !== false,
      issParameter: this.profile.issParameter !== false,
      rpInitiatedLogout: config?.features?.rpInitiatedLogout?.enabled !== false,
      armedOnClient,
    });
  }

  /**
   * Why this issuer cannot serve the named scenario (unknown, or faults it has
   * nothing to serve with), armed on a client or on a scenario issuer URL; undefined when it can.
   */
  whyNotOffered(scenarioName: string, options: { armedOnClient?: boolean } = {}): string | undefined {
    const scenario = findScenario(scenarioName);
    return scenario
      ? this.#whyNotOffered(scenario, options.armedOnClient ?? false)
      : `unknown scenario "${scenarioName}"`;
  }

  disarm(clientId: string): boolean {
    const removed = this.#armed.delete(clientId);
    if (removed) this.changed();
    return removed;
  }

  /** Publishes a run-time change to the other replicas (shared-store mode only). */
  changed(): void {
    this.sharedState
      ?.publish(this)
      .catch((error: unknown) =>
        this.#logger.error({ err: error, issuer: this.name }, 'could not publish a change to the shared store'),
      );
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
    this.#clients = Object.freeze([...state.clients]);
    this.keys = state.keys;
    this.users.replaceAll(state.users, state.defaultUser);
    this.#clockOffset = state.clockOffset;
    for (const clientId of [...this.#armed.keys()]) if (!(clientId in state.armed)) this.#armed.delete(clientId);
    for (const [clientId, name] of Object.entries(state.armed)) {
      const scenario = findScenario(name);
      // A run already under way on this replica keeps its progress.
      if (scenario && this.#armed.get(clientId)?.scenario.name !== name)
        this.#armed.set(clientId, new ScenarioRun(scenario));
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
    this.#clients = Object.freeze([...this.#initial.clients]);
    this.keys = [...this.#initial.keys];
    this.users.replaceAll(
      this.#initial.users.map((u) => ({ ...u, claims: structuredClone(u.claims) })),
      this.#initial.defaultUser,
    );
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

  /** Rebuilds the oidc-provider instance at the next request. */
  invalidate(): void {
    this.#stale = true;
  }

  readonly #configuredClients: ReadonlySet<ClientMetadata>;
  /** The configured clients the current instance was built with, which it looks up before its Client adapter. */
  #staticClients = new Map<string, ClientMetadata>();

  /**
   * Replaces the clients, here and on the scenario issuers. A client registered at run time takes effect
   * at once through the instance's Client adapter, as does its replacement or removal; replacing or
   * removing a configured client rebuilds the instance at the next request.
   */
  setClients(clients: readonly ClientMetadata[]): void {
    this.#clients = Object.isFrozen(clients) ? clients : Object.freeze([...clients]);
    if (changesStaticClients(this.#staticClients, this.#clients)) this.invalidate();
    this.#scenarioIssuers?.followClients(this.#clients);
  }

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
    // Clients registered at run time stay with the Client adapter, so that removing one needs no rebuild.
    const staticClients = this.clients.filter((c) => this.#configuredClients.has(c));
    const configuration = buildProviderConfig({
      profile: this.profile,
      profileContext: this.profileContext,
      clients: staticClients,
      users: this.users,
      keys: this.keys,
      store: {
        adapterFor: (model) =>
          model === 'Client'
            ? runTimeClientAdapter(() => this.clients, this.store.adapterFor(model))
            : this.store.adapterFor(model),
      },
      currentClients: () => this.clients,
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
      clients: () => this.clients,
      tokens: this.tokens,
      provider: () => this.#provider,
      sign: (payload, options) => this.sign(payload, options),
    };
    // Middleware must be registered before callback(): koa snapshots the list.
    const middleware = assemble(
      {
        name: this.name,
        mountPath: this.mountPath,
        publicOrigin: this.#publicOrigin,
        profile: this.profile,
        lenient: this.profileContext.lenient,
        provider,
        current: () => this.#provider,
        store: this.store,
        tokens: this.tokens,
        users: this.users,
        loginMode: () => this.loginMode,
        quirkContext,
        scenarios: {
          issuer: this.issuer,
          keys: () => this.keys,
          runFor: (clientId) => this.runFor(clientId),
          rotatedKeys: () => this.#rotatedKeys(),
          anyArmed: () => this.#armed.size > 0 || this.#init.fixedScenario !== undefined,
          tokens: this.tokens,
        },
        sessionTtl: typeof configuration.ttl?.Session === 'number' ? configuration.ttl.Session : 14 * 24 * 3600,
        ensureClaimNames: (names) => this.ensureClaimNames(names),
      },
      this.#logger,
    );
    for (const step of middleware) provider.use(step);
    explainErrors(provider, this.#logger, this.#errorHelp());
    this.#provider = provider;
    if (this.#clockOffset) setClockOffset(provider, this.#clockOffset);
    if (configuration.features?.registration?.enabled)
      keepListedClientsUnmanaged(provider.Client, (id) => lists(this.clients, id));
    this.#callback = provider.callback();
    this.#releasedClaims = this.users.claimNames();
    this.#staticClients = new Map(staticClients.map((c) => [c.client_id, c]));
    this.#stale = false;
    this.#scenarioIssuers?.follow(this.clients, this.keys);
  }

  #errorHelp(): ErrorHelpContext {
    return {
      // A scenario issuer (<name>~<segment>) shares its parent's clients: fixes go to the parent.
      issuerName: this.name.split('~')[0]!,
      adminUrl: this.#init.adminUrl ?? `${this.#publicOrigin}/_admin`,
      clients: () => this.clients,
    };
  }

  /** Signs with the issuer's first key of the algorithm: the same key oidc-provider signs with. */
  sign(payload: JWTPayload, options: SignOptions = {}): Promise<string> {
    return this.#signer.sign(payload, options);
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
        throw new Error(
          `client "${client.client_id}"${source ? ` (${source})` : ''}: ${error.error_description ?? error.message}`,
        );
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
