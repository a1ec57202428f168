import { styleText } from 'node:util';
import type { CaseResult, ConformanceReport, Verdict } from './types.js';

const COLOURS: Record<Verdict, Parameters<typeof styleText>[0]> = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'gray' };
const WHY_WIDTH = 90;

function verdictWord(verdict: Verdict, colour: boolean): string {
  const word = verdict.toUpperCase().padEnd(4);
  return colour ? styleText(COLOURS[verdict], word) : word;
}

function clip(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** One line per finished case, as the run goes: `[ 12/87] PASS MUST   id-token-aud-wrong  rejected: ...`. */
export function progressLine(result: CaseResult, done: number, total: number, colour = false): string {
  const count = `[${String(done).padStart(String(total).length)}/${total}]`;
  return `${count} ${verdictWord(result.verdict, colour)} ${result.level.padEnd(6)} ${result.id}  ${clip(result.reason, WHY_WIDTH)}`;
}

/**
 * The summary a person reads at the end: every case with its verdict and why,
 * the spec it checks, and for failures and warnings the requests the IdP saw.
 */
export function summaryTable(report: ConformanceReport, colour = false): string {
  const idWidth = Math.max(4, ...report.results.map((r) => r.id.length));
  const header = `${'VERDICT'.padEnd(7)} ${'LEVEL'.padEnd(6)} ${'CASE'.padEnd(idWidth)}  WHY`;
  const lines = report.results.flatMap((r) => {
    const row = `${verdictWord(r.verdict, colour)}    ${r.level.padEnd(6)} ${r.id.padEnd(idWidth)}  ${clip(r.reason, WHY_WIDTH)}`;
    const detail = `${' '.repeat(7 + 1 + 6 + 1 + idWidth + 2)}`;
    if (r.verdict !== 'fail' && r.verdict !== 'warn') return [row];
    return [row, `${detail}spec: ${r.refs.join('; ')}`, `${detail}requests: ${r.calls.length ? r.calls.join(' > ') : 'none'}`];
  });
  const { pass, fail, warn, skip } = report.summary;
  const verdict = report.passed ? 'No MUST case failed.' : 'A MUST case failed.';
  return [
    `${report.client} against ${report.issuer}`,
    '',
    header,
    ...lines,
    '',
    `${report.results.length} cases in ${(report.durationMs / 1000).toFixed(1)} s: ${pass} pass, ${fail} fail, ${warn} warn, ${skip} skip. ${verdict}`,
  ].join('\n');
}

/** `mock-idp conform --list`: the catalog, one case a line. */
export function catalogListing(catalog: readonly { id: string; level: string; area: string; title: string; requires?: readonly string[]; profiles?: readonly string[] }[]): string {
  const idWidth = Math.max(...catalog.map((c) => c.id.length));
  const areaWidth = Math.max(...catalog.map((c) => c.area.length));
  return catalog.map((c) => {
    const only = [...(c.requires ?? []), ...(c.profiles ?? [])];
    return `${c.id.padEnd(idWidth)}  ${c.level.padEnd(6)} ${c.area.padEnd(areaWidth)}  ${c.title}${only.length ? ` [${only.join(', ')}]` : ''}`;
  }).join('\n');
}
