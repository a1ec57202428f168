/**
 * The relying-party conformance kit: a catalog of cases, each a mock-idp
 * scenario plus the expected reaction, run in parallel against a client
 * adapter, judged on the client's outcome and the IdP's request log, and
 * reported as JSON, JUnit XML or Markdown.
 */

export { type CommandAdapterOptions, commandAdapter, NATIVE_CLIENT } from './adapters/command.js';
export { type ReferenceClientAdapterOptions, referenceClientAdapter } from './adapters/reference-client.js';
export { type SpaAdapterOptions, type SpaBrowserOptions, spaAdapter } from './adapters/spa.js';
export { type WebAppAdapterOptions, type WebAppSuccessRule, webAppAdapter } from './adapters/web-app.js';
export { cases } from './cases/index.js';
export { catalogListing, progressLine, type SummaryOptions, summaryTable } from './console.js';
export type { LogoutTokenFault } from './logout-token.js';
export { toHtml } from './report-html.js';
export { type ReportLinks, summaryLine, toJson, toJUnit, toMarkdown } from './reports.js';
export { type RunOptions, runConformance } from './run.js';
export type {
  Action,
  Area,
  Capability,
  CaseContext,
  CaseResult,
  ClientAdapter,
  ClientDefaults,
  ClientOutcome,
  ConformanceCase,
  ConformanceReport,
  Evidence,
  EvidenceContext,
  Expectation,
  FixedClient,
  Level,
  Premise,
  Relaxation,
  RequestExcerpt,
  TokenEndpointAuthMethod,
  Verdict,
} from './types.js';
