/**
 * mock-idp/client: a strict reference relying party on openid-client and
 * jose. It validates every ID token itself, keeps state single-use, and
 * fails with typed errors carrying stable codes.
 */
export { FlowManager, DEFAULT_ALLOWED_ALGS, type FlowManagerOptions, type FlowResult, type StartOptions, type IdentityApi } from './flow-manager.js';
export { presets, type Preset, type PresetName, type PresetOptions } from './presets.js';
export {
  clientSecretBasic, clientSecretPost, clientSecretJwt, none, privateKeyJwt,
  type ClientAuthentication, type PrivateKeySource, type TokenEndpointAuthMethod,
} from './client-auth.js';
export { ASSERTION_LIFETIME_SECONDS, type AssertionAudience } from './client-assertion.js';
export { readPemPrivateKey, type PemPrivateKey } from './pem-private-key.js';
export type { StateStore, Clock } from './state-store.js';
export { MemoryStateStore } from './memory-state-store.js';
export { EncryptedCookieStore, CookieStateStore, type EncryptedCookieStoreOptions } from './encrypted-cookie-store.js';
export { validateIdToken, DEFAULT_MAX_TOKEN_LENGTH, type IdTokenValidation } from './id-token-validator.js';
export type { IdTokenClaims } from './id-token-claims.js';
export { JwksCache, type JwksCacheOptions } from './jwks-cache.js';
export { selectVerificationKeys } from './jwk-selection.js';
export { loopbackLogin, type LoopbackLoginOptions } from './loopback-login.js';
export { rpInitiatedLogout, auth0Logout, type LogoutUrlBuilder, type LogoutRequest } from './logout.js';
export { validateLogoutToken, BACKCHANNEL_LOGOUT_EVENT, type LogoutTokenClaims, type LogoutTokenValidation } from './logout-token.js';
export type { BackchannelLogoutResponse } from './backchannel-logout.js';
export type { ExplicitEndpoints, ServerMetadata } from './provider-metadata.js';
export type { Tokens } from './tokens.js';
export * from './errors.js';
