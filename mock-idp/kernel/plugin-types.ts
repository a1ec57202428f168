import type { JWTPayload } from 'jose';
import type { ClientMetadata, Configuration, KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Limits } from '../config/limits.js';
import type { UserStore } from '../users/user-store.js';
import type { Routes } from './routes.js';
import type { TokenFacade } from './token-facade.js';

/** Middleware run inside an issuer's oidc-provider app, with ctx.oidc available after next(). */
export type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

/** What a profile knows about the issuer it is configuring. */
export interface ProfileContext {
  /** Issuer identifier, exactly as it appears in `iss`. */
  issuer: string;
  /** Path the issuer is mounted at, without a trailing slash. */
  mountPath: string;
  tenant?: string | undefined;
  /** True when the issuer's config turned the provider's strict rejections off. */
  lenient: boolean;
  /** The server's bounds on request sizes (the config file's `limits`). */
  limits: Readonly<Limits>;
}

export interface SignOptions {
  /** Defaults to RS256 (or the issuer's first key's alg). */
  alg?: string;
  /** The JOSE `typ` header; omitted when not given. */
  typ?: string;
  /** Adds the signing key's certificate thumbprint (`x5t`) to the header, when the key has one. */
  x5t?: boolean;
}

/** What a quirk can use at run time: the issuer's routes, users, keys and token map. */
export interface QuirkContext extends ProfileContext {
  /** Endpoint paths relative to the mount (what `ctx.path` shows inside the issuer). */
  routes: Routes;
  users: UserStore;
  /** The issuer's registered clients, as configured or set through the admin API (secrets included). */
  clients(): readonly ClientMetadata[];
  tokens: TokenFacade;
  provider(): Provider;
  /** Signs a JWT with the issuer's current key for the algorithm. */
  sign(payload: JWTPayload, options?: SignOptions): Promise<string>;
}

/**
 * A named, reusable piece of provider behaviour (e.g. "token params may come in
 * the query string"). It is installed as oidc-provider middleware, ahead of the
 * provider's own router, in the order the profile lists it.
 */
export interface Quirk {
  name: string;
  description: string;
  /** Strict rules are skipped when the issuer is lenient; behavioural quirks are not. */
  strict?: boolean;
  middleware(ctx: QuirkContext): Middleware;
}

/** Where the real provider lives: msw serves the imitation at these names. `{tenant}` stands for the tenant. */
export interface RealHost {
  host: string;
  /** Other hosts of the same provider (its API hosts). */
  aliases: readonly string[];
  /** The issuer's path on the host. */
  path: string;
}

/** A page of the provider's own documentation that conformance cases cite by `ref`. */
export interface ProviderDoc {
  /** The reference as cases write it. */
  ref: string;
  /** Its short form in report tables. */
  short: string;
  url: string;
}

/** A provider imitation: data, plus the quirks that make it behave like the real one. */
export interface Profile {
  name: string;
  title: string;
  /** One line on what it imitates, shown in the banner and README. */
  description: string;
  /** False for plain OAuth 2 providers that publish no discovery document (Stack Exchange). */
  discovery?: boolean;
  /**
   * False where the provider sends no RFC 9207 `iss` with the authorization response: the issuer then
   * neither advertises authorization_response_iss_parameter_supported nor puts `iss` on a callback.
   */
  issParameter?: false;
  /** Default mount path; a trailing slash makes the issuer end with one. */
  defaultPath: string;
  /**
   * Appended to the mount URL to make the issuer identifier, for providers whose endpoints sit
   * beside the issuer rather than under it (Entra: issuer /{tenant}/v2.0, endpoints /{tenant}/oauth2/v2.0/…).
   */
  issuerSuffix?: string;
  /** Fixture key set in fixtures/keys/. */
  keySet: string;
  /** Default clients and users: fixtures/clients/<fixture>.json and fixtures/users/<fixture>.json. */
  fixture: string;
  /** sub of the user picked when no login_hint is given. */
  defaultUser?: string;
  scopes: readonly string[];
  /**
   * The claim a user's `username` is released as when the user's claims do not
   * set it (explicit claims win): preferred_username where the provider releases
   * the login name; absent where it does not.
   */
  usernameClaim?: 'preferred_username';
  /** Claims released per scope, merged over the OIDC standard mapping. */
  claims?: Readonly<Record<string, readonly string[]>>;
  /** oidc-provider configuration this provider differs by (routes, ttl, features...). */
  providerConfig?(ctx: ProfileContext): Partial<Configuration>;
  quirks?: readonly Quirk[];
  /** Absent for the generic profile, which imitates no one provider. */
  realHost?: RealHost;
  docs?: readonly ProviderDoc[];
  /**
   * False for a workload identity issuer (GitHub Actions): it mints tokens for CI jobs and nobody logs in,
   * so there is no login flow for a client preset, the scenario catalog or the conformance kit to drive.
   */
  login?: false;
}

/**
 * Keeps the profile's literal name (and whether it has a real host), so the list of profiles types the provider names.
 */
export function defineProfile<const P extends Profile>(profile: P): P {
  return profile;
}
