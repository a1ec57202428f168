// mock-idp/helpers: what test code needs beside a running mock-idp, without
// loading the server (oidc-provider and its start-up cost and warnings). The
// conformance kit takes its values from here for the same reason: importing
// mock-idp/conformance or mock-idp/vitest must not start to load the server.
export { type NavigateOptions, type NavigateResult, NavigationError, UserAgent } from './agent.js';
export { AdminInputError } from './issuer/issuer-admin.js';
export { publicJwk, type SigningKey } from './keys/key-set.js';
export { fixturePath, fixturesDir } from './paths.js';
export type { BuiltinProfileName } from './profiles/index.js';
export { findScenario } from './scenarios/index.js';
