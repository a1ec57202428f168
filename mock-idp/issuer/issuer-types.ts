import type { ClientMetadata } from 'oidc-provider';
import type { Limits } from '../config/limits.js';
import type { IssuerConfig } from '../config/schema.js';
import type { Profile } from '../kernel/plugin-types.js';
import type { TokenFacade } from '../kernel/token-facade.js';
import type { SigningKey } from '../keys/key-set.js';
import type { Logger } from '../log/logger.js';
import type { Scenario } from '../scenarios/index.js';
import type { RedisModelStore } from '../store/redis-store.js';
import type { UserStore } from '../users/user-store.js';
import type { IssuerStore } from './store.js';

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
  clients: readonly ClientMetadata[];
  /**
   * The clients from configuration, which instances hold statically; any other client reaches them
   * through their Client adapter. Default: `clients`. A scenario issuer gets its parent's.
   */
  configuredClients?: ReadonlySet<ClientMetadata> | undefined;
  users: UserStore;
  keys: SigningKey[];
  loginMode: 'headless' | 'page';
  storeSize: number;
  limits: Limits;
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
