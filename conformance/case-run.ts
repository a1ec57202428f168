import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdminInputError, UserAgent } from '../mock-idp/helpers.js';
import type { MockIdp, RequestRecord } from '../mock-idp/index.js';
import { CaseBrowser } from './case-browser.js';
import { type CaseFacts, caseFacts, isKeySetRequest, isLogoutRequest, lastIssuedIdToken } from './facts.js';
import { issuerAccess } from './issuer-access.js';
import { type Judgement, judge, MISS } from './judge.js';
import type { Lane } from './lane.js';
import { mintLogoutToken } from './logout-token.js';
import { type Registration, registerClient } from './registration.js';
import { sessionClaim } from './session-claims.js';
import { specQuotes } from './spec-quotes.js';
import { foreignIssuerFor, thirdPartyLoginRequest, whyNoThirdPartyRequest } from './third-party-login.js';
import type {
  Action,
  CaseContext,
  CaseResult,
  ClientAdapter,
  ClientDefaults,
  ClientOutcome,
  ConformanceCase,
  FixedClient,
} from './types.js';
import { waitingHint } from './waiting.js';

/** The scenario of a valid login on an issuer instance of its own. */
const NO_FAULT = 'no-fault';

export interface CaseRunOptions {
  idp: MockIdp;
  issuerName: string;
  profile: string;
  adapter: ClientAdapter;
  redirectUri: string;
  /** The post_logout_redirect_uri each case's own client is registered with. */
  postLogoutRedirectUri: string;
  timeoutMs: number;
  clientDefaults?: ClientDefaults | undefined;
  /** The client's own fixed registration (already registered by the runner). */
  fixedClient?: FixedClient | undefined;
  /**
   * Arm an armable via-issuer case on the fixed client's client_id: the
   * client cannot be pointed at a scenario issuer. Cases then run one at a
   * time, so the issuer's JWKS requests during the case are the client's.
   */
  armIssuerCases?: boolean | undefined;
  /** How long after the client's last JWKS request a rotation reaches it (RunOptions.jwksRefetchIntervalMs). */
  jwksRefetchIntervalMs?: number | undefined;
  /**
   * Given with a fixed client: when the run began. Its last JWKS request before the run is out of the kit's sight: it
   * may have come from an IdP before this one (a run just before, against the same fixed keys), and the issuer's
   * JWKS requests name no client, so one in the log may be another's. Its refetch allowance counts from as late as
   * the run's start.
   */
  runStartedAt?: number | undefined;
  /** The client's declared clock tolerance (RunOptions.clockToleranceSeconds). */
  clockToleranceSeconds: number;
  /**
   * The runner's slots: a case holds one while it acts on the client, and gives it back while a
   * rotation waits out the client's refetch allowance.
   */
  lane?: Lane | undefined;
  /**
   * Whether a rotation may reach the client before its refetch allowance has passed (called once
   * per such rotation): only where no earlier rotation can have used the allowance up, which for
   * a fixed client is its first rotation of the run.
   */
  mayRotateAtOnce?: (() => boolean) | undefined;
  /**
   * Given with a fixed client: where its release goes instead of the adapter. The client is every case's, and a
   * case that ends while another waits out its rotation must not drop what the client kept (its keys, its states)
   * for the other. The runner releases it once the run is over.
   */
  deferRelease?: ((release: () => void | Promise<void>) => void) | undefined;
}

/** How a case's key rotation meets the client's refetch allowance. */
export type RotationTiming =
  /** At once when mayRotateAtOnce allows; a rejection of a rotation that came too soon is not judged. */
  | { rotation: 'at-once' }
  /** Once the allowance has passed since the client's last JWKS request, and since `notBefore`. */
  | { rotation: 'after-allowance'; notBefore?: number };

/** A case's result with the facts of its log, for the judgements only the whole run can settle. */
export interface CaseRun {
  result: CaseResult;
  facts: CaseFacts | undefined;
  /**
   * The client rejected a rotation that reached it sooner than its refetch allowance: the result says
   * nothing, and the case runs again with the rotation after the allowance, counted from this time.
   */
  rotatedTooSoon?: number;
  /** What the case's evidence showed the client do wrong, if anything: a flaw no run-wide premise can excuse. */
  shownFlaw?: string;
}

