/**
 * vitest integration: one mock-idp for the whole test run (globalSetup), its
 * URLs in every test through inject(), and per-test isolation helpers that
 * create their own client or user, or bind a scenario to one client, over the
 * admin API. Nothing is shared between tests unless they ask for it.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['mock-idp/vitest/setup'] } });
 *
 *   // a test
 *   import { mockIdp, freshClient } from 'mock-idp/vitest';
 *   const { issuers } = mockIdp();
 *
 * The package's `mock-idp/vitest` entry is integrations/vitest.ts, which adds
 * the conformance kit's describeConformance to these.
 */
import { randomBytes } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
// The server loads only where one starts (globalSetup): test files that only
// read the context or add clients stay free of oidc-provider.
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
export async function setup(project: {
  provide(key: 'mockIdp', value: MockIdpContext): void;
}): Promise<() => Promise<void>> {
  const { startMockIdp } = await loadServer();
  running = await startMockIdp({
    env: process.env,
    configFile: process.env.MOCK_IDP_CONFIG,
    port: process.env.MOCK_IDP_PORT ? undefined : 0,
    logLevel: process.env.MOCK_IDP_LOG_LEVEL ? undefined : 'silent',
  });
  project.provide('mockIdp', {
    url: running.url,
    issuers: { ...running.issuers },
    adminToken: running.config.adminToken,
  });
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
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(
      `mock-idp admin ${method} ${path}: ${response.status} ${String(json.error_description ?? json.error)}`,
    );
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
  onTestFinished(() =>
    admin('DELETE', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}`).then(
      () => undefined,
    ),
  );
  return { ...client, client_id: clientId };
}

/** A user of its own for this test (log in with login_hint = its sub), removed when the test finishes. */
export async function freshUser(
  issuer: string,
  claims: Record<string, unknown> = {},
  sub = unique('test-user'),
): Promise<{ sub: string; claims: Record<string, unknown> }> {
  await admin('PUT', `/issuers/${encodeURIComponent(issuer)}/users/${encodeURIComponent(sub)}`, { claims });
  onTestFinished(() =>
    admin('DELETE', `/issuers/${encodeURIComponent(issuer)}/users/${encodeURIComponent(sub)}`).then(() => undefined),
  );
  return { sub, claims };
}

/** Makes one client misbehave as the named scenario for the rest of this test. */
export async function withScenario(issuer: string, clientId: string, scenario: string): Promise<void> {
  await admin('PUT', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}/scenario`, {
    name: scenario,
  });
  onTestFinished(() =>
    admin('DELETE', `/issuers/${encodeURIComponent(issuer)}/clients/${encodeURIComponent(clientId)}/scenario`).then(
      () => undefined,
    ),
  );
}
