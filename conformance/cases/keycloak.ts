import { defineCases } from '../types.js';

/** Keycloak's traps, run only against a keycloak issuer with a copy of its web client. */
export default defineCases({
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
});
