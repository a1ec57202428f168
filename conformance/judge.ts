import type { RequestRecord } from '../mock-idp/index.js';
import type { CaseFacts } from './facts.js';
import { describeRefusal, logoutParam } from './facts.js';
import type { ClientOutcome, ConformanceCase, JudgedOnCall, Level, Premise, Relaxation, Verdict } from './types.js';

export interface Judgement {
  verdict: Verdict;
  reason: string;
  level: Level;
}

/** What a missed case costs at each level. */
export const MISS: Readonly<Record<Level, Verdict>> = { MUST: 'fail', SHOULD: 'warn', MAY: 'info' };

/** What the case's request log shows, or why it could not be read whole. */
export type LogEvidence =
  | {
      facts: CaseFacts;
      /** The reason the case's evidence fails it, if it does. */
      failure: string | undefined;
    }
  | { lost: string };

export interface JudgeInput {
  testCase: ConformanceCase;
  outcome: ClientOutcome;
  evidence: LogEvidence;
  /** The case has a fault to deliver (a scenario, or a logout token the kit sends). */
  hasFault: boolean;
  /** The kit itself delivered the fault (a logout token posted to the client). */
  deliveredByKit: boolean;
  /** The client's declared clock tolerance, in seconds. */
  clockToleranceSeconds: number;
}

/** A JudgeInput whose log was read whole. */
interface OnTheLog extends Omit<JudgeInput, 'evidence'> {
  facts: CaseFacts;
  evidenceFailure: string | undefined;
}

/** Relaxations the case's own log settles; the run-wide ones are settled when the run is over. */
const CASE_RELAXATIONS: Partial<Record<Relaxation, (facts: CaseFacts) => boolean>> = {
  // Its MUST, preventing code injection, is code-injection-nonce-or-pkce's: one miss is not failed twice.
  'confidential-without-pkce': (f) => f.confidential && !f.sentPkce,
  'state-not-sole-csrf-defence': (f) => f.sentPkce || f.sentNonce,
};

interface CasePremise {
  holds: (facts: CaseFacts) => boolean;
  /** Why the case is skipped when the premise does not hold. */
  otherwise: string;
  /** Where the premise not holding is itself the flaw the case looks for: why it is a miss, not a skip. */
  missedWhen?: (facts: CaseFacts) => string | undefined;
}

/** The value each login sent is not the same every time (or there was one login at most). */
const varies = (values: readonly string[]) => values.length < 2 || new Set(values).size > 1;

/** Premises the case's own log can settle; the run-wide ones are settled when the run is over. */
const CASE_PREMISES: Partial<Record<Premise, CasePremise>> = {
  'sent-state': {
    holds: (f) => f.sentState,
    otherwise:
      'the client sent no state, so a forged or missing one proves nothing; its CSRF protection ' +
      'is judged by csrf-protection',
  },
  'sent-nonce': {
    holds: (f) => f.sentNonce,
    otherwise:
      'the client sent no nonce, so there is none to check; code injection protection is judged ' +
      'by code-injection-nonce-or-pkce',
  },
  'sent-logout-state': {
    // A client that never asked the issuer to sign out is judgedOnCall's to skip, with its own reason. The issuer sends
    // the browser back only to a post_logout_redirect_uri it can check against a client the request names.
    holds: (f) => {
      // A request the issuer refused and the client then sent again: the one taken is what a redirect back answers.
      const request = f.acceptedEndSession ?? f.endSession;
      return (
        request === undefined ||
        (['state', 'post_logout_redirect_uri'].every((name) => logoutParam(request, name) !== undefined) &&
          ['id_token_hint', 'client_id'].some((name) => logoutParam(request, name) !== undefined))
      );
    },
    otherwise:
      'the client asked for no state to come back: its logout request lacks a state, a post_logout_redirect_uri, or ' +
      'an id_token_hint or client_id naming it, all of which RP-Initiated Logout leaves optional',
  },
  'state-varies': {
    holds: (f) => varies(f.states.map((s) => s.state)),
    otherwise:
      'the client sent the same state in both logins, so a replayed state is the one it sent: its state ' +
      "carries the app's own data, not a one-time value; csrf-protection judges what protects the redirect",
    missedWhen: (f) =>
      f.states.every((s) => s.alone)
        ? 'it sent the same state in both logins, with neither PKCE nor a nonce: a replayed response cannot be ' +
          'told apart (RFC 6749 10.12: a non-guessable value)'
        : undefined,
  },
  'nonce-varies': {
    holds: (f) => varies(f.nonces),
    otherwise:
      "the client sent the same nonce in both logins, so another login's nonce is the one it sent; PKCE protects it " +
      'from a code injected from another login (code-injection-nonce-or-pkce)',
    missedWhen: (f) =>
      f.sentPkce
        ? undefined
        : 'it sent the same nonce in both logins, without PKCE: a code injected from another login brings the ' +
          'nonce this one expects (RFC 9700 2.1.1: it must prevent code injection; OIDC Core 15.5.2: a nonce ' +
          'holds per-session state)',
  },
};

