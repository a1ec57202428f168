import type { CaseRun } from './case-run.js';
import { MISS } from './judge.js';
import { PROFILE_CLAIMS, sessionShows } from './session-claims.js';
import {
  type CaseResult,
  type ClientOutcome,
  type ConformanceCase,
  type Premise,
  type Relaxation,
  type RunEvidence,
  VERDICTS,
  type Verdict,
} from './types.js';

/** What the whole run shows the client does, whichever case showed it. */
interface RunFacts {
  /** It started a login somewhere in the run: what it set up or skipped can be told. */
  active: boolean;
  /**
   * It verifies signatures with the issuer's keys: it fetched them in the run, or rejected a token whose one flaw was
   * its signature, with keys it held from before the run (mock-idp's keys are fixed) or pinned in its configuration.
   */
  verifiesSignatures: boolean;
  readJwks: boolean;
  usedAccessToken: boolean;
  /** A third party's request made it start a login (at whichever issuer) in some case of the run. */
  startedThirdPartyLogin: boolean;
  /** It took the redirect back from a sign-out no fault touched, in some case of the run. */
  tookPostLogoutRedirect: boolean;
  /** A state sent, with neither PKCE nor a nonce, that another login of the run sent too. */
  reusedLoneState: string | undefined;
  /** Its session showed the user's profile or email claims after the run's valid login. */
  showedUserClaims: boolean;
  /** It signed in on an ID token that left the profile and email claims to userinfo. */
  acceptedLeanIdToken: boolean;
  refusedExpiredIdToken: boolean;
}

interface RunPremise {
  /** Whether it holds: for the whole run, or (a premise about the case's own login) for this run of the case. */
  holds: (facts: RunFacts, run: CaseRun) => boolean;
  otherwise: string;
  /**
   * Sets aside only what the premise makes unproven (a refusal, a failure to start): a flaw the case's own evidence
   * shows (a redirect to the attacker's page) stands without it.
   */
  keepsShownFlaws?: boolean;
  /** Turns only a pass by refusal into a skip: what it leaves unproven is that the refusal was of the fault. */
  provesRefusalsOnly?: boolean;
  /**
   * Leaves only a verdict on a sign-in standing: a refusal, a crash or a fault never reached may all come from what the
   * premise is about, not from the case's fault.
   */
  onlySignInsStand?: boolean;
  /** Turns into a skip only a pass by signing in: what the premise leaves unproven is that the session shows a use. */
  provesSignInsOnly?: boolean;
  /** Leaves only a verdict on a refusal standing: a sign-in may come from a check the client never makes. */
  onlyRefusalsStand?: boolean;
}

/** Premises only the whole run settles: a client shows that it uses tokens or keys somewhere, not in every case. */
const RUN_PREMISES: Partial<Record<Premise, RunPremise>> = {
  'uses-access-token': {
    holds: (f) => f.usedAccessToken,
    otherwise:
      'the client never used an access token in the run (no userinfo or API call), so one it ' +
      'should not use proves nothing',
  },
  'verifies-signatures': {
    holds: (f) => f.verifiesSignatures,
    otherwise:
      'the client fetched no keys in the run and rejected no forged signature (run id-token-signature-corrupt with ' +
      'this case): nothing shows it verifies signatures, so where it takes keys from says nothing',
  },
  'reads-jwks': {
    holds: (f) => f.readJwks,
    otherwise:
      "the client read the issuer's JWKS in no case of the run (it reads the keys in another form, such as PEM " +
      "certificates, or holds them from before the run), so this case's fault, served in the JWKS, never reached it",
  },
  'starts-third-party-logins': {
    holds: (f) => f.startedThirdPartyLogin,
    keepsShownFlaws: true,
    otherwise:
      "a third party's request never made the client start a login in the run (run third-party-login with this " +
      'case; it says why), so how it answered this one proves nothing',
  },
  'takes-post-logout-redirect': {
    holds: (f) => f.tookPostLogoutRedirect,
    provesRefusalsOnly: true,
    otherwise:
      'the client took the redirect back from no valid sign-out in the run (run rp-logout with this case; it says ' +
      'how that one ended), so refusing this one proves no check of its state',
  },
  'accepts-lean-id-token': {
    holds: (f) => f.acceptedLeanIdToken,
    onlySignInsStand: true,
    otherwise:
      'the client did not sign in on an ID token that leaves the profile and email claims to userinfo (the case ' +
      "userinfo-claims-only, run beside this one, says how that login ended), and this case's ID token leaves them " +
      'too: how it ended may be because of that, not of the userinfo response',
  },
  'refuses-expired-id-token': {
    holds: (f) => f.refusedExpiredIdToken,
    onlyRefusalsStand: true,
    otherwise:
      'the client did not refuse an ID token expired 15 minutes ago when it had the keys (the case ' +
      "id-token-exp-past, run beside this one, says how that login ended), and this case's ID token is expired too: " +
      'signing in on it shows no check left out for want of keys',
  },
  // Settled here, after the run-wide ones before it: a client that fetches no keys at all is told that first.
  'meets-jwks-fault': {
    // An answer mock-idp refused stays not delivered, with its reason.
    holds: (_facts, run) => run.facts?.delivery !== undefined || run.facts?.refusal !== undefined,
    otherwise:
      'the login ended before the client asked for the keys (one that checks the claims first refuses the expired ID ' +
      'token then), so what it does without them is not shown',
  },
  'shows-user-claims': {
    holds: (f) => f.showedUserClaims,
    provesSignInsOnly: true,
    otherwise:
      "signed in, but the run's valid login did not end in a session that shows the user's profile or email claims " +
      '(give the client a who-am-I page that shows them), so a session that shows none of the userinfo ' +
      "response's proves nothing",
  },
};

