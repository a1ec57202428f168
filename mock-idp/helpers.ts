// mock-idp/helpers: what test code needs beside a running mock-idp, without
// loading the server (oidc-provider and its start-up cost and warnings).
export { NavigationError, UserAgent, type NavigateOptions, type NavigateResult } from './agent.js';
export { fixturePath, fixturesDir } from './paths.js';
export type { BuiltinProfileName } from './profiles/index.js';