interface OptionalCall {
  made: (facts: CaseFacts) => boolean;
  /** Why the case says nothing when the client never made the call. */
  skip: string;
  /** What a failure before the call is. */
  failedBefore: string;
  /**
   * Where the issuer refused the call: not delivered whatever the client then reports, unless the case's evidence
   * shows the refusal was of the client's own making.
   */
  refusal?: (facts: CaseFacts) => RequestRecord | undefined;
}

/** The requests a client may leave out (ConformanceCase.judgedOnCall): how the log shows one, and what says so. */
const OPTIONAL_CALLS: Readonly<Record<JudgedOnCall, OptionalCall>> = {
  userinfo: {
    made: (f) => f.calledUserinfo,
    skip: 'the client never called userinfo, so there is nothing to judge',
    failedBefore: 'failed before calling userinfo',
  },
  end_session: {
    made: (f) => f.endSession !== undefined,
    skip:
      'the client signs out without RP-initiated logout (no request to the end_session_endpoint), which ' +
      'the spec leaves to it',
    failedBefore: 'its sign-out failed before any logout request to the issuer',
    refusal: (f) => f.logoutRefusal,
  },
};

function rejection(outcome: ClientOutcome): string {
  return outcome.ok ? '' : `${outcome.code ? `(${outcome.code}) ` : ''}${outcome.message}`;
}

/** A premise the case's log shows missing: the case is skipped, or missed where the missing premise is the flaw. */
function missingPremise({ testCase, facts }: OnTheLog): { skip: string } | { miss: string } | undefined {
  // With no authorization request at all nothing was set up or skipped: that is judged as not delivered.
  if (!facts.authorization) return undefined;
  for (const premise of testCase.premises ?? []) {
    const check = CASE_PREMISES[premise];
    if (!check || check.holds(facts)) continue;
    // A login mock-idp refused shows nothing the client chose: no flaw is read from it.
    const flaw = facts.refusal ? undefined : check.missedWhen?.(facts);
    return flaw ? { miss: flaw } : { skip: check.otherwise };
  }
  return undefined;
}

/** Why the case says nothing about this client at its declared clock tolerance, or undefined when it applies. */
function outsideTolerance({ testCase, clockToleranceSeconds }: OnTheLog): string | undefined {
  const skew = testCase.skewSeconds;
  if (skew !== undefined) {
    if (testCase.expect === 'reject' && skew <= clockToleranceSeconds)
      return (
        `the fault is ${skew} s off, within the client's declared clock tolerance of ` +
        `${clockToleranceSeconds} s (--clock-tolerance)`
      );
    if (testCase.expect === 'accept' && skew > clockToleranceSeconds)
      return (
        `the fault is ${skew} s off, beyond the client's declared clock tolerance of ` +
        `${clockToleranceSeconds} s (--clock-tolerance)`
      );
  }
  return undefined;
}

/** The level the spec asks of this client, where the case's own log settles it. */
function levelFor(testCase: ConformanceCase, facts: CaseFacts): { level: Level; because?: string } {
  const relaxed = testCase.relaxed;
  if (relaxed && CASE_RELAXATIONS[relaxed.when]?.(facts)) return { level: relaxed.level, because: relaxed.because };
  return { level: testCase.level };
}

/**
 * The verdict of one case that ran, in order: is its log whole; does the case
 * apply; did its fault reach the client; did the client fail before it; what
 * did the client do with it, on its own word and on the IdP's request log.
 */
export function judge(input: JudgeInput): Judgement {
  const { evidence, ...rest } = input;
  // Partial evidence could pass a client that erred: the case fails, and says how to get whole evidence.
  if ('lost' in evidence)
    return { verdict: 'fail', level: input.testCase.level, reason: `could not judge: ${evidence.lost}` };
  return judgeOnLog({ ...rest, facts: evidence.facts, evidenceFailure: evidence.failure });
}