/** Why the run contradicts a pass, or undefined when it does not. */
const RUN_EVIDENCE: Record<RunEvidence, (facts: RunFacts) => string | undefined> = {
  // A client with PKCE or a nonce may carry its own data in state (RFC 9700 2.1); one with neither has only state.
  'state-unguessable': (f) =>
    f.reusedLoneState === undefined
      ? undefined
      : `it sent the state "${f.reusedLoneState}" in more than one login, with neither PKCE nor a nonce: a ` +
        'state that repeats ties no response to this browser (RFC 6749 10.12: a non-guessable value)',
};

const RUN_RELAXATIONS: Partial<Record<Relaxation, (facts: RunFacts) => boolean>> = {
  'verifies-no-signatures': (f) => !f.verifiesSignatures,
};

/** The client's refusal the case passed by (a timeout included), if it passed by one. */
const refusalPassed = (result: CaseResult): Extract<ClientOutcome, { ok: false }> | undefined =>
  result.verdict === 'pass' && !result.outcome.ok ? result.outcome : undefined;

function settle(testCase: ConformanceCase, run: CaseRun, facts: RunFacts): CaseResult {
  const { result } = run;
  if (result.verdict === 'skip') return result;
  // Also over an undelivered fault: a JWKS fault never reaches a client that never asks for keys, and need not;
  // but a client that never started a login showed nothing it skips.
  if (result.verdict === 'not-delivered' && !facts.active) return result;
  for (const premise of testCase.premises ?? []) {
    const check = RUN_PREMISES[premise];
    const shown = check?.keepsShownFlaws && run.shownFlaw !== undefined && result.verdict === MISS[result.level];
    const standing =
      shown ||
      (check?.provesRefusalsOnly && !refusalPassed(result)) ||
      (check?.onlySignInsStand && result.outcome.ok) ||
      (check?.onlyRefusalsStand && !result.outcome.ok) ||
      (check?.provesSignInsOnly && !(result.verdict === 'pass' && result.outcome.ok));
    if (check && !check.holds(facts, run) && !standing) return { ...result, verdict: 'skip', reason: check.otherwise };
  }
  const contradiction = testCase.runEvidence && RUN_EVIDENCE[testCase.runEvidence](facts);
  if (contradiction && result.verdict === 'pass')
    return { ...result, verdict: MISS[result.level], reason: `completed, but ${contradiction}` };
  const relaxed = testCase.relaxed;
  const applies = relaxed && RUN_RELAXATIONS[relaxed.when]?.(facts);
  if (relaxed && applies && result.verdict === MISS[result.level] && result.verdict !== 'pass') {
    return {
      ...result,
      level: relaxed.level,
      verdict: MISS[relaxed.level],
      reason: `${result.reason} (${relaxed.level}: ${relaxed.because})`,
    };
  }
  return result;
}

/**
 * A state sent with neither PKCE nor a nonce that the client also sent in a login of another case. A login two cases
 * share (a fixed client's baseline is its first case) counts once, and repeats within one case (a PAR login, a
 * restarted one) are that case's own business.
 */
