import type { ClientOutcome, ConformanceCase, Verdict } from './types.js';

export interface Judgement {
  verdict: Verdict;
  reason: string;
}

/**
 * The verdict combines the client's own outcome with what the IdP saw it do,
 * so no case waits for a timeout: a rejection is visible at once, and using a
 * bad token afterwards, or a wrong request, is visible in the request log.
 * A missed SHOULD is a warning; a missed MUST a failure.
 */
export function judge(testCase: ConformanceCase, outcome: ClientOutcome, evidenceFailure: string | undefined): Judgement {
  const miss: Verdict = testCase.level === 'MUST' ? 'fail' : 'warn';
  const rejected = outcome.ok ? '' : `${outcome.code ? `(${outcome.code}) ` : ''}${outcome.message}`;
  if (testCase.expect === 'accept') {
    if (!outcome.ok) return { verdict: miss, reason: `failed a valid flow: ${rejected}` };
    return evidenceFailure ? { verdict: miss, reason: `completed, but ${evidenceFailure}` } : { verdict: 'pass', reason: 'completed the flow' };
  }
  if (testCase.expect === 'either') {
    if (evidenceFailure) return { verdict: miss, reason: `${outcome.ok ? 'accepted' : 'rejected'}, but ${evidenceFailure}` };
    return { verdict: 'pass', reason: outcome.ok ? 'accepted (allowed)' : `rejected (allowed): ${rejected}` };
  }
  if (outcome.ok) return { verdict: miss, reason: 'accepted a response it must reject' };
  if (evidenceFailure) return { verdict: miss, reason: `rejected, but ${evidenceFailure}` };
  return { verdict: 'pass', reason: `rejected: ${rejected}` };
}