function judgeOnLog(input: OnTheLog): Judgement {
  const { testCase, outcome, facts, evidenceFailure } = input;
  const { level, because } = levelFor(testCase, facts);
  const miss = (reason: string): Judgement => ({
    verdict: MISS[level],
    level,
    reason: because ? `${reason} (${level}: ${because})` : reason,
  });
  const done = (verdict: Verdict, reason: string): Judgement => ({ verdict, level, reason });

  const premise = missingPremise(input);
  if (premise) return 'miss' in premise ? miss(premise.miss) : done('skip', premise.skip);
  const skip = outsideTolerance(input);
  if (skip) return done('skip', skip);

  const refused = facts.refusal
    ? describeRefusal(facts.refusal)
    : !outcome.ok && outcome.refusedByIdp
      ? rejection(outcome)
      : undefined;
  const notDelivered = (why: string) =>
    done(
      'not-delivered',
      `${why}${outcome.ok || why.endsWith(rejection(outcome)) ? '' : `; the client said ${rejection(outcome)}`}`,
    );
  // Every case's script starts with a login: one the issuer never saw is no login, whatever the client says. Unless
  // a fault served before it (a discovery document's) sent the client elsewhere: that is judged as using the fault.
  if (!facts.authorization && outcome.ok && !facts.delivery) {
    // Where starting no login is an answer, a page of the client's own instead is that answer, open to the evidence.
    if (!testCase.loginOptional)
      return notDelivered('the client reported a login, but made no authorization request to the issuer');
    return evidenceFailure
      ? miss(`started no login, but ${evidenceFailure}`)
      : done('pass', 'started no login: the client answered with a page of its own');
  }
  // The kit could not start the action at all (a sign-out or login initiation path the app answered 4xx or lacks):
  // how the app would answer, unknown.
  if (!outcome.ok && outcome.code === 'action-refused') return notDelivered(refused ?? rejection(outcome));
  const call = testCase.judgedOnCall && OPTIONAL_CALLS[testCase.judgedOnCall];
  const skippedCall = call && !call.made(facts) ? call : undefined;
  // The kit's browser could not read the app's answer (its headers overflowed the browser's limit, the page crashed or
  // never settled): what the app made of the case is unknown, and unknown is neither a pass nor a miss, whatever the
  // case waits for. Unless the request log already shows a miss; but not where the client skipped the case's call,
  // since an unread success is then a skip.
  if (!outcome.ok && outcome.code === 'unreadable' && (!evidenceFailure || skippedCall))
    return notDelivered(`the client's answer is unknown: ${rejection(outcome)}`);
  // Never asked for what the fault is in: a success says nothing, a failure was about something valid.
  if (skippedCall) {
    if (outcome.ok) return done('skip', skippedCall.skip);
    if (refused) return notDelivered(refused);
    // The login before it failed: that step's own message says so.
    if (outcome.code === 'valid-step-failed' && facts.authorization)
      return testCase.judgedBy === 'evidence'
        ? done('skip', `nothing to judge: ${outcome.message}`)
        : miss(outcome.message);
    // What it would have sent is the case: a failure before sending it is another case's miss.
    if (testCase.judgedBy === 'evidence')
      return done('skip', `nothing to judge: ${skippedCall.failedBefore}: ${rejection(outcome)}`);
    if (input.hasFault)
      return notDelivered(`the fault was never served: ${skippedCall.failedBefore}, where the fault is`);
    // What its requests already showed comes first: it is a miss of its own, the failure after it another case's.
    return miss(`${evidenceFailure ? `${evidenceFailure}; ` : ''}${skippedCall.failedBefore}: ${rejection(outcome)}`);
  }
  const callRefused = call?.refusal?.(facts);
  if (callRefused && !evidenceFailure) return notDelivered(describeRefusal(callRefused));
  // A refusal of its own making explains the failure better than the page the client stopped on.
  if (callRefused && !outcome.ok) return miss(`${evidenceFailure}; the client said ${rejection(outcome)}`);
  // It started a valid login before the one the fault waits for, and failed it: a miss of its own, not an undelivered
  // fault, unless mock-idp refused it. A client that never reached the issuer stays "not delivered".
  const failedValidStep = !outcome.ok && outcome.code === 'valid-step-failed' && facts.authorization !== undefined;
  if (failedValidStep && !refused && !facts.delivery) return miss(outcome.message);
  const delivered = !input.hasFault || facts.delivery !== undefined || input.deliveredByKit;
  if (!delivered) {
    const why =
      refused ??
      (facts.authorization
        ? 'the client never made the request the fault is served on, ' +
          "or the issuer's answer had nothing for the fault to change"
        : 'the client made no authorization request');
    return notDelivered(`the fault was never served: ${why}`);
  }
  // A flow with nothing faulty that mock-idp refused says nothing of the client, unless the case's evidence explains
  // why.
  if (!outcome.ok && refused && !evidenceFailure && !input.hasFault) return notDelivered(refused);
  if (!outcome.ok && outcome.code === 'valid-step-failed')
    return refused && !facts.delivery ? notDelivered(refused) : miss(outcome.message);

  // A code flow login ends with the code redeemed: a success without that is a claim the log does not back.
  const unredeemed = outcome.ok && testCase.expect !== 'reject' && !facts.redeemedCode && !facts.delivery;
  if (unredeemed) return miss('reported a login, but never redeemed the authorization code at the token endpoint');
  if (testCase.judgedBy === 'evidence')
    return evidenceFailure ? miss(evidenceFailure) : done('pass', 'what it sent the issuer meets the rule');
  if (testCase.expect === 'accept') {
    // Its session ended and it refused only the redirect back: the sign-out is done; whether it refuses every such
    // redirect is the state cases' question (takes-post-logout-redirect).
    if (!outcome.ok && outcome.code !== 'post-logout-refused')
      return miss(`failed a valid flow: ${rejection(outcome)}`);
    if (evidenceFailure) return miss(`completed, but ${evidenceFailure}`);
    return done('pass', `completed the flow${outcome.ok ? '' : `; ${outcome.message}`}`);
  }
  // It did not take the fault, but a server error is no answer to give a user, where rejecting is allowed or due;
  // on a MAY case no worse than missing it. Black-box, a crash and an error page served as a 5xx look alike: the
  // reason names the status, not a cause the kit cannot see.
  // No answer at all (a connection closed on the browser, a redirect loop) is no cleaner.
  const unclean = !outcome.ok && ((outcome.status ?? 0) >= 500 || outcome.code === 'unreachable');
  const crashed = () =>
    done(
      level === 'MAY' ? 'info' : 'warn',
      `${outcome.ok || outcome.status === undefined ? 'no answer' : `a server error (HTTP ${outcome.status})`} ` +
        `instead of a clean rejection: ${rejection(outcome)}`,
    );
  // Its sign-out answered the redirect back from the issuer as a success and then kept its session: it took that
  // redirect, faulty or not; the session it kept is rp-logout's miss. Answered with a 4xx, it refused it.
  const tookIt = outcome.ok || (outcome.code === 'still-signed-in' && (outcome.status ?? 0) < 400);
  if (testCase.expect === 'either') {
    if (evidenceFailure) return miss(`${tookIt ? 'accepted' : 'rejected'}, but ${evidenceFailure}`);
    if (tookIt) return done('pass', 'accepted (allowed)');
    return unclean ? crashed() : done('pass', `rejected (allowed): ${rejection(outcome)}`);
  }
  if (outcome.ok && testCase.mayBeSetAside) {
    const read = testCase.mayBeSetAside(outcome, facts);
    if (!read) return done('skip', NOTHING_SHOWS_USE);
    return 'used' in read ? miss(`signed in and used it: ${read.used}`) : done('pass', `signed in, ${read.setAside}`);
  }
  if (tookIt) return miss(accepted(testCase, input.clockToleranceSeconds));
  // Its login went where the faulty answer pointed: that is using the fault, whatever happened next.
  if (outcome.code === 'left-issuer') return miss(`followed it: ${outcome.message}`);
  if (evidenceFailure) return miss(`rejected, but ${evidenceFailure}`);
  if (unclean) return crashed();
  return done('pass', `rejected: ${rejection(outcome)}`);
}

const NOTHING_SHOWS_USE =
  'signed in, and nothing its session shows tells whether it used the faulty response (a miss) or set it aside ' +
  'and signed in on the ID token alone (allowed)';

/**
 * Why taking a response it must reject is a miss. A clock fault is one only beyond the tolerance the client was
 * declared with, which the kit cannot see: the reason says which one it judged by, and how to declare another.
 */
function accepted(testCase: ConformanceCase, clockToleranceSeconds: number): string {
  if (testCase.skewSeconds === undefined) return 'accepted a response it must reject';
  return (
    `accepted a response it must reject: its time is ${testCase.skewSeconds} s off, beyond the declared clock ` +
    `tolerance of ${clockToleranceSeconds} s (declare a client's own with --clock-tolerance or clockToleranceSeconds)`
  );
}