function reusedLoneState(runs: readonly CaseRun[]): string | undefined {
  const counted = new Set<number>();
  const casesSending = new Map<string, number>();
  for (const run of runs) {
    const fresh = (run.facts?.states ?? []).filter((s) => !counted.has(s.request));
    for (const s of fresh) counted.add(s.request);
    for (const state of new Set(fresh.map((s) => s.state))) casesSending.set(state, (casesSending.get(state) ?? 0) + 1);
  }
  return runs.flatMap((run) => run.facts?.states ?? []).find((s) => s.alone && (casesSending.get(s.state) ?? 0) > 1)
    ?.state;
}

/**
 * A case whose token only a signature check tells from a valid one was rejected, while the run's valid login
 * completed: the client verifies signatures with the issuer's keys, whether it fetched them in the run or not.
 */
function rejectedForgedSignature(
  cases: readonly ConformanceCase[],
  runs: readonly CaseRun[],
  baseline: CaseRun | undefined,
): boolean {
  return refusedShowing(
    'verifies-signatures',
    runs.map((run, index) => ({ testCase: cases[index]!, run })),
    baseline,
  );
}

/**
 * A case whose refusal shows the premise ended in one, after a valid login showed the client can sign in: for
 * verifies-signatures a refusal the case passed by; for refuses-expired-id-token any refusal of the delivered token, an
 * error page included, since its exp is all that differs from the valid login's.
 */
function refusedShowing(
  premise: NonNullable<ConformanceCase['rejectionShows']>,
  played: readonly { testCase: ConformanceCase; run: CaseRun }[],
  baseline: CaseRun | undefined,
): boolean {
  if (baseline?.result.outcome.ok !== true) return false;
  return played.some(({ testCase, run }) => {
    if (testCase.rejectionShows !== premise) return false;
    const { verdict, outcome } = run.result;
    const refusal =
      premise === 'verifies-signatures'
        ? refusalPassed(run.result)
        : !outcome.ok && verdict !== 'skip' && verdict !== 'not-delivered'
          ? outcome
          : undefined;
    // A timeout passes a case that expects a rejection, but shows no check of anything.
    return refusal !== undefined && refusal.code !== 'timeout';
  });
}

/**
 * The run's valid login ended in a session that shows the user's profile or email claims (the values its ID token
 * carried), as JSON or on its who-am-I page.
 */
function showedUserClaims(baseline: CaseRun | undefined): boolean {
  const shows = sessionShows(baseline?.result.outcome);
  const issued = baseline?.facts?.idTokenClaims;
  return (
    shows !== undefined &&
    PROFILE_CLAIMS.some((name) => typeof issued?.[name] === 'string' && shows(issued[name] as string))
  );
}

/**
 * The judgements that need the whole run: a case is judged on the client's
 * premises (does it use access tokens, does it fetch keys at all) as every
 * case, the baseline first, showed them.
 */
export function settleRunWide(
  cases: readonly ConformanceCase[],
  runs: readonly CaseRun[],
  baseline: CaseRun | undefined,
  unreported: readonly { testCase: ConformanceCase; run: CaseRun }[] = [],
): CaseResult[] {
  const played = [...runs.map((run, index) => ({ testCase: cases[index]!, run })), ...unreported];
  const all = [...runs, ...(baseline ? [baseline] : [])];
  const facts: RunFacts = {
    active: all.some((run) => run.facts?.authorization !== undefined),
    verifiesSignatures:
      all.some((run) => run.facts?.fetchedKeys === true) || rejectedForgedSignature(cases, runs, baseline),
    readJwks: all.some((run) => run.facts?.readJwks === true),
    usedAccessToken: all.some((run) => run.facts?.usedAccessToken === true),
    startedThirdPartyLogin: runs.some(
      (run, index) => cases[index]!.thirdPartyLogin !== undefined && run.facts?.authorization !== undefined,
    ),
    tookPostLogoutRedirect: runs.some(
      (run, index) =>
        cases[index]!.script?.includes('logout') === true &&
        cases[index]!.scenario === undefined &&
        run.result.outcome.ok,
    ),
    reusedLoneState: reusedLoneState(all),
    showedUserClaims: showedUserClaims(baseline),
    acceptedLeanIdToken: played.some(
      ({ testCase, run }) => testCase.acceptanceShows === 'accepts-lean-id-token' && run.result.outcome.ok,
    ),
    refusedExpiredIdToken: refusedShowing('refuses-expired-id-token', played, baseline),
  };
  return runs.map((run, index) => settle(cases[index]!, run, facts));
}

export function summarize(results: readonly CaseResult[]): Record<Verdict, number> {
  const summary = Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0])) as Record<Verdict, number>;
  for (const result of results) summary[result.verdict] += 1;
  return summary;
}
