/**
 * Microsoft Entra ID's multi-tenant issuer: discovery on `common` and
 * `organizations` names https://login.microsoftonline.com/{tenantid}/v2.0, with
 * the placeholder, and each ID token names its own tenant there, in `iss` and `tid`.
 */
const PLACEHOLDER = '{tenantid}';

/** A tenant id fills one path segment, nothing more. */
const TENANT = /^[A-Za-z0-9.-]+$/;

/** True when `advertised` is the {tenantid} template of the issuer asked for (…/common/v2.0 for …/{tenantid}/v2.0). */
export function isTenantTemplateOf(advertised: string, requested: string): boolean {
  const at = advertised.indexOf(PLACEHOLDER);
  if (at < 0) return false;
  const before = advertised.slice(0, at);
  const after = advertised.slice(at + PLACEHOLDER.length);
  // Exact around the placeholder: a template with a slash more is another issuer.
  if (!requested.startsWith(before) || !requested.endsWith(after)) return false;
  return TENANT.test(requested.slice(before.length, requested.length - after.length));
}

/**
 * The issuer an ID token must name: the configured one, or with the template,
 * the template with the token's own `tid` in it (undefined when tid cannot fill it).
 */
export function expectedIssuer(issuer: string, claims: { tid?: unknown }): string | undefined {
  if (!issuer.includes(PLACEHOLDER)) return issuer;
  return typeof claims.tid === 'string' && TENANT.test(claims.tid)
    ? issuer.replace(PLACEHOLDER, claims.tid)
    : undefined;
}
