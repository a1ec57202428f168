import type { JWK } from 'jose';
import { FOREIGN_CERT_FILE, FOREIGN_JWKS_FILE, foreignKeysUrl } from './foreign-host.js';
import type { ValueSpec } from './types.js';

export interface ValueContext {
  now: number;
  current: unknown;
  claims: Record<string, unknown>;
  attackerJwk: JWK;
  /** The issuer's own URL, where a token's `iss` may be another (Entra's tenant); the claims' iss when absent. */
  issuer?: string | undefined;
  /** The client the answer is for, where a fault may remove or change aud and azp; taken from them when absent. */
  clientId?: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Domains reserved for examples and tests (RFC 2606, RFC 6761) that no mail reaches; not localhost, whose mail the
 * app's own host may deliver.
 */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid)$/i;

/**
 * The user's own email domain, so that an app that admits only its company's domain takes an address planted in it;
 * example.invalid where it is no reserved one, since an app under test may send mail to what it is given.
 */
function emailDomain(email: unknown): string {
  if (typeof email !== 'string' || !email.includes('@')) return 'example.invalid';
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return RESERVED_DOMAIN.test(domain) ? domain : 'example.invalid';
}

/** Evaluates a ValueSpec against the token being changed. */
export function evaluate(spec: ValueSpec, ctx: ValueContext): unknown {
  if (!isObject(spec)) return spec;
  if ('$now' in spec && typeof spec.$now === 'number') return ctx.now + spec.$now;
  if ('$append' in spec) {
    const current = ctx.current === undefined ? [] : Array.isArray(ctx.current) ? ctx.current : [ctx.current];
    return [...current, spec.$append];
  }
  if ('$template' in spec && typeof spec.$template === 'string') {
    const aud = ctx.claims.aud;
    const iss = ctx.claims.iss ?? ctx.claims.issuer;
    const clientId = ctx.claims.azp ?? (Array.isArray(aud) ? aud[0] : aud);
    // The attacker's URLs name the issuer's server under another host name: worked out only where a template asks.
    const server = ctx.issuer ?? iss;
    const attackerUrl = (file: string) => () =>
      typeof server === 'string' && URL.canParse(server)
        ? foreignKeysUrl(server, String(ctx.clientId ?? clientId ?? ''), file)
        : undefined;
    const fields: Record<string, () => unknown> = {
      iss: () => iss,
      // The issuer without its scheme: Google's legacy iss form (accounts.google.com).
      iss_without_scheme: () => String(iss ?? '').replace(/^https?:\/\//, ''),
      sub: () => ctx.claims.sub,
      client_id: () => clientId,
      email_domain: () => emailDomain(ctx.claims.email),
      attacker_jwks_url: attackerUrl(FOREIGN_JWKS_FILE),
      attacker_cert_url: attackerUrl(FOREIGN_CERT_FILE),
    };
    return spec.$template.replace(/\{(\w+)\}/g, (_m, name: string) =>
      String((Object.hasOwn(fields, name) ? fields[name]!() : undefined) ?? ''),
    );
  }
  if ('$attackerJwk' in spec) return ctx.attackerJwk;
  if ('$filler' in spec && typeof spec.$filler === 'number') return 'x'.repeat(spec.$filler);
  return spec;
}
