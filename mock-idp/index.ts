export { type NavigateOptions, type NavigateResult, NavigationError, UserAgent } from './agent.js';
export { configJsonSchema } from './config/json-schema.js';
export { ConfigError, ENV_VARS, loadConfig, validateConfig } from './config/load.js';
export type {
  ClientConfig,
  IssuerConfig,
  IssuerInput,
  MockIdpConfig,
  MockIdpConfigInput,
  TokenEndpointAuthMethod,
  UserConfig,
} from './config/schema.js';
export { ClientSchema, ConfigSchema, IssuerSchema, UserSchema } from './config/schema.js';
export type { IssuerSummary } from './issuer/issuer.js';
export { AdminInputError } from './kernel/admin-input-error.js';
export { publicJwk, type SigningKey } from './keys/key-set.js';
export type { RequestLogFilter, RequestRecord, ServedFault } from './log/request-log.js';
export { fixturePath, fixturesDir } from './paths.js';
export {
  type BuiltinProfileName,
  builtinProfiles,
  defineProfile,
  findProfile,
  type LoginProfileName,
  loginProfileNames,
  type Profile,
  type ProfileContext,
  type ProviderDoc,
  profileNames,
  providerDocs,
  type Quirk,
} from './profiles/index.js';
export {
  type Fault,
  findScenario,
  type Scenario,
  type SignatureFault,
  scenarios,
  type ValueSpec,
} from './scenarios/index.js';
export { type IssuerUrls, type MockIdp, type StartOptions, startMockIdp } from './server/start.js';
