import type { Issuer } from '../../issuer/issuer.js';
import { publicKeys } from '../../issuer/issuer-admin.js';

/** One line a person checks a JWT by: ok true/false when it can be judged, undefined when it is just a fact. */
export interface JwtFact {
  label: string;
  value: string;
  ok?: boolean | undefined;
}

/** A decoded JWT as the console shows it: what it is, header, claims, and the facts a validator looks at. */
export interface JwtView {
  kind: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  facts: JwtFact[];
}

export interface JwtContext {
  issuer?: Issuer | undefined;
  /** The audience this token should carry: the client_id for ID tokens, the issuer for client assertions. */
  expectedAudience?: string[] | undefined;
  /** The expected iss claim; a client assertion's is its client_id. */
  expectedIssuer?: string | undefined;
  /** Who signed it: the issuer, or the client (its secret or its registered keys). */
  signer: 'issuer' | 'client';
  clientId?: string | undefined;
}

function seconds(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function span(delta: number): string {
  const abs = Math.abs(Math.round(delta));
  if (abs < 120) return `${abs} s`;
  if (abs < 7200) return `${Math.round(abs / 60)} min`;
  return `${Math.round(abs / 3600)} h`;
}

function keyFact(header: Record<string, unknown>, context: JwtContext): JwtFact {
  const alg = String(header.alg ?? 'none');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (alg === 'none') return { label: 'key', value: 'unsigned (alg none): never accept it', ok: false };
  if (context.signer === 'client') {
    if (alg.startsWith('HS')) return { label: 'key', value: `the client secret (${alg}, client_secret_jwt)` };
    const client = context.issuer?.clients.find((c) => c.client_id === context.clientId);
    const keys = (client?.jwks as { keys?: { kid?: string }[] } | undefined)?.keys ?? [];
    if (client?.jwks_uri)
      return { label: 'key', value: `${kid ? `kid ${kid}` : 'no kid'} from the client's jwks_uri (${alg})` };
    const known = kid !== undefined && keys.some((k) => k.kid === kid);
    return {
      label: 'key',
      value:
        `${kid ? `kid ${kid}` : 'no kid'} (${alg}): ` +
        `${known ? "one of the client's registered keys" : "not among the client's registered keys"}`,
      ok: known,
    };
  }
  if (alg.startsWith('HS'))
    return { label: 'key', value: `a symmetric key (${alg}): an ID token signed with a shared secret`, ok: undefined };
  const published = context.issuer ? publicKeys(context.issuer) : [];
  const match = published.find((k) => k.kid === kid);
  return {
    label: 'key',
    value:
      `${kid ? `kid ${kid}` : 'no kid'} (${alg}): ` +
      `${match ? "published in the issuer's JWKS" : "not in the issuer's JWKS now"}`,
    ok: match !== undefined,
  };
}

/** The validation facts of one decoded JWT; the signature itself is not kept in the log, so it is not judged here. */
export function jwtFacts(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  context: JwtContext,
): JwtFact[] {
  const facts: JwtFact[] = [keyFact(header, context)];
  const now = Date.now() / 1000 + (context.issuer?.clockOffset ?? 0);
  const exp = seconds(claims, 'exp');
  if (exp === undefined) facts.push({ label: 'exp', value: 'missing', ok: false });
  else {
    const at = new Date(exp * 1000).toISOString();
    facts.push(
      exp > now
        ? { label: 'exp', value: `${at}, in ${span(exp - now)}`, ok: true }
        : { label: 'exp', value: `${at}, ${span(now - exp)} ago: expired`, ok: false },
    );
  }
  const iat = seconds(claims, 'iat');
  if (iat !== undefined)
    facts.push({
      label: 'iat',
      value: `${new Date(iat * 1000).toISOString()}${iat > now + 60 ? ', in the future' : ''}`,
      ok: iat <= now + 60,
    });
  const nbf = seconds(claims, 'nbf');
  if (nbf !== undefined && nbf > now)
    facts.push({ label: 'nbf', value: `not valid for another ${span(nbf - now)}`, ok: false });
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
  if (context.expectedAudience?.length) {
    const ok = audiences.some((a) => context.expectedAudience!.includes(a));
    facts.push({
      label: 'aud',
      value: `${audiences.join(', ') || 'missing'}${ok ? '' : ` (expected ${context.expectedAudience.join(' or ')})`}`,
      ok,
    });
  } else if (audiences.length) facts.push({ label: 'aud', value: audiences.join(', ') });
  if (context.expectedIssuer !== undefined) {
    const iss = claims.iss === undefined ? 'missing' : String(claims.iss);
    facts.push({
      label: 'iss',
      value: iss === context.expectedIssuer ? iss : `${iss} (expected ${context.expectedIssuer})`,
      ok: iss === context.expectedIssuer,
    });
  }
  return facts;
}
