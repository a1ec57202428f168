import type Provider from 'oidc-provider';
import { evidenceMiddleware } from '../kernel/evidence.js';
import type { Middleware, Profile, QuirkContext } from '../kernel/plugin-types.js';
import type { TokenFacade } from '../kernel/token-facade.js';
import type { Logger } from '../log/logger.js';
import { type ScenarioHost, scenarioMiddleware } from '../scenarios/engine.js';
import type { UserStore } from '../users/user-store.js';
import { withoutAuthorizationResponseIss } from './authorization-response-iss.js';
import { guarded } from './error-boundary.js';
import { foreignKeys } from './foreign-keys.js';
import { frontChannelMiddleware } from './front-channel.js';
import { headlessLogin } from './headless-login.js';
import { interactionRoutes } from './interactions.js';
import type { ModelStore } from './issuer-types.js';
import { answerJsonWithoutFetch } from './json-answers.js';
import { logoutByPost } from './logout-by-post.js';
import { prefetchPresentedTokens } from './prefetch-tokens.js';
import { storeOutageAs503 } from './store-outage.js';
import { unroutedAsJson } from './unrouted.js';
import { unwrapPresentedTokens } from './unwrap-tokens.js';

/** What the steps of one build of an issuer's oidc-provider app are made from. */
export interface PipelineInput {
  name: string;
  mountPath: string;
  publicOrigin: string;
  profile: Profile;
  lenient: boolean;
  /** The instance being built (some steps answer for it before it is in use). */
  provider: Provider;
  /** The instance in use when a request arrives. */
  current: () => Provider;
  store: ModelStore;
  tokens: TokenFacade;
  users: UserStore;
  loginMode: () => 'headless' | 'page';
  quirkContext: QuirkContext;
  scenarios: ScenarioHost;
  sessionTtl: number;
  ensureClaimNames: (names: Iterable<string>) => void;
}

interface Step {
  name: string;
  /** Run behind the error boundary: a throw becomes the request's spec-shaped error, not a 500. */
  guarded: boolean;
  /** Nothing when the step does not apply to this issuer. */
  use(input: PipelineInput): Middleware | readonly Middleware[] | undefined;
}

/**
 * The middleware every request to an issuer passes through, outermost first,
 * ahead of oidc-provider's own router. A step sees the response of every step
 * below it on the way out, so the order is the design: the request record sees
 * the final answer; scenario faults apply to what the quirks produced; quirks
 * reshape what oidc-provider answered.
 */
export const PIPELINE: readonly Step[] = [
  {
    name: 'store outage as 503',
    guarded: false,
    use: (i) => ('redis' in i.store ? storeOutageAs503(i.store.redis) : undefined),
  },
  { name: 'JSON answers without fetch metadata', guarded: false, use: (i) => answerJsonWithoutFetch(i.provider) },
  // oidc-provider finds the mount path by locating ctx.url inside req.originalUrl;
  // once a quirk rewrites the query that search fails, and ctx.mountPath is its fallback.
  {
    name: 'mount path',
    guarded: false,
    use: (i) => (ctx, next) => {
      (ctx as typeof ctx & { mountPath?: string }).mountPath = i.mountPath;
      return next();
    },
  },
  { name: 'request evidence', guarded: false, use: (i) => evidenceMiddleware(i.name, i.tokens, i.current) },
  {
    name: 'prefetch shared tokens',
    guarded: true,
    use: (i) => (i.tokens.shared ? prefetchPresentedTokens(i.tokens) : undefined),
  },
  // Ahead of the faults: what it answers is the attacker's, not the issuer's, and takes none. Unguarded, as it cannot
  // throw: the boundary's promise would cost every request.
  { name: "the attacker's keys", guarded: false, use: (i) => foreignKeys(i.scenarios.issuer, i.mountPath) },
  { name: 'scenario faults', guarded: true, use: (i) => scenarioMiddleware(i.scenarios) },
  // Outside the quirks, so that a provider's logout rules (Keycloak's, Entra's hints) meet one shape of request.
  {
    name: 'logout by POST',
    guarded: false,
    use: (i) => logoutByPost(() => i.quirkContext.routes.end_session),
  },
  // Outside the quirks, so that the authorization errors they send themselves lose iss too.
  {
    name: 'no iss on authorization responses',
    guarded: true,
    use: (i) => (i.profile.issParameter === false ? withoutAuthorizationResponseIss(i.quirkContext.issuer) : undefined),
  },
  {
    name: 'profile quirks',
    guarded: true,
    use: (i) =>
      (i.profile.quirks ?? [])
        .filter((quirk) => !(quirk.strict && i.lenient))
        .map((quirk) => quirk.middleware(i.quirkContext)),
  },
  { name: 'unrouted as JSON', guarded: false, use: () => unroutedAsJson() },
  { name: 'unwrap presented tokens', guarded: true, use: (i) => unwrapPresentedTokens(i.quirkContext) },
  {
    name: 'headless login',
    guarded: true,
    use: (i) =>
      headlessLogin({
        users: i.users,
        loginMode: i.loginMode,
        provider: i.current,
        authorizationPath: () => i.quirkContext.routes.authorization,
        sessionTtl: i.sessionTtl,
      }),
  },
  { name: 'front-channel URLs', guarded: false, use: (i) => frontChannelMiddleware(i.publicOrigin) },
  {
    name: 'interaction routes',
    guarded: true,
    use: (i) =>
      interactionRoutes({
        name: i.name,
        mountPath: i.mountPath,
        users: i.users,
        loginMode: i.loginMode,
        provider: i.current,
        ensureClaimNames: i.ensureClaimNames,
      }),
  },
];

/** The pipeline's middleware for one build, in order. */
export function assemble(input: PipelineInput, logger: Logger): Middleware[] {
  return PIPELINE.flatMap((step) => {
    const used = step.use(input);
    const list: readonly Middleware[] = used === undefined ? [] : typeof used === 'function' ? [used] : used;
    return step.guarded ? list.map((middleware) => guarded(middleware, logger)) : [...list];
  });
}
