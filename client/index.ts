/**
 * mock-idp/client: a strict reference relying party on openid-client and
 * jose. It validates every ID token itself, keeps state single-use, and
 * fails with typed errors carrying stable codes.
 */

export type { BackchannelLogoutResponse } from './backchannel-logout.js';
export { ASSERTION_LIFETIME_SECONDS, type AssertionAudience } from './client-assertion.js';
export {
  appleClientSecret,
  type ClientAuthentication,
  clientSecretBasic,
  clientSecretJwt,
  clientSecretPost,
  none,
  type PrivateKeySource,
  privateKeyJwt,
  type TokenEndpointAuthMethod,
} from './client-auth.js';
export { CookieStateStore, EncryptedCookieStore, type EncryptedCookieStoreOptions } from './encrypted-cookie-store.js';
export * from './errors.js';
export {
  DEFAULT_ALLOWED_ALGS,
  FlowManager,
  type FlowManagerOptions,
  type FlowResult,
  type IdentityApi,
  type StartOptions,
} from './flow-manager.js';
export type { IdTokenClaims } from './id-token-claims.js';
export { DEFAULT_MAX_TOKEN_LENGTH, type IdTokenValidation, validateIdToken } from './id-token-validator.js';
export { selectVerificationKeys } from './jwk-selection.js';
export { JwksCache, type JwksCacheOptions } from './jwks-cache.js';
export { keycloakRoles } from './keycloak-roles.js';
export { auth0Logout, type LogoutRequest, type LogoutUrlBuilder, rpInitiatedLogout } from './logout.js';
export {
  BACKCHANNEL_LOGOUT_EVENT,
  type LogoutTokenClaims,
  type LogoutTokenValidation,
  validateLogoutToken,
} from './logout-token.js';
export { type LoopbackLoginOptions, loopbackLogin } from './loopback-login.js';
export { MemoryStateStore } from './memory-state-store.js';
export { type PemPrivateKey, readPemPrivateKey } from './pem-private-key.js';
export { type Preset, type PresetName, type PresetOptions, presets } from './presets.js';
export type { ExplicitEndpoints, ServerMetadata } from './provider-metadata.js';
export type { Clock, StateStore } from './state-store.js';
export { readThirdPartyLogin, type ThirdPartyLogin, type ThirdPartyLoginRules } from './third-party-login.js';
export type { Tokens } from './tokens.js';
