import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MockIdp } from '../mock-idp/server/start.js';
import type { RequestRecord } from '../mock-idp/log/request-log.js';
import { AdminInputError } from '../mock-idp/issuer/issuer-admin.js';
import { UserAgent } from '../mock-idp/agent.js';
import { judge } from './judge.js';
import { mintLogoutToken } from './logout-token.js';
import { registerClient, type ClientDefaults, type FixedClient, type Registration } from './registration.js';
import type { Action, CaseContext, CaseResult, ClientAdapter, ClientOutcome, ConformanceCase } from './types.js';

export interface CaseRunOptions {
  idp: MockIdp;
  issuerName: string;
  profile: string;
  adapter: ClientAdapter;
  redirectUri: string;
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
  /** How long after the issuer's last JWKS request an armed rotation starts (RunOptions.jwksRefetchIntervalMs). */
  jwksRefetchIntervalMs?: number | undefined;
}

function withTimeout(promise: Promise<ClientOutcome>, ms: number): Promise<ClientOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ClientOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: 'timeout', message: `the client did not finish within ${ms} ms` }), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one action; a client that throws instead of reporting is judged on what it threw. */
function perform(adapter: ClientAdapter, action: Action, context: CaseContext, timeoutMs: number, logoutToken: () => Promise<string>): Promise<ClientOutcome> {
  const call = action === 'login' ? adapter.run(context)
    : action === 'refresh' ? adapter.refresh!(context)
    : logoutToken().then((token) => adapter.backchannelLogout!(context, token));
  return withTimeout(
    Promise.resolve(call).catch((error: Error & { code?: string }) => ({ ok: false as const, code: error.code, message: error.message })),
    timeoutMs,
  );
}

/**
 * The case's actions in order. Every action but the last must succeed: a
 * client that fails before the fault arrives has not shown that it catches
 * the fault, so its outcome is reported as a failure of the valid part.
 */
async function performScript(options: CaseRunOptions, testCase: ConformanceCase, script: readonly Action[], context: Omit<CaseContext, 'step' | 'userAgent'>): Promise<ClientOutcome> {
  let outcome: ClientOutcome = { ok: false, message: 'no action ran' };
  let loggedIn: ClientOutcome | undefined;
  let lastLogoutToken: string | undefined;
  // The issuer's back channel, played by the kit: a token about the user of the case's last login.
  const logoutToken = async () => {
    if (testCase.logoutToken?.replay && lastLogoutToken) return lastLogoutToken;
    const issuer = options.idp.issuer(options.issuerName);
    const claims = loggedIn?.ok ? loggedIn.claims : undefined;
    const nested = claims?.claims as Record<string, unknown> | undefined;
    const sub = [claims?.sub, nested?.sub, issuer.users.defaultUser()?.sub].find((v) => typeof v === 'string') as string | undefined;
    const sid = [claims?.sid, nested?.sid].find((v) => typeof v === 'string') as string | undefined;
    lastLogoutToken = await mintLogoutToken({ issuer: context.issuer, clientId: context.clientId, keys: issuer.keys, sub, sid, fault: testCase.logoutToken });
    return lastLogoutToken;
  };
  for (const [step, action] of script.entries()) {
    outcome = await perform(options.adapter, action, { ...context, step, userAgent: new UserAgent() }, options.timeoutMs, logoutToken);
    if (action === 'login') loggedIn = outcome;
    const last = step === script.length - 1;
    if (!outcome.ok && !last && !testCase.everyStepFaulty) {
      return { ok: false, code: 'valid-step-failed', message: `step ${step + 1} (${action}), before the fault, failed: ${outcome.message}` };
    }
  }
  return outcome;
}

/**
 * A long-lived client rate-limits JWKS refetches for an unknown kid (the
 * reference client to one per 10 s), and earlier cases showed it unknown kids
 * on purpose: a rotation starts once that allowance has passed since the
 * issuer's last JWKS request, as a real rotation would, so the case judges
 * the rotation, not the kit's own pace.
 */
async function jwksQuiet(idp: MockIdp, issuerName: string, intervalMs: number): Promise<void> {
  const last = idp.requests.list({ issuer: issuerName, route: 'jwks' }).at(-1);
  const wait = last ? Date.parse(last.time) + intervalMs - Date.now() : 0;
  if (wait > 0) await sleep(wait);
}

/**
 * One case against one client: its own client registration, its scenario
 * armed for that client or served on its own scenario issuer instance, the
 * client's actions, and a verdict from the outcome and the request log.
 */
