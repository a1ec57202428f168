import { summaryLine } from './reports.js';
import { specQuotes } from './spec-quotes.js';
import { type CaseResult, type ConformanceReport, VERDICTS, type Verdict } from './types.js';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => HTML[c]!);

const LABEL: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warn',
  info: 'info',
  skip: 'skip',
  'not-delivered': 'not delivered',
};

// One stylesheet for screen and paper: the report is a single file, opened from CI artifacts offline.
const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa;
  --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --info: #0969da; --skip: #6e7781; --not-delivered: #8250df; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; \
--card: #161b22;
  --pass: #3fb950; --fail: #f85149; --warn: #d29922; --info: #58a6ff; --skip: #8b949e; --not-delivered: #bc8cff; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
.meta, .muted { color: var(--muted); }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0; padding: 0; list-style: none; }
.counts label { display: inline-flex; align-items: center; gap: 6px; padding: 4px 10px; border: 1px solid var(--line);
  border-radius: 999px; cursor: pointer; user-select: none; }
.badge { display: inline-block; min-width: 7.5em; padding: 1px 8px; border-radius: 6px; color: #fff; font-weight: 600;
  font-size: .8rem; text-align: center; text-transform: uppercase; }
${VERDICTS.map((v) => `.v-${v} .badge, .badge.v-${v} { background: var(--${v}); }`).join('\n')}
.case { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; background: var(--card); }
.case > summary { display: grid; grid-template-columns: 8.5em 4.5em minmax(12em, 18em) 1fr; gap: 12px; align-items: \
baseline;
  padding: 8px 12px; cursor: pointer; list-style: none; }
.case > summary::-webkit-details-marker { display: none; }
.case .id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; overflow-wrap: anywhere; }
.body { padding: 0 12px 12px; border-top: 1px solid var(--line); }
.body h3 { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 14px 0 \
4px; }
blockquote { margin: 4px 0; padding: 4px 12px; border-left: 3px solid var(--line); }
pre { margin: 4px 0; padding: 8px; overflow-x: auto; border-radius: 6px; background: var(--bg); border: 1px solid \
var(--line);
  font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
table.requests { border-collapse: collapse; width: 100%; font-size: .85rem; }
table.requests td, table.requests th { text-align: left; padding: 2px 8px 2px 0; border-bottom: 1px solid \
var(--line); vertical-align: top; }
.hidden { display: none; }
@media (max-width: 700px) { .case > summary { grid-template-columns: 8.5em 1fr; } .case .title { grid-column: 1 / -1; \
} }
@media print { body { max-width: none; padding: 0; font-size: 11px; } .counts label input { display: none; }
  .case { break-inside: avoid; } .case > .body { display: block; } .hidden { display: block; } }
`;

// Filters by verdict; printing shows every case opened, whatever the filters say.
const SCRIPT = `
for (const box of document.querySelectorAll('input[data-verdict]')) {
  box.addEventListener('change', () => {
    for (const item of document.querySelectorAll('.case.v-' + box.dataset.verdict)) item.classList.toggle('hidden', \
!box.checked);
  });
}
addEventListener('beforeprint', () => { for (const d of document.querySelectorAll('details.case')) { \
d.dataset.wasOpen = d.open; d.open = true; } });
addEventListener('afterprint', () => { for (const d of document.querySelectorAll('details.case')) d.open = \
d.dataset.wasOpen === 'true'; });
`;

function json(value: unknown): string {
  return esc(JSON.stringify(value, null, 2));
}

function served(result: CaseResult): string {
  if (!result.served?.length) return '<p class="muted">Nothing faulted was served in this case.</p>';
  return result.served
    .map(
      (s) =>
        `<p><strong>${esc(s.target)}</strong></p>` +
        (s.token ? `<pre>${json({ header: s.token.header, claims: s.token.claims })}</pre>` : '') +
        (s.values ? `<pre>${json(s.values)}</pre>` : ''),
    )
    .join('');
}

function requests(result: CaseResult): string {
  if (!result.requests?.length) return '<p class="muted">mock-idp saw no request of this case\'s client.</p>';
  const rows = result.requests
    .map(
      (r) =>
        `<tr><td>${esc(r.method)}</td><td ` +
        `class="id">${esc(r.path)}</td><td>${esc(r.route ?? '')}</td><td>` +
        `${esc(r.status ?? '')}${r.error ? ` ${esc(r.error)}` : ''}</td><td>` +
        `${esc((r.faults ?? []).join(', '))}</td></tr>`,
    )
    .join('');
  return (
    `<table class="requests"><thead><tr><th>method</th><th>path</th><th>route</th><th>status</` +
    `th><th>fault served</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function outcome(result: CaseResult): string {
  const o = result.outcome;
  return o.ok ? 'completed (reported success)' : `${o.code ? `(${esc(o.code)}) ` : ''}${esc(o.message)}`;
}

function caseItem(result: CaseResult): string {
  const refs = result.refs
    .map((ref) => {
      const quote = specQuotes[ref];
      if (!quote) return `<li>${esc(ref)}</li>`;
      return `<li><a href="${esc(quote.url)}">${esc(ref)}</a><blockquote>${esc(quote.quote)}</blockquote></li>`;
    })
    .join('');
  return `<details class="case v-${result.verdict}" \
id="${esc(result.id)}"${result.verdict === 'fail' || result.verdict === 'not-delivered' ? ' open' : ''}>
<summary><span class="badge">${esc(LABEL[result.verdict])}</span><span>${esc(result.level)}</span><span class="id">\
${esc(result.id)}</span><span class="title">${esc(result.title)}</span></summary>
<div class="body">
<h3>Why</h3><p>${esc(result.reason)}</p>
<h3>Spec</h3><ul>${refs}</ul>
<h3>What mock-idp served</h3>${served(result)}
<h3>What the client did</h3><p>${outcome(result)}</p>${requests(result)}
</div>
</details>`;
}

/**
 * The report as one self-contained HTML page: the summary, then every case
 * with its verdict, level, the spec sentence, what mock-idp served (faulty
 * tokens decoded) and what the client did. Filters by verdict; prints whole.
 */
export function toHtml(report: ConformanceReport): string {
  const filters = VERDICTS.map(
    (v) =>
      `<li><label class="v-${v}"><input type="checkbox" data-verdict="${v}" checked><span ` +
      `class="badge v-${v}">${esc(LABEL[v])}</span> ${report.summary[v]}</label></li>`,
  ).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance: ${esc(report.client)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Conformance: ${esc(report.client)}</h1>
<p class="meta">against ${esc(report.issuer)}, ${esc(report.startedAt)}</p>
<p id="summary"><strong>${esc(summaryLine(report))}</strong></p>
<ul class="counts" aria-label="Show cases by verdict">${filters}</ul>
</header>
<main>
${report.results.map(caseItem).join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
