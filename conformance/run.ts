import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MockIdp } from '../mock-idp/server/start.js';
import { cases as catalog } from './cases/index.js';
import type { CaseResult, ClientAdapter, ClientOutcome, ConformanceCase, ConformanceReport, Verdict } from './types.js';

export interface RunOptions {
  /** A running mock-idp (startMockIdp or the vitest globalSetup's). */
  idp: MockIdp;
  /** The issuer name to test against; default "generic". */
  issuer?: string;
  adapter: ClientAdapter;
  /** Only these case ids; default the whole catalog. */
  only?: readonly string[];
  /** Cases in flight at once: each has its own client, so they do not interfere. Default 4. */
  concurrency?: number;
  /** Give up on a client that neither finishes nor fails; default 10 s. */
  timeoutMs?: number;
  redirectUri?: string;
}

function withTimeout(promise: Promise<ClientOutcome>, ms: number): Promise<ClientOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ClientOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: 'timeout', message: `the client did not finish within ${ms} ms` }), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The verdict combines the client's own outcome with what the IdP saw it do,
 * so no case waits for a timeout: a rejection is visible at once, and using a
 * bad token afterwards is visible in the request log.
 */
function judge(testCase: ConformanceCase, outcome: ClientOutcome, evidenceFailure: string | undefined): { verdict: Verdict; reason: string } {
  const miss: Verdict = testCase.level === 'MUST' ? 'fail' : 'warn';
  if (testCase.expect === 'accept') {
    return outcome.ok ? { verdict: 'pass', reason: 'completed the flow' } : { verdict: miss, reason: `failed a valid flow: ${outcome.code ?? ''} ${outcome.message}`.trim() };
  }
  if (testCase.expect === 'either') return { verdict: 'pass', reason: outcome.ok ? 'accepted (allowed)' : `rejected (allowed): ${outcome.message}` };
  if (outcome.ok) return { verdict: miss, reason: 'accepted a response it must reject' };
  if (evidenceFailure) return { verdict: miss, reason: `rejected, but ${evidenceFailure}` };
  return { verdict: 'pass', reason: `rejected${outcome.code ? ` (${outcome.code})` : ''}: ${outcome.message}` };
}

async function runCase(options: RunOptions, testCase: ConformanceCase): Promise<CaseResult> {
  const { idp, adapter } = options;
  const issuerName = options.issuer ?? 'generic';
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:3000/callback';
  const clientId = `conformance-${testCase.id}-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const started = performance.now();
  await idp.admin.upsertClient(issuerName, { client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri] });
  const viaIssuer = testCase.scenario !== undefined && testCase.via === 'issuer';
  if (testCase.scenario && !viaIssuer) idp.admin.arm(issuerName, clientId, testCase.scenario);
  const issuer = viaIssuer ? `${idp.issuers[issuerName]!.replace(/\/$/, '')}/s/${testCase.scenario}` : idp.issuers[issuerName]!;
  try {
    const outcome = await withTimeout(
      adapter.run({ issuer, clientId, clientSecret, redirectUri }).catch((error: Error & { code?: string }) => ({ ok: false as const, code: error.code, message: error.message })),
      options.timeoutMs ?? 10_000,
    );
    const log = idp.requests.list({ clientId });
    const { verdict, reason } = judge(testCase, outcome, testCase.evidence?.(log));
    return {
      id: testCase.id, title: testCase.title, level: testCase.level, refs: testCase.refs, verdict, reason, outcome,
      calls: log.map((r) => r.route ?? r.path), durationMs: Math.round(performance.now() - started),
    };
  } finally {
    if (testCase.scenario && !viaIssuer) idp.admin.disarm(issuerName, clientId);
    idp.admin.removeClient(issuerName, clientId);
  }
}

/** Runs the catalog (or `only`) against one client, in parallel, and returns the report. */
export async function runConformance(options: RunOptions): Promise<ConformanceReport> {
  const selected = catalog.filter((c) => !options.only || options.only.includes(c.id));
  const unknown = (options.only ?? []).filter((id) => !catalog.some((c) => c.id === id));
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(', ')}`);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const results: CaseResult[] = new Array(selected.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, selected.length) }, async () => {
    while (next < selected.length) {
      const index = next++;
      results[index] = await runCase(options, selected[index]!);
    }
  }));
  const summary: Record<Verdict, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const result of results) summary[result.verdict] += 1;
  return {
    client: options.adapter.name,
    issuer: options.idp.issuers[options.issuer ?? 'generic']!,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    results,
    summary,
    passed: summary.fail === 0,
  };
}
