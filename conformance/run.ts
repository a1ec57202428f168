import { performance } from 'node:perf_hooks';
import type { MockIdp } from '../mock-idp/index.js';
import { type CaseRun, runCase, skippedCase } from './case-run.js';
import { cases as catalog } from './cases/index.js';
import { Lane } from './lane.js';
import { registerFixedClient } from './registration.js';
import { settleRunWide, summarize } from './run-wide.js';
import type {
  Action,
  Capability,
  CaseResult,
  ClientAdapter,
  ClientDefaults,
  ConformanceCase,
  ConformanceReport,
  FixedClient,
  IssuerMetadata,
  TokenEndpointAuthMethod,
} from './types.js';

export interface RunOptions {
  /** A running mock-idp (startMockIdp or the vitest globalSetup's). */
  idp: MockIdp;
  /** The issuer name to test against; default "generic". */
  issuer?: string | undefined;
  adapter: ClientAdapter;
  /** Only these case ids; default the whole catalog. */
  only?: readonly string[];
  /**
   * Cases acting at once (a rotation waiting out the client's refetch allowance does not count): each has
   * its own client, so they do not interfere. Default 6.
   */
  concurrency?: number;
  /** Give up on a client action that neither finishes nor fails; default 10 s. */
  timeoutMs?: number;
  redirectUri?: string;
  /**
   * The post_logout_redirect_uri a case that signs out registers its own client with; default `signed-out` beside
   * redirectUri.
   */
  postLogoutRedirectUri?: string;
  /** How each case's own client is registered when the case does not say (a CLI: native, public). */
  clientDefaults?: ClientDefaults;
  /**
   * A client whose registration is fixed in its own configuration, such as a
   * web app under black-box test: it is registered once, and cases run one at
   * a time with their scenario armed on its client_id.
   */
  client?: FixedClient;
  /**
   * The longest the client may hold off refetching the JWKS for an unknown
   * kid: a key rotation reaches it this long after its last JWKS request.
   * Default 10 s, the reference client's own limit (openid-client's is 60 s:
   * give it 61 000); 0 rotates at once.
   */
  jwksRefetchIntervalMs?: number;
  /**
   * The clock skew the client tolerates, in seconds (default 60): cases whose
   * fault is a skew within it expect no rejection, and cases of a skew beyond it
   * expect no acceptance.
   */
  clockToleranceSeconds?: number;
  /** Called as each case ends: console progress. */
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

function capabilitiesOf(adapter: ClientAdapter): Set<Capability> {
  const capabilities = new Set<Capability>(adapter.capabilities ?? []);
  if (adapter.refresh) capabilities.add('refresh');
  if (adapter.logout) capabilities.add('logout');
  if (adapter.backchannelLogout) capabilities.add('backchannel-logout');
  return capabilities;
}

interface IssuerFacts {
  profile: string;
  oauth2: boolean;
  /** The discovery document; empty for a plain OAuth 2 issuer. */
  metadata: IssuerMetadata;
  /** How a case's client authenticates when nothing says otherwise. */
  defaultMethod: TokenEndpointAuthMethod;
}

/** client_secret_basic, as RFC 6749 prefers, unless the issuer takes only others (Stitch: post or private_key_jwt). */
function defaultMethodOf(metadata: IssuerMetadata): TokenEndpointAuthMethod {
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (!Array.isArray(supported) || supported.includes('client_secret_basic')) return 'client_secret_basic';
  return (
    (['client_secret_post', 'client_secret_jwt'] as const).find((m) => supported.includes(m)) ?? 'client_secret_basic'
  );
}

const isAdvertised = (value: unknown) =>
  value === true || (Array.isArray(value) && value.length > 0) || (typeof value === 'string' && value !== '');

/** A signing alg a case registers, the discovery field that advertises it, and what it signs. */
const SIGNED_RESPONSES = [
  ['idTokenSignedResponseAlg', 'id_token_signing_alg_values_supported', 'ID tokens'],
  ['userinfoSignedResponseAlg', 'userinfo_signing_alg_values_supported', 'userinfo'],
] as const;

/** Why a case does not apply to this client on this issuer, or undefined when it does. */
function skipReason(
  testCase: ConformanceCase,
  issuer: IssuerFacts,
  capabilities: Set<Capability>,
  fixedClientId: string | undefined,
  defaults: ClientDefaults | undefined,
): string | undefined {
  const fixedClient = fixedClientId !== undefined;
  // A case asking for a copy of a fixture client can run on that very client (an app configured as okta-web).
  const isTemplate =
    testCase.client !== undefined &&
    Object.keys(testCase.client).length === 1 &&
    testCase.client.template === fixedClientId;
  if (testCase.profiles && !testCase.profiles.includes(issuer.profile))
    return `only for ${testCase.profiles.join(', ')} issuers`;
  if (fixedClient && testCase.client && !isTemplate)
    return "needs a client registered its own way; this client's registration is fixed";
  if (issuer.oauth2 && !testCase.oauth2) return 'an OpenID Connect case; this issuer is plain OAuth 2';
  const exception = testCase.except?.[issuer.profile];
  if (exception) return exception;
  if (testCase.advertised && !isAdvertised(issuer.metadata[testCase.advertised]))
    return `the issuer does not advertise ${testCase.advertised}`;
  const method = testCase.client?.tokenEndpointAuthMethod;
  const methods = issuer.metadata.token_endpoint_auth_methods_supported;
  if (method && Array.isArray(methods) && !methods.includes(method)) return `the issuer does not support ${method}`;
  for (const [field, metadata, what] of SIGNED_RESPONSES) {
    const alg = testCase.client?.[field];
    const algs = issuer.metadata[metadata];
    if (alg && !(Array.isArray(algs) && algs.includes(alg))) return `the issuer does not sign ${what} with ${alg}`;
  }
  const ownMethod = defaults?.tokenEndpointAuthMethod ?? issuer.defaultMethod;
  // An HMAC-signed ID token is keyed with the client secret (OIDC Core 10.1), which a public client has none of.
  const idTokenAlg = testCase.client?.idTokenSignedResponseAlg;
  if (idTokenAlg?.startsWith('HS') && (testCase.client?.tokenEndpointAuthMethod ?? ownMethod) === 'none')
    return `a public client has no client secret to key an ${idTokenAlg} ID token with`;
  const needs = [
    ...(testCase.requires ?? []),
    ...(testCase.script ?? []).filter((a): a is Exclude<Action, 'login'> => a !== 'login'),
  ];
  // A client that cannot be sent to a scenario issuer meets the cases that allow it armed on its client_id.
  if (testCase.via === 'issuer' && !(testCase.armable || testCase.armedAs)) needs.push('issuer-url');
  // Another auth method than the client's own kind uses needs a client that can switch.
  if (testCase.client?.tokenEndpointAuthMethod && testCase.client.tokenEndpointAuthMethod !== ownMethod)
    needs.push('client-auth');
  const missing = [...new Set(needs)].filter((c) => !capabilities.has(c));
  return missing.length ? `the client lacks: ${missing.join(', ')}` : undefined;
}

/** The valid login every run starts with. */
const BASELINE = 'happy-path';

/** Runs the catalog (or `only`) against one client, in parallel, and returns the report. */
export async function runConformance(options: RunOptions): Promise<ConformanceReport> {
  const issuerName = options.issuer ?? 'generic';
  const summaryOfIssuer = options.idp.describe().find((i) => i.name === issuerName);
  if (!summaryOfIssuer)
    throw new Error(`no issuer named "${issuerName}" (issuers: ${Object.keys(options.idp.issuers).join(', ')})`);
  const unknown = (options.only ?? []).filter((id) => !catalog.some((c) => c.id === id));
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(', ')}`);
  const selected = catalog.filter((c) => !options.only || options.only.includes(c.id));
  const capabilities = capabilitiesOf(options.adapter);
  const metadata = summaryOfIssuer.discovery
    ? ((await (await fetch(summaryOfIssuer.discovery)).json()) as IssuerMetadata)
    : {};
  const facts: IssuerFacts = {
    profile: summaryOfIssuer.profile,
    oauth2: summaryOfIssuer.discovery === undefined,
    metadata,
    defaultMethod: defaultMethodOf(metadata),
  };
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:3000/callback';
  const caseOptions = {
    idp: options.idp,
    issuerName,
    profile: summaryOfIssuer.profile,
    adapter: options.adapter,
    redirectUri,
    postLogoutRedirectUri: options.postLogoutRedirectUri ?? new URL('signed-out', redirectUri).href,
    timeoutMs: options.timeoutMs ?? 10_000,
    clientDefaults: {
      tokenEndpointAuthMethod: facts.defaultMethod,
      ...(options.clientDefaults ?? options.adapter.registration),
    },
    fixedClient: options.client,
    armIssuerCases: !capabilities.has('issuer-url'),
    jwksRefetchIntervalMs: options.jwksRefetchIntervalMs ?? 10_000,
    runStartedAt: options.client ? Date.now() : undefined,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 60,
  };
  if (options.client) await registerFixedClient(options.idp, issuerName, options.client);
  // One client_id can carry one scenario at a time.
  const lane = new Lane(options.client ? 1 : (options.concurrency ?? 6));
  // A case's own client meets one rotation; a fixed client meets every rotation of the run, and only the
  // first can be sure the allowance was not used up by an earlier one.
  let rotationsMet = 0;
  const mayRotateAtOnce = () => !options.client || rotationsMet++ === 0;
  let releaseFixedClient: (() => void | Promise<void>) | undefined;
  const deferRelease = (release: () => void | Promise<void>) => {
    releaseFixedClient = release;
  };
  const played = { ...caseOptions, lane, mayRotateAtOnce, ...(options.client ? { deferRelease } : {}) };

  const started = performance.now();
  const startedAt = new Date().toISOString();
  const runs: CaseRun[] = new Array(selected.length);
  const play = async (testCase: ConformanceCase): Promise<CaseRun> => {
    const first = await runCase(played, testCase, { rotation: 'at-once' });
    if (first.rotatedTooSoon === undefined) return first;
    // Rejected a rotation that came sooner than the client's allowance: that says nothing, the next one does.
    return runCase(played, testCase, { rotation: 'after-allowance', notBefore: first.rotatedTooSoon });
  };
  const runOne = (index: number): Promise<CaseRun> => {
    const testCase = selected[index]!;
    const reason = skipReason(testCase, facts, capabilities, options.client?.clientId, caseOptions.clientDefaults);
    return reason ? Promise.resolve({ result: skippedCase(testCase, reason), facts: undefined }) : play(testCase);
  };
  let done = 0;
  const report = (index: number, run: CaseRun) => {
    runs[index] = run;
    options.onResult?.(run.result, ++done, selected.length);
  };
  // The baseline first, alone: a valid login, on an issuer instance of its own, shows what the client
  // sets up (state, nonce, PKCE) and whether it fetches keys, which later verdicts depend on.
  const baseline = catalog.find((c) => c.id === BASELINE)!;
  const baselineIndex = selected.indexOf(baseline);
  const hiddenSkip = skipReason(baseline, facts, capabilities, options.client?.clientId, caseOptions.clientDefaults);
  let baselineRun: CaseRun | undefined;
  const unreported: { testCase: ConformanceCase; run: CaseRun }[] = [];
  try {
    baselineRun = baselineIndex !== -1 ? await runOne(baselineIndex) : hiddenSkip ? undefined : await play(baseline);
    if (baselineIndex !== -1) report(baselineIndex, baselineRun!);
    const order = selected.map((_, index) => index).filter((index) => index !== baselineIndex);
    // Rotations next, so that their waits overlap the other cases; for a fixed client, the first rotation before
    // any case has shown it an unknown kid, so that it needs no wait.
    // Before them, a fixed client's single-key case: it needs the issuer's JWKS as the client first saw it.
    const rank = (c: ConformanceCase) =>
      c.armedAs?.onlyIf && caseOptions.armIssuerCases ? 2 : c.rotationStep !== undefined ? 1 : 0;
    order.sort((a, b) => rank(selected[b]!) - rank(selected[a]!));
    // A case whose acceptance shows what selected cases' premises need runs unreported when not selected itself, as the
    // baseline does: a run of the userinfo cases alone judges them as the whole catalog would.
    const needed = new Set(selected.flatMap((c) => c.premises ?? []));
    const showing = catalog.filter(
      (c) =>
        // Not verifies-signatures: a fetch of the keys shows it as well, and its premise names the case to run with.
        [c.acceptanceShows, c.rejectionShows].some(
          (shown) => shown !== undefined && shown !== 'verifies-signatures' && needed.has(shown),
        ) &&
        !selected.includes(c) &&
        !skipReason(c, facts, capabilities, options.client?.clientId, caseOptions.clientDefaults),
    );
    // Every case queues for a slot now, in this order; a rotation gives its slot back while it waits.
    await Promise.all([
      ...order.map(async (index) => report(index, await runOne(index))),
      ...showing.map(async (testCase) => unreported.push({ testCase, run: await play(testCase) })),
    ]);
  } finally {
    try {
      // Also when a case threw: the adapter's hold on the fixed client (a command still running, say) is let go.
      await releaseFixedClient?.();
    } finally {
      // Every case is over: what the adapter holds for the whole run (a browser) can go.
      await options.adapter.close?.();
    }
  }
  const results = settleRunWide(selected, runs, baselineRun, unreported);
  const summary = summarize(results);
  return {
    client: options.adapter.name,
    issuer: options.idp.issuers[issuerName]!,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    results,
    summary,
    passed: summary.fail === 0 && summary['not-delivered'] === 0,
  };
}
