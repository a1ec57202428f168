import type { ConformanceReport } from './types.js';

/** The run in one sentence: every verdict counted, and what the counts mean. */
export function summaryLine(report: ConformanceReport): string {
  const { pass, fail, warn, info, skip, 'not-delivered': notDelivered } = report.summary;
  const verdict = report.passed
    ? 'No MUST case failed, and every fault was delivered.'
    : fail > 0
      ? 'A MUST case failed.'
      : 'Some faults never reached the client: those cases could not be judged.';
  return (
    `${report.results.length} ${report.results.length === 1 ? 'case' : 'cases'} in ` +
    `${(report.durationMs / 1000).toFixed(1)} s: ${pass} ` +
    `pass, ${fail} fail, ${warn} warn, ${info} info, ${skip} skip, ${notDelivered} not ` +
    `delivered. ${verdict}`
  );
}

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => XML[c]!);
const cell = (value: unknown) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Other reports of the same run, for a report to point to. */
export interface ReportLinks {
  /** The HTML report, relative to this one. */
  html?: string | undefined;
}

/**
 * JUnit XML as CI systems render it: a failed MUST is a failure, an undelivered
 * fault an error, a missed SHOULD a skipped test with the reason, a missed MAY
 * a passing test with a note.
 */
export function toJUnit(report: ConformanceReport, links: ReportLinks = {}): string {
  const cases = report.results.map((r) => {
    const name = `${r.id}: ${r.title}`;
    const detail = xml(
      `${r.reason}\nrefs: ${r.refs.join('; ')}${r.quote ? `\nspec: "${r.quote}"` : ''}\ncalls: ${r.calls.join(' > ')}`,
    );
    const body =
      r.verdict === 'fail'
        ? `<failure message="${xml(r.reason)}">${detail}</failure>`
        : r.verdict === 'not-delivered'
          ? `<error message="${xml(r.reason)}">${detail}</error>`
          : r.verdict === 'warn' || r.verdict === 'skip'
            ? `<skipped message="${xml(`${r.verdict}: ${r.reason}`)}"/>`
            : r.verdict === 'info'
              ? `<system-out>${xml(`info: ${r.reason}`)}</system-out>`
              : '';
    return (
      `    <testcase classname="${xml(`mock-idp.conformance.${r.level}`)}" name="${xml(name)}" ` +
      `time="${(r.durationMs / 1000).toFixed(3)}">${body}</testcase>`
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="mock-idp conformance" tests="${report.results.length}" failures="${report.summary.fail}" \
errors="${report.summary['not-delivered']}" time="${(report.durationMs / 1000).toFixed(3)}">
  <testsuite name="${xml(report.client)}" tests="${report.results.length}" failures="${report.summary.fail}" \
errors="${report.summary['not-delivered']}" skipped="${report.summary.warn + report.summary.skip}" \
timestamp="${xml(report.startedAt)}">
${
  links.html
    ? `    <properties><property name="html-report" value="${xml(links.html)}"/></properties>\
\n`
    : ''
}${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

export function toMarkdown(report: ConformanceReport): string {
  const mark = {
    pass: 'pass',
    fail: '**FAIL**',
    warn: 'warn',
    info: 'info',
    skip: 'skip',
    'not-delivered': '**NOT DELIVERED**',
  } as const;
  const rows = report.results.map(
    (r) =>
      `| ${mark[r.verdict]} | ${r.level} | \`${r.id}\` | ${cell(r.reason)} | ` +
      `${cell(r.refs.join('; '))} | ${cell(r.calls.join(' → '))} |`,
  );
  return `# Conformance: ${report.client}

Issuer ${report.issuer}. ${summaryLine(report)}

| verdict | level | case | why | spec | requests seen |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
