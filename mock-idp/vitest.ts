/**
 * vitest integration: one mock-idp for the whole test run (globalSetup), its
 * URLs in every test through inject(), and per-test isolation helpers that
 * create their own client or user, or bind a scenario to one client, over the
 * admin API. Nothing is shared between tests unless they ask for it.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['mock-idp/vitest'] } });
 *
 *   // a test
 *   import { mockIdp, freshClient } from 'mock-idp/vitest';
 *   const { issuers } = mockIdp();
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, inject, it, onTestFinished } from 'vitest';
import { cases } from '../conformance/cases/index.js';
import { runConformance } from '../conformance/run.js';
import type { ClientAdapter, ConformanceReport } from '../conformance/types.js';
// The server loads only where one starts (globalSetup, describeConformance): test files that
// only read the context or add clients stay free of oidc-provider.
import type { MockIdp } from './server/start.js';

const loadServer = () => import('./server/start.js');

export interface MockIdpContext {
  /** Base URL of the run's mock-idp, e.g. http://127.0.0.1:41873. */
  url: string;
  /** Issuer identifiers by name. */
  issuers: Record<string, string>;
  /** Bearer token for the admin API when one is configured. */
  adminToken?: string | undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    mockIdp: MockIdpContext;
  }
}

let running: MockIdp | undefined;

/**
 * globalSetup: starts mock-idp on a free loopback port (MOCK_IDP_* variables and
 * MOCK_IDP_CONFIG apply) and provides its URLs to the tests.
 */
export async function setup(project: { provide(key: 'mockIdp', value: MockIdpContext): void }): Promise<() => Promise<void>> {
  const { startMockIdp } = await loadServer();
  running = await startMockIdp({
    env: process.env,
    configFile: process.env.MOCK_IDP_CONFIG,
    port: process.env.MOCK_IDP_PORT ? undefined : 0,
    logLevel: process.env.MOCK_IDP_LOG_LEVEL ? undefined : 'silent',
  });
  project.provide('mockIdp', { url: running.url, issuers: { ...running.issuers }, adminToken: running.config.adminToken });
  return async () => {
    await running?.close();
    running = undefined;
  };
}

/** The run's mock-idp, inside a test. */
export function mockIdp(): MockIdpContext {
  return inject('mockIdp');
}

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const { url, adminToken } = mockIdp();
  const response = await fetch(`${url}/_admin${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json() as Record<string, unknown>;
  if (!response.ok) throw new Error(`mock-idp admin ${method} ${path}: ${response.status} ${String(json.error_description ?? json.error)}`);
  return json;
}

const unique = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

export interface FreshClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

/** A client of its own for this test, removed when the test finishes. */
export async function freshClient(issuer: string, metadata: Record<string, unknown> = {}): Promise<FreshClient> {
  const client = {
    client_secret: randomBytes(24).toString('base64url'),
    redirect_uris: ['http://127.0.0.1:3000/callback'],
    ...metadata,
  } as Omit<FreshClient, 'client_id'> & Record<string, unknown>;
  const clientId = typeof metadata.client_id === 'string' ? metadata.client_id : unique('test-client');
  await admin('PUT', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}`, client);
  onTestFinished(() => admin('DELETE', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}`).then(() => undefined));
  return { ...client, client_id: clientId };
}

/** A user of its own for this test (log in with login_hint = its sub), removed when the test finishes. */
export async function freshUser(issuer: string, claims: Record<string, unknown> = {}, sub = unique('test-user')): Promise<{ sub: string; claims: Record<string, unknown> }> {
  await admin('PUT', `/issuers/${encodeURIComponent(issuer)}/users/${encodeURIComponent(sub)}`, { claims });
  onTestFinished(() => admin('DELETE', `/issuers/${encodeURIComponent(issuer)}/users/${encodeURIComponent(sub)}`).then(() => undefined));
  return { sub, claims };
}

/** Makes one client misbehave as the named scenario for the rest of this test. */
export async function withScenario(issuer: string, clientId: string, scenario: string): Promise<void> {
  await admin('PUT', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}/scenario`, { name: scenario });
  onTestFinished(() => admin('DELETE', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}/scenario`).then(() => undefined));
}

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
      const { startMockIdp } = await loadServer();
      idp = await startMockIdp({ port: 0, logLevel: 'silent', requestLogSize: 20_000 });
      report = runConformance({
        idp, adapter, issuer: options.issuer, only: selected.map((c) => c.id),
        ...(options.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: options.clockToleranceSeconds } : {}),
        ...(options.jwksRefetchIntervalMs !== undefined ? { jwksRefetchIntervalMs: options.jwksRefetchIntervalMs } : {}),
      });
      await report;
    });
    afterAll(async () => {
      await idp?.close();
    });
    for (const testCase of selected) {
      it(`${testCase.level} ${testCase.id}: ${testCase.title}`, async (context) => {
        const result = (await report!).results.find((r) => r.id === testCase.id)!;
        const told = `${result.verdict} (${result.level}): ${result.reason}\nspec: ${testCase.refs.join('; ')}${result.quote ? ` — "${result.quote}"` : ''}\nrequests: ${result.calls.join(' > ') || 'none'}`;
        if (result.verdict === 'skip') context.skip(result.reason);
        // The whole reason, never a diff of it: it says what the client did and where the spec says otherwise.
        if (result.verdict === 'fail' || result.verdict === 'not-delivered' || (options.strict === true && result.verdict === 'warn')) throw new Error(told);
        if (result.verdict === 'warn' || result.verdict === 'info') await context.annotate(told, result.verdict === 'warn' ? 'warning' : 'notice');
      });
    }
  });
}
