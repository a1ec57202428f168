const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element and attribute content: every value that reaches a page goes through it. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The design tokens and components every page shares (the login page, error pages, the console). */
export const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1d2330;--muted:#5d6678;--line:#d9dde5;--accent:#2454d6;\
--accent-fg:#fff;--danger:#b42318}
@media (prefers-color-scheme:dark){:root{--bg:#12151b;--card:#1b2029;--fg:#e8ebf1;--muted:#9aa3b5;--line:#2c3340;\
--accent:#6d8ff5;--accent-fg:#0b1020;--danger:#ff8a80}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
background:var(--bg);color:var(--fg)}
main{max-width:560px;margin:40px auto;padding:0 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px 24px 16px;box-shadow:0 1px \
3px rgba(0,0,0,.06)}
h1{font-size:1.3rem;margin:0 0 4px}p.sub{color:var(--muted);margin:0 0 16px}
.badge{display:inline-block;font-size:.75rem;padding:2px 8px;border-radius:999px;border:1px solid var(--line);\
color:var(--muted);margin:0 4px 4px 0}
fieldset{border:0;padding:0;margin:0 0 16px}legend{font-weight:600;margin-bottom:8px}
label.user{display:flex;gap:12px;align-items:flex-start;border:1px solid var(--line);border-radius:10px;padding:10px \
12px;margin-bottom:8px;cursor:pointer}
label.user:has(input:checked){border-color:var(--accent);box-shadow:0 0 0 1px var(--accent)}
label.user small,.someone small{display:block;color:var(--muted)}
.user.someone{display:block;border:1px solid var(--line);border-radius:10px;padding:10px 12px;margin-bottom:8px}
.someone>label{display:flex;gap:12px;align-items:flex-start;cursor:pointer}
.someone:has(>label input:checked){border-color:var(--accent);box-shadow:0 0 0 1px var(--accent)}
.someone .fields{display:none;margin-top:10px}.someone:has(>label input:checked) .fields{display:block}
.someone .fields label{display:block;font-weight:600;margin:8px 0 4px}
p.label{font-weight:600;margin:0 0 6px}ul.scopes{list-style:none;padding:0;margin:0 0 12px}
input[type=text],textarea{width:100%;font:inherit;padding:8px 10px;border:1px solid var(--line);border-radius:8px;\
background:transparent;color:inherit}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;min-height:110px}
details{margin:0 0 16px}summary{cursor:pointer;font-weight:600;margin-bottom:8px}
.row{display:flex;gap:8px;margin-top:8px}.row button{flex:1}
button{font:inherit;font-weight:600;padding:10px 14px;border-radius:8px;border:1px solid var(--line);\
background:transparent;color:inherit;cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
.error{color:var(--danger);border:1px solid var(--danger);border-radius:8px;padding:8px 12px;margin-bottom:12px}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin-top:16px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;overflow-wrap:anywhere}
h2{font-size:1rem;margin:16px 0 6px}ul.registered,ul.known-clients{margin:0;padding-left:20px}
pre.snippet{font:.8rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);border:1px solid \
var(--line);border-radius:8px;padding:8px 10px;overflow-x:auto;white-space:pre}
mark{background:#fde68a;color:#1d2330;border-radius:4px;padding:0 3px}
`;

export function page(title: string, body: string, options: { autosubmit?: boolean } = {}): string {
  // The script only helps browsers; scripted agents submit forms marked data-autosubmit themselves.
  const script = options.autosubmit
    ? '<script>document.addEventListener("DOMContentLoaded",function(){var ' +
      'f=document.querySelector("form[data-autosubmit]");if(f)f.submit();});</script>'
    : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" \
content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · mock-idp</title><style>${STYLE}</style>${script}</head>
<body><main>${body}<footer>mock-idp · a local identity provider for testing</footer></main></body></html>`;
}
