/**
 * The conformance kit inside a project's own vitest suite: describeConformance
 * turns the catalog into one test per case.
 *
 *   import { describeConformance } from 'mock-idp/vitest';   // or 'mock-idp/conformance/vitest'
 *   describeConformance(referenceClientAdapter());
 *
 * Kept apart from the kit's main entry so that mock-idp/conformance never loads vitest.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { MockIdp } from '../mock-idp/index.js';
import { cases } from './cases/index.js';
import type { ClientAdapter, ConformanceReport } from './types.js';

// The server and the runner load only when a block starts: collecting the tests, and a globalSetup
// importing the same entry, stay free of oidc-provider and the kit's HTTP machinery.
const loadServer = () => import('../mock-idp/index.js');
const loadRunner = () => import('./run.js');

export interface DescribeConformanceOptions {
  /** Issuer (profile) to test against; default "generic". */
  issuer?: string;
  /** Only these case ids; default the whole catalog. */
  only?: readonly string[];
  /** Fail a test on a missed SHOULD too, not only on a failed MUST or an undelivered fault. */
  strict?: boolean;
  /** The client's clock tolerance in seconds (default 60); see RunOptions.clockToleranceSeconds. */
  clockToleranceSeconds?: number;
  /** How long the client may hold off refetching keys, in ms (default 10 000); see RunOptions.jwksRefetchIntervalMs. */
  jwksRefetchIntervalMs?: number;
}

/**
 * The conformance catalog as one vitest test per case, so a project keeps
 * conformance inside its own suite. It starts its own mock-idp for the block
 * (the runner needs the IdP's request log in process), runs every case once in
 * parallel, then reports each verdict as a test.
 */
export function describeConformance(adapter: ClientAdapter, options: DescribeConformanceOptions = {}): void {
  const selected = cases.filter((c) => !options.only || options.only.includes(c.id));
  describe(`conformance: ${adapter.name}`, () => {
    let idp: MockIdp | undefined;
    let report: Promise<ConformanceReport> | undefined;
    beforeAll(async () => {
      const [{ startMockIdp }, { runConformance }] = await Promise.all([loadServer(), loadRunner()]);
      idp = await startMockIdp({ port: 0, logLevel: 'silent', requestLogSize: 20_000 });
      report = runConformance({
        idp,
        adapter,
        issuer: options.issuer,
        only: selected.map((c) => c.id),
        ...(options.clockToleranceSeconds !== undefined
          ? { clockToleranceSeconds: options.clockToleranceSeconds }
          : {}),
        ...(options.jwksRefetchIntervalMs !== undefined
          ? { jwksRefetchIntervalMs: options.jwksRefetchIntervalMs }
          : {}),
      });
      await report;
    });
    afterAll(async () => {
      await idp?.close();
    });
    for (const testCase of selected) {
      it(`${testCase.level} ${testCase.id}: ${testCase.title}`, async (context) => {
        const result = (await report!).results.find((r) => r.id === testCase.id)!;
        const told =
          `${result.verdict} (${result.level}): ${result.reason}\nspec: ` +
          `${testCase.refs.join('; ')}${result.quote ? ` — "${result.quote}"` : ''}\nrequests: ` +
          `${result.calls.join(' > ') || 'none'}`;
        if (result.verdict === 'skip') context.skip(result.reason);
        // The whole reason, never a diff of it: it says what the client did and where the spec says otherwise.
        if (
          result.verdict === 'fail' ||
          result.verdict === 'not-delivered' ||
          (options.strict === true && result.verdict === 'warn')
        )
          throw new Error(told);
        if (result.verdict === 'warn' || result.verdict === 'info')
          await context.annotate(told, result.verdict === 'warn' ? 'warning' : 'notice');
      });
    }
  });
}
