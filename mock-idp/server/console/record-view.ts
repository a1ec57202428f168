import type { Issuer } from '../../issuer/issuer.js';
import type { RequestRecord } from '../../log/request-log.js';
import { type FailureHelp, failureHelp } from './failure-help.js';
import { type JwtContext, type JwtView, jwtFacts } from './jwt-facts.js';

/** One request as the console's log shows it: the record (already masked) plus decoded JWTs and help. */
export interface RecordView {
  id: number;
  time: string;
  method: string;
  path: string;
  status?: number | undefined;
  durationMs?: number | undefined;
  issuer?: string | undefined;
  route?: string | undefined;
  clientId?: string | undefined;
  clientAuth?: string | undefined;
  query: RequestRecord['query'];
  body: RequestRecord['body'];
  error?: string | undefined;
  errorDescription?: string | undefined;
  notes?: string[] | undefined;
  faults?: string[] | undefined;
  jwts: JwtView[];
  help?: (FailureHelp & { details: string[] }) | undefined;
}

/**
 * Builds the view from the record only: it holds secrets masked already, and
 * this adds nothing the record does not hold but the facts read from config
 * (published keys, the expected audience).
 */
export function recordView(record: RequestRecord, issuers: ReadonlyMap<string, Issuer>): RecordView {
  const issuer =
    record.issuer === undefined ? undefined : (issuers.get(record.issuer) ?? issuers.get(record.issuer.split('/')[0]!));
  const clientId = record.clientId;
  const fromIssuer = (aud: string[] | undefined): JwtContext => ({
    issuer,
    signer: 'issuer',
    clientId,
    expectedAudience: aud,
    expectedIssuer: issuer?.issuer,
  });
  const jwts: JwtView[] = [];
  const assertion = record.clientAuth?.assertion;
  if (assertion) {
    const base = issuer?.issuer.replace(/\/$/, '');
    const expectedAudience = issuer && base ? [issuer.issuer, `${base}${issuer.routes.token}`] : undefined;
    jwts.push({
      kind: 'client assertion',
      header: assertion.header,
      claims: assertion.payload,
      facts: jwtFacts(assertion.header, assertion.payload, {
        issuer,
        signer: 'client',
        clientId,
        expectedAudience,
        expectedIssuer: clientId,
      }),
    });
  }
  // A token a scenario faulted is shown once, as served with the fault.
  const faulted = new Set((record.served ?? []).filter((s) => s.token).map((s) => s.target));
  for (const token of record.tokens ?? []) {
    if (faulted.has(token.kind)) continue;
    // A logout token is addressed to the client it is sent to, which need not be the request's client.
    const audience =
      token.kind === 'access_token' || token.kind === 'logout_token' ? undefined : clientId ? [clientId] : undefined;
    jwts.push({
      kind: token.kind.replace(/_/g, ' '),
      header: token.header,
      claims: token.claims,
      facts: jwtFacts(token.header, token.claims, fromIssuer(audience)),
    });
  }
  for (const served of record.served ?? []) {
    if (!served.token) continue;
    jwts.push({
      kind: `served with a fault: ${served.target.replace(/_/g, ' ')}`,
      header: served.token.header,
      claims: served.token.claims,
      facts: jwtFacts(served.token.header, served.token.claims, fromIssuer(clientId ? [clientId] : undefined)),
    });
  }
  const help = failureHelp(record.status, record.error);
  return {
    id: record.id,
    time: record.time,
    method: record.method,
    path: record.path,
    status: record.status,
    durationMs: record.durationMs,
    issuer: record.issuer,
    route: record.route,
    clientId,
    clientAuth: record.clientAuth?.method,
    query: record.query,
    body: record.body,
    error: record.error,
    errorDescription: record.errorDescription,
    notes: record.notes,
    faults: record.faults,
    jwts,
    help: help && {
      ...help,
      details: [record.errorDescription, ...(record.notes ?? [])].filter((d): d is string => Boolean(d)),
    },
  };
}
