import type { Evidence } from '../types.js';
import { defineCases } from '../types.js';

const roleList = (entry: unknown): string[] => {
  const roles = (entry as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
};

/**
 * The roles the client reports holding here are the ones the access token grants this client: the realm's
 * and resource_access.<its client_id>. A role that only another client's entry carries was taken from the
 * wrong place. A client that reports no roles is judged by the code that reads them, which the kit cannot see.
 */
const rolesOfThisClient: Evidence = (log, { outcome, clientId }) => {
  if (!outcome.ok || !Array.isArray(outcome.claims?.roles)) return undefined;
  const issued = log
    .flatMap((r) => (r.route === 'token' && r.status === 200 ? (r.tokens ?? []) : []))
    .findLast((t) => t.kind === 'access_token')?.claims;
  if (!issued) return undefined;
  const resources = (issued.resource_access ?? {}) as Record<string, unknown>;
  const granted = new Set([...roleList(issued.realm_access), ...roleList(resources[clientId])]);
  for (const role of outcome.claims.roles as unknown[]) {
    if (typeof role === 'string' && granted.has(role)) continue;
    const holder = Object.keys(resources).find((c) => roleList(resources[c]).includes(String(role)));
    return holder
      ? `took the role "${String(role)}" that resource_access grants client ${holder}, not this one`
      : `reported the role "${String(role)}", which the access token does not grant`;
  }
  return undefined;
};

/** Keycloak's traps, run only against a keycloak issuer with a copy of its web client. */
export default defineCases(
  {
    id: 'keycloak-refresh-token-opaque',
    aliases: [],
    title: "Keycloak: sends the HS512 refresh-token JWT back as is, without verifying it against the realm's JWKS",
    area: 'profile',
    refs: ['RFC 6749 1.5', 'Keycloak refresh tokens'],
    level: 'MUST',
    profiles: ['keycloak'],
    client: { template: 'keycloak-web' },
    script: ['login', 'refresh'],
    expect: 'accept',
  },
  {
    id: 'keycloak-roles-this-client',
    aliases: [],
    title:
      "Keycloak: takes the user's roles from the access token's realm_access and resource_access.<its own " +
      "client_id>, never another client's entry",
    area: 'profile',
    refs: ['Keycloak AccessToken'],
    level: 'MUST',
    profiles: ['keycloak'],
    // A copy of keycloak-web under a new client_id: the user's keycloak-web roles are another client's now.
    client: { template: 'keycloak-web' },
    expect: 'accept',
    evidence: rolesOfThisClient,
  },
);
