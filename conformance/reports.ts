import type { ConformanceReport } from './types.js';

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => XML[c]!);
const cell = (value: unknown) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** JUnit XML as CI systems render it: a failed MUST is a failure, a missed SHOULD a skipped test with the reason. */
export function toJUnit(report: ConformanceReport): string {
  const cases = report.results.map((r) => {
    const name = `${r.id}: ${r.title}`;
    const body = r.verdict === 'fail'
      ? `<failure message="${xml(r.reason)}">${xml(`${r.reason}\nrefs: ${r.refs.join('; ')}\ncalls: ${r.calls.join(' > ')}`)}</failure>`
      : r.verdict === 'warn' || r.verdict === 'skip' ? `<skipped message="${xml(`${r.verdict}: ${r.reason}`)}"/>` : '';
    return `    <testcase classname="${xml(`mock-idp.conformance.${r.level}`)}" name="${xml(name)}" time="${(r.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="mock-idp conformance" tests="${report.results.length}" failures="${report.summary.fail}" time="${(report.durationMs / 1000).toFixed(3)}">
  <testsuite name="${xml(report.client)}" tests="${report.results.length}" failures="${report.summary.fail}" skipped="${report.summary.warn + report.summary.skip}" timestamp="${xml(report.startedAt)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

export function toMarkdown(report: ConformanceReport): string {
  const mark = { pass: 'pass', fail: '**FAIL**', warn: 'warn', skip: 'skip' } as const;
  const rows = report.results.map((r) => `| ${mark[r.verdict]} | ${r.level} | \`${r.id}\` | ${cell(r.reason)} | ${cell(r.refs.join('; '))} | ${cell(r.calls.join(' → '))} |`);
  return `# Conformance: ${report.client}

Issuer ${report.issuer}, ${report.results.length} cases in ${(report.durationMs / 1000).toFixed(1)} s: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.warn} warn, ${report.summary.skip} skip. ${report.passed ? 'No MUST case failed.' : 'A MUST case failed.'}

| verdict | level | case | why | spec | requests seen |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
