import { AuthorizationResponseError, RelyingPartyError } from './errors.js';

export interface Page {
  status: number;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

// Every caller passes already-escaped markup: the only place text becomes HTML is escapeHtml.
function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}\
code{background:#f3f3f3;padding:0 .25rem}</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`;
}

export function successPage(): Page {
  return {
    status: 200,
    html: layout('Login complete', '<p>You are logged in. You can close this tab and return to the command line.</p>'),
  };
}

/**
 * The provider's error_description is text chosen by whoever produced the
 * callback URL, which may be an attacker: it is shown escaped and only as a
 * quotation, never as markup.
 */
export function failurePage(error: unknown): Page {
  let detail: string;
  if (error instanceof AuthorizationResponseError) {
    detail = `<p>The identity provider answered <code>${escapeHtml(error.error)}</code>.</p>`;
    if (error.errorDescription) detail += `\n<blockquote>${escapeHtml(error.errorDescription)}</blockquote>`;
    if (error.issuerMismatch)
      detail += '\n<p>This answer claims to come from another identity provider than the one this login used.</p>';
  } else {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof RelyingPartyError ? ` <code>${escapeHtml(error.code)}</code>` : '';
    detail = `<p>${escapeHtml(message)}${code}</p>`;
  }
  return {
    status: 400,
    html: layout('Login failed', `${detail}\n<p>Return to the command line for details, then try again.</p>`),
  };
}

export function notFoundPage(): Page {
  return { status: 404, html: layout('Not found', '<p>This local server only answers the login callback.</p>') };
}
