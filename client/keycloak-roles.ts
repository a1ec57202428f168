import { decodeJwt } from 'jose';
import { type Flaws, NO_FLAWS } from './flaws.js';

const roleList = (entry: unknown): string[] => {
  const roles = (entry as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
};

/**
 * A Keycloak user's roles for this client, as Keycloak puts them in its JWT access tokens: the realm's roles
 * (realm_access.roles) and this client's own (resource_access.<client_id>.roles). Never another client's
 * entry in resource_access, which grants roles there and not here, and never a claim of the ID token, which
 * Keycloak's roles scope leaves without roles. The access token came straight from the token endpoint, so it
 * is read, not verified. An opaque token has no roles to read.
 */
export function keycloakRoles(accessToken: string, clientId: string, flaws: Flaws = NO_FLAWS): string[] {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(accessToken) as Record<string, unknown>;
  } catch {
    return [];
  }
  const resources = (claims.resource_access ?? {}) as Record<string, unknown>;
  const clients = flaws.has('keycloak-roles-any-client') ? Object.keys(resources) : [clientId];
  return [...new Set([...roleList(claims.realm_access), ...clients.flatMap((c) => roleList(resources[c]))])];
}
