import type { RequestRecord } from '../mock-idp/log/request-log.js';

/** What a conforming client does with the scenario's response. */
export type Expectation = 'reject' | 'accept' | 'either';

export interface ConformanceCase {
  /** Our id, e.g. "id-token-aud-wrong". */
  id: string;
  /** The official suites' ids for the same check (rp-id_token-aud, oidcc-client-test-invalid-aud). */
  aliases: readonly string[];
  title: string;
  area: 'id-token' | 'signature' | 'authorization-response' | 'userinfo' | 'happy-path';
  /** Spec references: "OIDC Core 3.1.3.7 (3)", "RFC 9207 2.4". */
  refs: readonly string[];
  /** MUST cases fail the run; SHOULD cases only warn. */
  level: 'MUST' | 'SHOULD';
  /** The mock-idp scenario armed for the case's client; none for the happy path. */
  scenario?: string;
  /**
   * How the scenario reaches the client: armed for its client_id (default), or
   * served by the scenario's own issuer URL (<issuer>/s/<scenario>), needed for
   * JWKS and discovery faults since those requests name no client.
   */
  via?: 'client' | 'issuer';
  expect: Expectation;
  /** A second signal from the IdP's request log: a reason the case fails, or undefined. */
  evidence?: (log: readonly RequestRecord[]) => string | undefined;
}

/** What the kit gives a client for one case: its own client registration on the issuer. */
export interface CaseContext {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export type ClientOutcome =
  | { ok: true; claims?: Record<string, unknown> | undefined }
  | { ok: false; code?: string | undefined; message: string };

/** A client under test: runs one login (and whatever it does after) and reports how it went. */
export interface ClientAdapter {
  name: string;
  run(context: CaseContext): Promise<ClientOutcome>;
}

export type Verdict = 'pass' | 'fail' | 'warn' | 'skip';

export interface CaseResult {
  id: string;
  title: string;
  level: 'MUST' | 'SHOULD';
  refs: readonly string[];
  verdict: Verdict;
  reason: string;
  outcome: ClientOutcome;
  /** Routes the client called, in order: the request-log evidence. */
  calls: string[];
  durationMs: number;
}

export interface ConformanceReport {
  client: string;
  issuer: string;
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
  summary: Record<Verdict, number>;
  /** True when no MUST case failed. */
  passed: boolean;
}

export function defineCases(...cases: ConformanceCase[]): ConformanceCase[] {
  return cases;
}
