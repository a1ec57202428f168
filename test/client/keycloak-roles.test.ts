import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { keycloakRoles } from '../../client/index.js';

const { privateKey } = await generateKeyPair('RS256');
const accessToken = await new SignJWT({
  realm_access: { roles: ['default-roles-demo', 'app-admin'] },
  resource_access: {
    'keycloak-web': { roles: ['editor', 'viewer'] },
    'reports-api': { roles: ['reports:read'] },
    account: { roles: ['manage-account'] },
  },
  roles: ['superuser'],
})
  .setProtectedHeader({ alg: 'RS256' })
  .sign(privateKey);

describe('keycloakRoles', () => {
  it("reads the realm's roles and the client's own entry, nothing else", () => {
    expect(keycloakRoles(accessToken, 'keycloak-web')).toEqual(['default-roles-demo', 'app-admin', 'editor', 'viewer']);
    expect(keycloakRoles(accessToken, 'reports-api')).toEqual(['default-roles-demo', 'app-admin', 'reports:read']);
    // A client the token has no entry for holds the realm's roles only; a top-level roles claim is not Keycloak's.
    expect(keycloakRoles(accessToken, 'other-app')).toEqual(['default-roles-demo', 'app-admin']);
  });

  it('finds no roles in an opaque token', () => {
    expect(keycloakRoles('opaque-token', 'keycloak-web')).toEqual([]);
  });

  it("with the flaw, takes every client's roles as its own", () => {
    expect(keycloakRoles(accessToken, 'other-app', new Set(['keycloak-roles-any-client']))).toContain('reports:read');
  });
});
