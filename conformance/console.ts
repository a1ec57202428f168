import { styleText } from 'node:util';
import { providerDocs } from '../mock-idp/index.js';
import { summaryLine } from './reports.js';
import type { CaseResult, ConformanceReport, Verdict } from './types.js';

const COLOURS: Record<Verdict, Parameters<typeof styleText>[0]> = {
  pass: 'green',
  fail: 'red',
  warn: 'yellow',
  info: 'cyan',
  skip: 'gray',
  'not-delivered': 'magenta',
};
const WHY_WIDTH = 90;

function verdictWord(verdict: Verdict, colour: boolean, width = 4): string {
  const word = verdict.toUpperCase().padEnd(width);
  return colour ? styleText(COLOURS[verdict], word) : word;
}

function clip(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** One line per finished case, as the run goes: `[ 12/87] PASS MUST   id-token-aud-wrong  rejected: ...`. */
export function progressLine(result: CaseResult, done: number, total: number, colour = false): string {
  const count = `[${String(done).padStart(String(total).length)}/${total}]`;
  return (
    `${count} ${verdictWord(result.verdict, colour)} ${result.level.padEnd(6)} ${result.id}  ` +
    `${clip(result.reason, WHY_WIDTH)}`
  );
}

// Long spec names in their usual short form, so the SPEC column stays narrow; each provider's own docs come with its
// profile.
const SHORT_SPECS: readonly (readonly [string, string])[] = [
  ['OIDC Back-Channel Logout 1.0', 'OIDC BCL'],
  ['OIDC RP-Initiated Logout 1.0', 'OIDC RP Logout'],
  ['OAuth 2.0 Form Post Response Mode', 'OAuth Form Post'],
  ['OAuth 2.0 Multiple Response Types', 'OAuth Resp Types'],
  ...providerDocs().map((doc) => [doc.ref, doc.short] as const),
];
const SPEC_WIDTH = 22;

/** The first reference, short: "OIDC Core 3.1.3.7 (3)" is "OIDC Core 3.1.3.7", and "+1" says there is another. */
export function shortSpec(refs: readonly string[], width = SPEC_WIDTH): string {
  if (refs.length === 0) return '-';
  const first = SHORT_SPECS.reduce((ref, [long, short]) => ref.replace(long, short), refs[0]!).replace(
    /\s*\([^)]*\)$/,
    '',
  );
  const more = refs.length > 1 ? ` +${refs.length - 1}` : '';
  return `${clip(first, width - more.length)}${more}`;
}

export interface SummaryOptions {
  colour?: boolean;
  /** The requests the IdP saw for every case that ran, not only for failures and warnings. */
  verbose?: boolean;
  /** Columns to fit a row in; WHY is cut to fit. Default 120. */
  width?: number;
}

/**
 * The summary a person reads at the end: every case with its verdict, level,
 * the spec it checks and why, and for failures and warnings (every case, with
 * verbose) its full reason, all its references and the requests the IdP saw.
 */
export function summaryTable(report: ConformanceReport, options: SummaryOptions | boolean = {}): string {
  const { colour = false, verbose = false, width = 120 } = typeof options === 'boolean' ? { colour: options } : options;
  const idWidth = Math.max(4, ...report.results.map((r) => r.id.length));
  const specWidth = Math.min(SPEC_WIDTH, Math.max(4, ...report.results.map((r) => shortSpec(r.refs).length)));
  // As wide as the widest verdict shown: NOT-DELIVERED only widens a run that has one.
  const verdictWidth = Math.max('VERDICT'.length, ...report.results.map((r) => r.verdict.length));
  const whyWidth = Math.max(20, width - (verdictWidth + 1 + 7 + idWidth + 2 + specWidth + 2));
  const header =
    `${'VERDICT'.padEnd(verdictWidth)} ${'LEVEL'.padEnd(6)} ${'CASE'.padEnd(idWidth)}  ` +
    `${'SPEC'.padEnd(specWidth)}  WHY`;
  const indent = ' '.repeat(verdictWidth + 1 + 7);
  const lines = report.results.flatMap((r) => {
    const row =
      `${verdictWord(r.verdict, colour, verdictWidth)} ${r.level.padEnd(6)} ` +
      `${r.id.padEnd(idWidth)}  ${shortSpec(r.refs).padEnd(specWidth)}  ` +
      `${clip(r.reason, whyWidth)}`;
    const requests = `${indent}requests: ${r.calls.length ? r.calls.join(' > ') : 'none'}`;
    if (r.verdict === 'fail' || r.verdict === 'warn' || r.verdict === 'not-delivered') {
      const why = r.reason.replace(/\s+/g, ' ');
      return [
        row,
        ...(why.length > whyWidth ? [`${indent}why: ${why}`] : []),
        `${indent}spec: ${r.refs.join('; ')}`,
        requests,
      ];
    }
    return verbose && r.verdict !== 'skip' ? [row, requests] : [row];
  });
  return [`${report.client} against ${report.issuer}`, '', header, ...lines, '', summaryLine(report)].join('\n');
}

/** `mock-idp conform --list`: the catalog, one case a line. */
export function catalogListing(
  catalog: readonly {
    id: string;
    level: string;
    area: string;
    title: string;
    requires?: readonly string[];
    profiles?: readonly string[];
  }[],
): string {
  const idWidth = Math.max(...catalog.map((c) => c.id.length));
  const areaWidth = Math.max(...catalog.map((c) => c.area.length));
  return catalog
    .map((c) => {
      const only = [...(c.requires ?? []), ...(c.profiles ?? [])];
      return (
        `${c.id.padEnd(idWidth)}  ${c.level.padEnd(6)} ${c.area.padEnd(areaWidth)}  ` +
        `${c.title}${only.length ? ` [${only.join(', ')}]` : ''}`
      );
    })
    .join('\n');
}
