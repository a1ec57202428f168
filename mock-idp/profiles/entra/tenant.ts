import type { ProfileContext } from '../../kernel/plugin-types.js';

/** The tenant of personal Microsoft accounts (the `consumers` audience), as their tokens' tid carries it. */
export const MSA_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** The directory the fixtures live in ("Contoso"), and the one msw serves at login.microsoftonline.com/<it>. */
export const HOME_TENANT = '4f1c9a3e-8b2d-4e7a-9c61-2d5b7e0f3a84';

/** Entra's multi-tenant paths: their discovery names the issuer with a literal {tenantid}. */
const MULTI_TENANT = new Set(['common', 'organizations']);

/** Where the tenant segment sits: the mount path's last segment, scenario issuers' /v2.0/s/<name> aside. */
function split(ctx: ProfileContext): { prefix: string; tenant: string; rest: string } {
  const origin = new URL(ctx.issuer).origin;
  // A scenario issuer is mounted at <tenant>/v2.0/s/<name>: the tenant is the segment before that.
  const scenario = /(?:\/v2\.0)?\/s\/[^/]+$/.exec(ctx.mountPath)?.[0] ?? '';
  const base = ctx.mountPath.slice(0, ctx.mountPath.length - scenario.length);
  const cut = base.lastIndexOf('/');
  const mounted = `${origin}${base}`;
  return {
    prefix: `${origin}${base.slice(0, cut + 1)}`,
    tenant: base.slice(cut + 1),
    rest: ctx.issuer.slice(mounted.length),
  };
}

/** The tenant segment this issuer is mounted at: common, organizations, consumers, a GUID or a domain. */
export function tenantSegment(ctx: ProfileContext): string {
  return split(ctx).tenant;
}

export function isMultiTenant(ctx: ProfileContext): boolean {
  return MULTI_TENANT.has(tenantSegment(ctx).toLowerCase());
}

/**
 * This issuer with another tenant in its tenant segment: the `iss` of tokens for that tenant, or the {tenantid}
 * template.
 */
export function issuerForTenant(ctx: ProfileContext, tenant: string): string {
  const { prefix, rest } = split(ctx);
  return `${prefix}${tenant}${rest}`;
}

/**
 * The tenant a user's tokens name: their home tenant on common and organizations,
 * the issuer's own tenant otherwise (a user of another directory signs in there as a guest).
 */
export function tokenTenant(ctx: ProfileContext, userTid: unknown): string {
  const segment = tenantSegment(ctx);
  if (isMultiTenant(ctx)) return typeof userTid === 'string' ? userTid : HOME_TENANT;
  if (segment.toLowerCase() === 'consumers') return MSA_TENANT;
  return /^[0-9a-f-]{36}$/i.test(segment) ? segment.toLowerCase() : typeof userTid === 'string' ? userTid : HOME_TENANT;
}

/**
 * The issuer a token for tenant `tid` names: on common and organizations that tenant's, on consumers the MSA
 * tenant's.
 */
export function tokenIssuer(ctx: ProfileContext, tid: string): string {
  if (isMultiTenant(ctx)) return issuerForTenant(ctx, tid);
  if (tenantSegment(ctx).toLowerCase() === 'consumers') return issuerForTenant(ctx, MSA_TENANT);
  return ctx.issuer;
}

/** The issuer discovery publishes: the literal {tenantid} template on common and organizations. */
export function advertisedIssuer(ctx: ProfileContext): string {
  if (isMultiTenant(ctx)) return issuerForTenant(ctx, '{tenantid}');
  return tokenIssuer(ctx, HOME_TENANT);
}
