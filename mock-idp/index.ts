export { startMockIdp, type MockIdp, type StartOptions } from './server/start.js';
export { loadConfig, validateConfig, ConfigError, ENV_VARS } from './config/load.js';
export { ConfigSchema, IssuerSchema, ClientSchema, UserSchema } from './config/schema.js';
export { configJsonSchema } from './config/json-schema.js';
export type { MockIdpConfig, MockIdpConfigInput, IssuerConfig, IssuerInput, ClientConfig, UserConfig, TokenEndpointAuthMethod } from './config/schema.js';
export type { RequestRecord, RequestLogFilter } from './log/request-log.js';
export type { IssuerSummary } from './issuer/issuer.js';
export { builtinProfiles, findProfile, profileNames, defineProfile, type Profile, type Quirk, type ProfileContext } from './profiles/index.js';
export { UserAgent, type NavigateOptions, type NavigateResult } from './agent.js';
