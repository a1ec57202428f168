/**
 * The relying-party conformance kit: a catalog of cases, each a mock-idp
 * scenario plus the expected reaction, run in parallel against a client
 * adapter, judged on the client's outcome and the IdP's request log, and
 * reported as JSON, JUnit XML or Markdown.
 */
export { runConformance, type RunOptions } from './run.js';
export { cases } from './cases/index.js';
export { toJson, toJUnit, toMarkdown, summaryLine, type ReportLinks } from './reports.js';
export { toHtml } from './report-html.js';
export { progressLine, summaryTable, catalogListing, type SummaryOptions } from './console.js';
export type { LogoutTokenFault } from './logout-token.js';
export { referenceClientAdapter, type ReferenceClientAdapterOptions } from './adapters/reference-client.js';
export { webAppAdapter, type WebAppAdapterOptions, type WebAppSuccessRule } from './adapters/web-app.js';
export { commandAdapter, NATIVE_CLIENT, type CommandAdapterOptions } from './adapters/command.js';
export type {
  ConformanceCase, ClientAdapter, CaseContext, ClientOutcome, CaseResult, ConformanceReport, Verdict, Expectation, Action, Capability, Area, Evidence, EvidenceContext,
  Level, Premise, Relaxation, RequestExcerpt, ClientDefaults, FixedClient, TokenEndpointAuthMethod,
} from './types.js';