/**
 * What the adapter saw of a login that ran out of time, else the page the case's browser still waits for. The
 * adapter's hook is the user's code: whatever it does (throws, answers no string), the timeout still settles.
 */
function whyUnfinished(adapter: ClientAdapter, action: Action, context: CaseContext): string | undefined {
  let seen: unknown;
  try {
    seen = action === 'login' ? adapter.unfinished?.(context) : undefined;
  } catch (error) {
    return `unfinished() threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  return typeof seen === 'string' && seen ? seen : waitingHint(context.userAgent);
}

function withTimeout(promise: Promise<ClientOutcome>, ms: number, why: () => string | undefined) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ClientOutcome>((resolve) => {
    timer = setTimeout(() => {
      const hint = why();
      resolve({
        ok: false,
        code: 'timeout',
        message: `the client did not finish within ${ms} ms${hint ? ` (${hint})` : ''}`,
      });
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one action; a client that throws instead of reporting is judged on what it threw. */
function perform(
  adapter: ClientAdapter,
  action: Action,
  context: CaseContext,
  timeoutMs: number,
  logoutToken: () => Promise<string>,
): Promise<ClientOutcome> {
  const calls: Record<Action, () => Promise<ClientOutcome>> = {
    login: () => adapter.run(context),
    refresh: () => adapter.refresh!(context),
    logout: () => adapter.logout!(context),
    'backchannel-logout': () => logoutToken().then((token) => adapter.backchannelLogout!(context, token)),
  };
  return withTimeout(
    Promise.resolve()
      .then(calls[action])
      .catch((error: Error & { code?: string }) => ({
        ok: false as const,
        code: error.code,
        message: error.message,
      })),
    timeoutMs,
    () => whyUnfinished(adapter, action, context),
  );
}

interface ScriptRun {
  outcome: ClientOutcome;
  /** The kit posted the case's faulty logout token to the client. */
  deliveredByKit: boolean;
}

/**
 * The case's actions in order. Every action but the last must succeed: a
 * client that fails before the fault arrives has not shown that it catches
 * the fault, so its outcome is reported as a failure of the valid part.
 * `beforeStep` runs before each action: a rotation's wait, a late arming.
 */
async function performScript(
  options: CaseRunOptions,
  testCase: ConformanceCase,
  script: readonly Action[],
  context: Omit<CaseContext, 'step' | 'userAgent'>,
  beforeStep: (step: number) => Promise<void>,
  sinceId: number,
): Promise<ScriptRun> {
  let outcome: ClientOutcome = { ok: false, message: 'no action ran' };
  let loggedIn: ClientOutcome | undefined;
  // A user signs out in the browser they signed in with: the one of the case's last login, with its cookies.
  let browser = new CaseBrowser(context);
  let lastLogoutToken: string | undefined;
  let deliveredByKit = false;
  // The issuer's back channel, played by the kit: a token about the user of the case's last login.
  const logoutToken = async () => {
    deliveredByKit = testCase.logoutToken !== undefined;
    if (testCase.logoutToken?.replay && lastLogoutToken) return lastLogoutToken;
    const issuer = issuerAccess(options.idp, options.issuerName);
    // The session the issuer gave the client first: a web app's pages may show no sid, and a token without one ends
    // every session of the user, the other cases' too.
    const issued = lastIssuedIdToken(options.idp.requests.list({ sinceId, clientId: context.clientId }));
    const sub = [issued?.sub, sessionClaim(loggedIn, 'sub'), issuer.users.defaultUser()?.sub].find(
      (v) => typeof v === 'string',
    );
    const sid = [issued?.sid, sessionClaim(loggedIn, 'sid')].find((v) => typeof v === 'string');
    lastLogoutToken = await mintLogoutToken({
      issuer: context.issuer,
      clientId: context.clientId,
      keys: issuer.keys,
      sub,
      sid,
      fault: testCase.logoutToken,
    });
    return lastLogoutToken;
  };
  for (const [step, action] of script.entries()) {
    await beforeStep(step);
    if (action === 'login') browser = new CaseBrowser(context);
    const userAgent = action === 'login' || action === 'logout' ? browser : new CaseBrowser(context);
    outcome = await perform(options.adapter, action, { ...context, step, userAgent }, options.timeoutMs, logoutToken);
    // However the client reported the failed navigation, it went where the faulty answer pointed.
    const left = userAgent.takeLeftIssuer();
    if (!outcome.ok && left) outcome = left;
    if (action === 'login') loggedIn = outcome;
    const last = step === script.length - 1;
    if (!outcome.ok && !last && !testCase.everyStepFaulty) {
      return {
        deliveredByKit,
        outcome: {
          ok: false,
          // An answer the kit's browser could not read is no failure of the client's, at any step.
          code: outcome.code === 'unreadable' ? 'unreadable' : 'valid-step-failed',
          message: `step ${step + 1} (${action}), before the fault, failed: ${outcome.message}`,
        },
      };
    }
  }
  return { outcome, deliveredByKit };
}

/**
 * A client counts its JWKS allowance from the moment it holds the keys (jose's remote key set does), which comes
 * after mock-idp answered by the time the response takes to reach the client and be read. On a loaded machine that
 * has been long enough for a rotation due at the answer plus the allowance to reach a client whose own count had not
 * run out, and to fail it for a wait the spec lets it take.
 */
const KEYS_DELIVERY_MS = 500;

/**
 * A client rate-limits JWKS refetches for an unknown kid (the reference
 * client to one per 10 s, openid-client to one per 60 s): a rotation reaches
 * it once that allowance has passed since its last JWKS request, as a real
 * rotation would, so the case judges the rotation, not the kit's own pace.
 * This is when that is, in ms since the epoch.
 */
function rotationDue(idp: MockIdp, issuerName: string, intervalMs: number, notBefore = 0): number {
  const last = idp.requests.list({ issuer: issuerName, route: 'jwks' }).at(-1);
  const received = last ? Date.parse(last.time) + (last.durationMs ?? 0) + KEYS_DELIVERY_MS : 0;
  return Math.max(received, notBefore) + intervalMs;
}

/**
 * What a case's client did and what the IdP saw of it, for the result; `log` is absent when it could not be read whole.
 */
interface Played {
  outcome: ClientOutcome;
  log: readonly RequestRecord[] | undefined;
  durationMs: number;
}

/** The one place a case's result is built, whether the case ran (`played`) or not. */
function resultOf(testCase: ConformanceCase, judgement: Judgement, played?: Played): CaseResult {
  const log = played?.log;
  return {
    id: testCase.id,
    title: testCase.title,
    area: testCase.area,
    aliases: testCase.aliases,
    level: judgement.level,
    refs: testCase.refs,
    quote: testCase.refs.map((ref) => specQuotes[ref]?.quote).find((quote) => quote !== undefined),
    verdict: judgement.verdict,
    reason: judgement.reason,
    outcome: played?.outcome ?? { ok: false, message: 'not run' },
    calls: log?.map((r) => r.route ?? r.path) ?? [],
    durationMs: played?.durationMs ?? 0,
    ...(log
      ? {
          requests: log.map((r) => ({
            method: r.method,
            path: r.path.split('?')[0]!,
            route: r.route,
            status: r.status,
            error: r.error,
            faults: r.faults,
          })),
          served: log.flatMap((r) => r.served ?? []),
        }
      : {}),
  };
}

/** A case that did not run: the result the runner reports for it. */
export function skippedCase(testCase: ConformanceCase, reason: string): CaseResult {
  return resultOf(testCase, { verdict: 'skip', level: testCase.level, reason });
}

/** How a case's scenario reaches the client. */
interface Delivery {
  /** Armed on the case's client_id from this step of the script. */
  armed?: { scenario: string; atStep: number };
  /**
   * Served by a scenario issuer URL of the case's own: JWKS, discovery and rotation faults, whose requests name no
   * client.
   */
  viaIssuer?: string;
  /** An issuer-only case armed on a fixed client's client_id instead, as the case allows. */
  armedInstead?: true;
}

function deliveryOf(testCase: ConformanceCase, armIssuerCases: boolean): Delivery {
  const { scenario, via, armable, armedAs } = testCase;
  // A client whose issuer is fixed meets an issuer-only case armed on its client_id, where the case allows it.
  if (via === 'issuer' && (armable === true || armedAs !== undefined) && armIssuerCases) {
    return { armed: armedAs ?? { scenario: scenario!, atStep: 0 }, armedInstead: true };
  }
  if (!scenario) return {};
  return via === 'issuer' ? { viaIssuer: scenario } : { armed: { scenario, atStep: 0 } };
}

/** Why the issuer cannot play the case as delivered, or undefined when it can. */
function whyNotPlayable(options: CaseRunOptions, testCase: ConformanceCase, delivery: Delivery): string | undefined {
  const issuer = issuerAccess(options.idp, options.issuerName);
  const served = delivery.armed?.scenario ?? delivery.viaIssuer;
  const notOffered = served ? issuer.whyNotOffered(served, { armedOnClient: delivery.armed !== undefined }) : undefined;
  if (notOffered) return notOffered;
  const noRequest = whyNoThirdPartyRequest(testCase, issuer);
  if (noRequest) return noRequest;
  if (delivery.armedInstead && testCase.armedAs?.onlyIf === 'one-key-of-the-signing-type') {
    const { keys } = issuer;
    if (keys.filter((k) => k.kty === keys[0]?.kty).length !== 1) {
      return (
        'the issuer publishes several keys of the type it signs with, and a client with a fixed ' +
        'issuer cannot be sent to one that publishes one'
      );
    }
  }
  return undefined;
}

/**
 * Why a miss of a case armed on a fixed client only where the issuer publishes one key of the type it signs with says
 * nothing, or undefined when it says something: the keys the client last fetched were not that one key alone.
 */
function whyKeysUnshown(options: CaseRunOptions, testCase: ConformanceCase, delivery: Delivery): string | undefined {
  const { fixedClient } = options;
  if (!fixedClient || !delivery.armedInstead || testCase.armedAs?.onlyIf !== 'one-key-of-the-signing-type') return;
  const last = options.idp.requests
    .list({ issuer: options.issuerName, route: 'jwks' })
    .findLast((r) => r.status === 200);
  if (!last) {
    return (
      "the issuer served no JWKS, so the client holds keys from elsewhere (mock-idp's keys are fixed: an " +
      "earlier run's IdP, whose rotation may have left it two of the type): that one key fits was never shown to it"
    );
  }
  if (!last.faults?.length) return;
  // A rotation armed earlier (another run on this IdP) published a second key beside the issuer's own.
  return (
    'the last JWKS the issuer served held more than its own key (a rotation), so the client may hold two of the ' +
    'type: that one key fits was never shown to it'
  );
}

/**
 * One case against one client: its own client registration, its scenario
 * armed for that client or served on its own scenario issuer instance, the
 * client's actions, and a verdict from the outcome and the request log.
 */
export async function runCase(
  options: CaseRunOptions,
  testCase: ConformanceCase,
  timing: RotationTiming = { rotation: 'after-allowance' },
): Promise<CaseRun> {
  const delivery = deliveryOf(testCase, options.armIssuerCases === true);
  const notPlayable = whyNotPlayable(options, testCase, delivery);
  if (notPlayable) return { result: skippedCase(testCase, notPlayable), facts: undefined };
  const { idp, lane } = options;
  // The request-log ids the case saw while it held its slot: with a fixed client, other cases act on
  // the same client_id while this one waits, and only these windows are its evidence.
  const windows: { from: number; to?: number }[] = [];
  const hold = async (first = false) => {
    await lane?.acquire(first);
    windows.push({ from: idp.requests.lastId });
  };
  const letGo = () => {
    windows.at(-1)!.to = idp.requests.lastId;
    lane?.release();
  };
  await hold();
  try {
    return await playCase(options, testCase, delivery, timing, windows, { hold, letGo });
  } finally {
    letGo();
  }
}

async function playCase(
  options: CaseRunOptions,
  testCase: ConformanceCase,
  delivery: Delivery,
  timing: RotationTiming,
  windows: readonly { from: number; to?: number }[],
  slot: { hold(first: boolean): Promise<void>; letGo(): void },
): Promise<CaseRun> {
  const { idp, issuerName, adapter } = options;
  const started = performance.now();
  const { armed, viaIssuer } = delivery;
  let registration: Registration;
  try {
    registration = options.fixedClient
      ? {
          clientId: options.fixedClient.clientId,
          clientSecret: options.fixedClient.clientSecret ?? '',
          tokenEndpointAuthMethod: options.fixedClient.tokenEndpointAuthMethod ?? 'client_secret_basic',
        }
      : await registerClient(
          idp,
          issuerName,
          testCase,
          options.redirectUri,
          options.clientDefaults,
          // Only a case that signs out: an issuer without RP-initiated logout knows no such field.
          testCase.script?.includes('logout') ? [options.postLogoutRedirectUri] : [],
        );
  } catch (error) {
    // The issuer's own rules say the case cannot happen there: not the client's doing.
    if (!(error instanceof AdminInputError)) throw error;
    return {
      result: skippedCase(testCase, `the issuer refuses this case's client: ${error.message}`),
      facts: undefined,
    };
  }
  const { clientId } = registration;
  const segment = viaIssuer ? `${viaIssuer}~${randomBytes(5).toString('hex')}` : undefined;
  const issuer = segment ? `${idp.issuers[issuerName]!.replace(/\/$/, '')}/s/${segment}` : idp.issuers[issuerName]!;
  const scenarioIssuerName = segment ? `${issuerName}~${segment}` : undefined;
  const foreign = foreignIssuerFor(testCase, idp.issuers[issuerName]!, issuerName);
  const firstId = idp.requests.lastId;
  const script = testCase.script ?? ['login'];
  const context: Omit<CaseContext, 'step' | 'userAgent'> = {
    caseId: testCase.id,
    issuer,
    clientId,
    clientSecret: registration.clientSecret,
    redirectUri: options.fixedClient?.redirectUris[0] ?? options.redirectUri,
    postLogoutRedirectUri: options.fixedClient
      ? options.fixedClient.postLogoutRedirectUris?.[0]
      : options.postLogoutRedirectUri,
    tokenEndpointAuthMethod: registration.tokenEndpointAuthMethod,
    privateJwk: registration.privateJwk,
    responseMode: testCase.client?.responseMode,
    template: registration.template,
    idTokenSignedResponseAlg: testCase.client?.idTokenSignedResponseAlg,
    userinfoSignedResponseAlg: testCase.client?.userinfoSignedResponseAlg,
    applicationKey: registration.applicationKey,
    profile: options.profile,
    loginParams: testCase.loginParams,
    thirdPartyLogin: thirdPartyLoginRequest(testCase, issuer, issuerAccess(idp, issuerName), foreign),
    thirdPartyLoginMethod: testCase.thirdPartyLogin?.method,
    timeoutMs: options.timeoutMs,
  };
  let isArmed = false;
  let rotatedEarly = false;
  const intervalMs = options.jwksRefetchIntervalMs ?? 0;
  const due = () =>
    rotationDue(
      idp,
      scenarioIssuerName ?? issuerName,
      intervalMs,
      Math.max(timing.rotation === 'after-allowance' ? (timing.notBefore ?? 0) : 0, options.runStartedAt ?? 0),
    );
  // Close to the end of a wait the case takes its slot back and waits the rest holding it: a case in the
  // slot then could make the client fetch keys just as its allowance ends, and start the wait over.
  const lead = Math.min(3000, intervalMs / 3);
  const awaitRotation = async () => {
    for (let remaining = due() - Date.now(); remaining > 0; remaining = due() - Date.now()) {
      // Nothing is armed on the client yet (a rotation is armed after its wait): others may use it meanwhile.
      if (remaining <= lead || isArmed) {
        await sleep(remaining);
        continue;
      }
      slot.letGo();
      await sleep(remaining - lead);
      await slot.hold(true);
    }
  };
  const beforeStep = async (step: number) => {
    // The rotation reaches the login that must see it once the client may refetch keys, counted from its
    // last JWKS request: other logins on the same client during the wait could use the allowance up.
    // Where no earlier rotation can have used it up, the rotation comes at once; a client that then
    // rejects it is not judged on that, and meets the rotation again after the allowance.
    if (step === testCase.rotationStep) {
      const atOnce = timing.rotation === 'at-once' && options.mayRotateAtOnce?.() !== false;
      if (atOnce && due() > Date.now()) rotatedEarly = true;
      else await awaitRotation();
    }
    if (armed && step === armed.atStep) {
      idp.admin.arm(issuerName, clientId, armed.scenario);
      isArmed = true;
    }
  };
  try {
    const { outcome, deliveredByKit } = await performScript(options, testCase, script, context, beforeStep, firstId);
    const rotatedTooSoon = rotatedEarly && !outcome.ok ? Date.now() : undefined;
    const inWindow = (id: number) => windows.some((w) => id > w.from && (w.to === undefined || id <= w.to));
    const since = idp.requests.list({ sinceId: firstId });
    // A bounded log that dropped records from this case's window would judge on partial evidence: it is not read.
    const lost = idp.requests.lastId - firstId - since.length;
    const log =
      lost > 0
        ? undefined
        : since
            .filter(
              (r) =>
                r.clientId === clientId ||
                (scenarioIssuerName !== undefined && r.issuer === scenarioIssuerName) ||
                // Whatever a client asked of the foreign issuer a third party named, with or without its client_id.
                (foreign !== undefined && r.issuer === foreign.name) ||
                // Key and discovery requests name no client, nor does a logout request without id_token_hint or
                // client_id; a fixed client runs alone, so the issuer's own are its.
                (options.fixedClient !== undefined &&
                  r.issuer === issuerName &&
                  (isKeySetRequest(r) || r.route === 'discovery' || (isLogoutRequest(r) && r.clientId === undefined))),
            )
            // A fixed client is every case's: only what came while this case held it is this case's.
            .filter((r) => options.fixedClient === undefined || inWindow(r.id));
    const facts = log && caseFacts(log, testCase.deliveredIn);
    const shownFlaw =
      log &&
      testCase.evidence?.(log, {
        issuer,
        clientId,
        script,
        outcome,
        jwksRefetchIntervalMs: options.jwksRefetchIntervalMs ?? 10_000,
        thirdPartyLogin: context.thirdPartyLogin,
      });
    const judged = judge({
      testCase,
      outcome,
      evidence:
        log && facts
          ? { facts, failure: shownFlaw }
          : {
              lost:
                `mock-idp's request log dropped ${lost} record(s) of this case (requestLogSize ` +
                `${idp.config.requestLogSize}); raise requestLogSize`,
            },
      hasFault:
        (testCase.scenario !== undefined && testCase.scenario !== NO_FAULT) || testCase.logoutToken !== undefined,
      deliveredByKit,
      clockToleranceSeconds: options.clockToleranceSeconds,
    });
    const unshown = judged.verdict === MISS[judged.level] && whyKeysUnshown(options, testCase, delivery);
    const judgement: Judgement = unshown
      ? { ...judged, verdict: 'skip', reason: `${unshown} (${judged.reason})` }
      : judged;
    return {
      facts,
      result: resultOf(testCase, judgement, { outcome, log, durationMs: Math.round(performance.now() - started) }),
      ...(rotatedTooSoon !== undefined ? { rotatedTooSoon } : {}),
      ...(shownFlaw ? { shownFlaw } : {}),
    };
  } finally {
    if (isArmed) idp.admin.disarm(issuerName, clientId);
    try {
      const release = () => adapter.release?.({ ...context, step: script.length, userAgent: new UserAgent() });
      if (options.deferRelease) options.deferRelease(release);
      else await release();
    } finally {
      // The case's own scenario issuer instance: a full provider, no use once the case is judged.
      if (segment) issuerAccess(idp, issuerName).releaseScenarioIssuer(segment);
      if (foreign) issuerAccess(idp, issuerName).releaseScenarioIssuer(foreign.segment);
      if (!options.fixedClient) idp.admin.removeClient(issuerName, clientId);
    }
  }
}