export async function runCase(options: CaseRunOptions, testCase: ConformanceCase): Promise<CaseResult> {
  const { idp, issuerName, adapter } = options;
  const started = performance.now();
  let registration: Registration;
  try {
    registration = options.fixedClient
      ? { clientId: options.fixedClient.clientId, clientSecret: options.fixedClient.clientSecret ?? '', tokenEndpointAuthMethod: options.fixedClient.tokenEndpointAuthMethod ?? 'client_secret_basic' }
      : await registerClient(idp, issuerName, testCase, options.redirectUri, options.clientDefaults);
  } catch (error) {
    // The issuer's own rules say the case cannot happen there: not the client's doing.
    if (!(error instanceof AdminInputError)) throw error;
    return {
      id: testCase.id, title: testCase.title, area: testCase.area, aliases: testCase.aliases, level: testCase.level, refs: testCase.refs,
      verdict: 'skip', reason: `the issuer refuses this case's client: ${error.message}`, outcome: { ok: false, message: 'not run' }, calls: [], durationMs: 0,
    };
  }
  const { clientId } = registration;
  const armedInstead = testCase.via === 'issuer' && testCase.armable === true && options.armIssuerCases === true;
  const viaIssuer = testCase.scenario !== undefined && testCase.via === 'issuer' && !armedInstead;
  const segment = viaIssuer ? `${testCase.scenario}~${randomBytes(5).toString('hex')}` : undefined;
  if (testCase.scenario && !viaIssuer) idp.admin.arm(issuerName, clientId, testCase.scenario);
  const issuer = segment ? `${idp.issuers[issuerName]!.replace(/\/$/, '')}/s/${segment}` : idp.issuers[issuerName]!;
  const scenarioIssuerName = segment ? `${issuerName}~${segment}` : undefined;
  const firstId = idp.requests.lastId;
  const script = testCase.script ?? ['login'];
  const context: Omit<CaseContext, 'step' | 'userAgent'> = {
    caseId: testCase.id,
    issuer,
    clientId,
    clientSecret: registration.clientSecret,
    redirectUri: options.fixedClient?.redirectUris[0] ?? options.redirectUri,
    tokenEndpointAuthMethod: registration.tokenEndpointAuthMethod,
    privateJwk: registration.privateJwk,
    responseMode: testCase.client?.responseMode,
    template: registration.template,
    idTokenSignedResponseAlg: testCase.client?.idTokenSignedResponseAlg,
    applicationKey: registration.applicationKey,
    profile: options.profile,
    loginParams: testCase.loginParams,
  };
  try {
    if (armedInstead) await jwksQuiet(idp, issuerName, options.jwksRefetchIntervalMs ?? 0);
    const outcome = await performScript(options, testCase, script, context);
    const since = idp.requests.list({ sinceId: firstId });
    // A bounded log that dropped records from this case's window would judge on partial evidence.
    const lost = idp.requests.lastId - firstId - since.length;
    if (lost > 0) {
      return {
        id: testCase.id, title: testCase.title, area: testCase.area, aliases: testCase.aliases, level: testCase.level, refs: testCase.refs,
        verdict: 'fail', outcome, calls: [], durationMs: Math.round(performance.now() - started),
        reason: `could not judge: mock-idp's request log dropped ${lost} record(s) of this case (requestLogSize ${idp.config.requestLogSize}); raise requestLogSize`,
      };
    }
    const log: RequestRecord[] = since
      .filter((r) => r.clientId === clientId || (scenarioIssuerName !== undefined && r.issuer === scenarioIssuerName)
        // JWKS requests name no client; armed, the issuer's own are this client's (it runs alone).
        || (armedInstead && r.issuer === issuerName && r.route === 'jwks'));
    const calls = log.map((r) => r.route ?? r.path);
    const miss = testCase.level === 'MUST' ? 'fail' as const : 'warn' as const;
    const uncalled = testCase.judgedOnCall && !log.some((r) => r.route === testCase.judgedOnCall) ? testCase.judgedOnCall : undefined;
    // mock-idp delivers every fault inside a valid exchange: a request it refused (an unregistered
    // redirect URI, an unknown client) means the client never met the fault, whatever the case expects.
    // The log shows it for this client's own requests; an adapter that saw it (a client_id the log
    // files elsewhere) says so itself.
    const refused = log.find((r) => r.route === 'authorization' && (r.status ?? 0) >= 400);
    const refusal = refused
      ? `mock-idp refused the client's authorization request (${refused.status}${refused.error ? ` ${refused.error}` : ''})${outcome.ok ? '' : `; ${outcome.message}`}`
      : !outcome.ok && outcome.refusedByIdp ? `${outcome.code ? `(${outcome.code}) ` : ''}${outcome.message}` : undefined;
    const { verdict, reason } = refusal
      ? { verdict: miss, reason: `never reached the case's fault: ${refusal}` }
      : !outcome.ok && outcome.code === 'valid-step-failed'
      ? { verdict: miss, reason: outcome.message }
      // Never asked for what the fault is in: a success says nothing, a failure was about something valid.
      : uncalled && outcome.ok ? { verdict: 'skip' as const, reason: `the client never called ${uncalled}, so there is nothing to judge` }
      : uncalled && !outcome.ok ? { verdict: miss, reason: `failed before calling ${uncalled}, where the fault is: ${outcome.message}` }
      : judge(testCase, outcome, testCase.evidence?.(log, { issuer, clientId, script, outcome }));
    return {
      id: testCase.id, title: testCase.title, area: testCase.area, aliases: testCase.aliases, level: testCase.level, refs: testCase.refs,
      verdict, reason, outcome, calls, durationMs: Math.round(performance.now() - started),
    };
  } finally {
    if (testCase.scenario && !viaIssuer) idp.admin.disarm(issuerName, clientId);
    try {
      await adapter.release?.({ ...context, step: script.length, userAgent: new UserAgent() });
    } finally {
      // The case's own scenario issuer instance: a full provider, no use once the case is judged.
      if (segment) idp.issuer(issuerName).releaseScenarioIssuer(segment);
      if (!options.fixedClient) idp.admin.removeClient(issuerName, clientId);
    }
  }
}
