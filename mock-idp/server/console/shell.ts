import { escapeHtml, STYLE } from '../../kernel/html.js';

/** The console's own rules on top of the login page's tokens: a wide, gridded layout instead of one card. */
const CONSOLE_STYLE = `
[hidden]{display:none!important}
main.console{max-width:1400px;margin:0 auto;padding:0 20px 24px}
header.top{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:6px 18px;padding:10px \
20px;background:var(--card);border-bottom:1px solid var(--line)}
header.top .brand{font-weight:700;font-size:1.05rem;margin-right:auto}
header.top nav{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.9rem}
a{color:var(--accent)}
section{margin-top:22px;scroll-margin-top:64px}
section>h2{font-size:1.1rem;margin:0 0 10px}
.intro{color:var(--muted);margin:14px 0 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}
.card{padding:16px 18px 12px}
.card h3{font-size:1.05rem;margin:0 0 4px;display:flex;flex-wrap:wrap;align-items:center;gap:6px}
.card h3 .badge{margin:0}
.meta{color:var(--muted);font-size:.85rem;margin:0 0 10px}
.meta code{color:var(--fg)}
h4{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:12px 0 6px}
.client{border:1px solid var(--line);border-radius:10px;padding:8px 10px;margin-bottom:6px}
.client .id code{font-weight:600}.client .id .badge{margin:0;vertical-align:1px}
.client .uris{font-size:.8rem;color:var(--muted);margin-top:2px}
.client .actions{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-top:6px}
.client .secret{display:block;margin-top:4px}.client .secret[hidden]{display:none}

button.small{padding:4px 10px;font-size:.82rem;border-radius:7px}
button:disabled{opacity:.45;cursor:not-allowed}
.why{font-size:.75rem;color:var(--muted)}
.secret{font-size:.82rem}
.users{display:flex;flex-wrap:wrap;gap:6px}
.user-chip{border:1px solid var(--line);border-radius:8px;padding:3px 8px;font-size:.82rem}
.user-chip small{color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-bottom:10px}
.filters label,.control label{display:flex;flex-direction:column;font-size:.78rem;color:var(--muted);gap:2px}
select{max-width:100%}.filters label,.control label{max-width:100%}
select,input[type=text],input[type=number],input[type=password]{font:inherit;font-size:.88rem;padding:5px 8px;\
border:1px solid var(--line);border-radius:7px;background:var(--card);color:inherit;min-width:0}
.log{display:flex;flex-direction:column;gap:6px}
.req{border:1px solid var(--line);border-radius:9px;background:var(--card)}
.req>summary{display:grid;grid-template-columns:5.2em 3.6em minmax(0,1fr) auto;gap:8px;align-items:baseline;\
padding:6px 10px;margin:0;font-weight:400;list-style:none}
.req>summary::-webkit-details-marker{display:none}
.req .path{overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.82rem}
.req .who{font-size:.78rem;color:var(--muted)}
.req .body{padding:4px 12px 10px;border-top:1px solid var(--line)}
.status{font-weight:700;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.ok{color:#15803d}.warn{color:#b45309}.bad{color:var(--danger)}
@media (prefers-color-scheme:dark){.ok{color:#4ade80}.warn{color:#fbbf24}}
.req.failed{border-color:color-mix(in srgb,var(--danger) 45%,var(--line))}
.help{border-left:3px solid var(--danger);padding:4px 10px;margin:8px 0}
.help p{margin:2px 0}
.jwt{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:8px 0}
.jwt .cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2fr);gap:8px}
pre.json{font:.76rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);border:1px solid \
var(--line);border-radius:7px;padding:6px 8px;margin:4px 0;overflow:auto;max-height:320px;white-space:pre-wrap;\
overflow-wrap:anywhere}
ul.facts{list-style:none;padding:0;margin:4px 0;font-size:.82rem}
ul.facts li::before{content:"·";display:inline-block;width:1.1em;font-weight:700;color:var(--muted)}
ul.facts li.ok::before{content:"✓";color:inherit}ul.facts li.bad::before{content:"✗";color:inherit}
.diagram{border:1px solid var(--line);border-radius:10px;background:var(--card);padding:8px 10px;margin-bottom:8px}
.diagram svg{display:block;max-width:100%}
.diagram>details{margin:0}.diagram>details>summary{font-size:.85rem;margin:4px 0}
@media (min-width:1100px){.diagram.login{display:grid;grid-template-columns:auto minmax(0,1fr);gap:0 18px;\
align-items:start}.diagram.login>.line{grid-column:1/-1}}
.diagram .line{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline}
.diagram svg .arrow.warn{stroke:#b45309}.diagram svg .head.warn{fill:#b45309}
@media (prefers-color-scheme:dark){.diagram svg .arrow.warn{stroke:#fbbf24}.diagram svg .head.warn{fill:#fbbf24}}
.diagram svg text{fill:var(--fg);font:12px system-ui,sans-serif}
.diagram svg .lane{stroke:var(--line);stroke-dasharray:4 4}
.diagram svg .arrow{stroke:var(--accent);stroke-width:1.6;fill:none}
.diagram svg .arrow.bad{stroke:var(--danger)}
.diagram svg .head{fill:var(--accent)}.diagram svg .head.bad{fill:var(--danger)}
.diagram svg .actor{fill:var(--bg);stroke:var(--line)}
.diagram svg text.muted{fill:var(--muted)}
.controls{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.control form{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
.control form+form{margin-top:8px}
.control output{display:block;font-size:.82rem;margin-top:8px;color:var(--muted);overflow-wrap:anywhere}
.control output.bad{color:var(--danger)}
.empty{color:var(--muted);font-size:.9rem}
.tabs{display:flex;gap:6px;margin-bottom:10px}
.tabs button[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
#token-bar{display:none;gap:6px;align-items:center;font-size:.85rem}
#token-bar.shown{display:flex}
@media (max-width:720px){
  .grid{grid-template-columns:minmax(0,1fr)}
  .controls{grid-template-columns:minmax(0,1fr)}
  .req>summary{grid-template-columns:4.4em 3em minmax(0,1fr)}
  .req>summary .who{grid-column:1/-1}
  .jwt .cols{grid-template-columns:minmax(0,1fr)}
  main.console{padding:0 10px 20px}
  header.top{padding:8px 10px;position:static}
  section{scroll-margin-top:8px}
}
`;

/** A console page: the shared tokens and a top bar; the body brings its own sections. */
export function consoleShell(title: string, header: string, body: string, script = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" \
content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · mock-idp</title><link rel="icon" href="data:,"><style>${STYLE}${CONSOLE_STYLE}</style>\
</head>
<body>${header}<main class="console">${body}<footer>mock-idp · a local identity provider for testing</footer></main>\
${script}</body></html>`;
}

/** JSON for a <pre>, escaped. */
export function jsonBlock(value: unknown): string {
  return `<pre class="json">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}
