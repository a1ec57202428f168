import { parse as parseHtml } from 'node-html-parser';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ScenarioRun } from './run.js';
import type { AuthorizationResponseFault } from './types.js';

/** The authorization response as sent: where to, how, and with which parameters. */
interface AuthorizationResponse {
  redirectUri: URL;
  mode: 'query' | 'form_post';
  params: URLSearchParams;
}

// Byte for byte oidc-provider's script, so the CSP hash it sent still matches.
const FORM_POST_SCRIPT = `
    document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });
  `;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function read(koa: KoaContextWithOIDC): AuthorizationResponse | undefined {
  const location = koa.status >= 300 && koa.status < 400 ? koa.response.get('location') : '';
  if (location) {
    // Relative locations are the IdP's own pages (the interaction), not the client's redirect URI.
    const url = new URL(location, koa.href);
    const params = new URLSearchParams(url.search);
    if (!params.has('code') && !params.has('error')) return undefined;
    url.search = '';
    return { redirectUri: url, mode: 'query', params };
  }
  if (!koa.response.is('html') || typeof koa.body !== 'string' || !koa.body.includes('document.forms[0].submit()'))
    return undefined;
  const form = parseHtml(koa.body).querySelector('form[method="post"]');
  const action = form?.getAttribute('action');
  if (!form || !action) return undefined;
  const params = new URLSearchParams();
  for (const input of form.querySelectorAll('input'))
    params.append(input.getAttribute('name') ?? '', input.getAttribute('value') ?? '');
  return { redirectUri: new URL(action), mode: 'form_post', params };
}

/** Sets each named parameter of a redirect; null removes it. */
export function setParams(params: URLSearchParams, set: Readonly<Record<string, string | null>> = {}): void {
  for (const [name, value] of Object.entries(set)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
}

function write(koa: KoaContextWithOIDC, response: AuthorizationResponse): void {
  if (response.mode === 'query') {
    const url = new URL(response.redirectUri);
    url.search = response.params.toString();
    if (!(koa.status >= 300 && koa.status < 400)) koa.status = 303;
    koa.redirect(url.href);
    return;
  }
  const inputs = [...response.params]
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`)
    .join('\n');
  koa.type = 'html';
  koa.body = `<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <title>Submitting Callback</title>
  <script>${FORM_POST_SCRIPT}</script>
</head>
<body>
  <form method="post" action="${escapeHtml(response.redirectUri.href)}">
    ${inputs}
  </form>
</body>
</html>`;
}

/** The issuer's own page where a login is left: no redirect, no form, nothing that reaches the client. */
function writeAbandoned(koa: KoaContextWithOIDC): void {
  koa.remove('location');
  koa.status = 200;
  koa.type = 'html';
  koa.body =
    '<!DOCTYPE html><html><head><title>Login left here</title></head><body><p>This login ends at the identity ' +
    'provider (a mock-idp scenario): the browser is not sent back to the client.</p></body></html>';
}

/**
 * Applies authorization response faults to a redirect or a form_post page.
 * The run remembers each response as it really was, so the next login can
 * be answered with a replayed state.
 */
export function applyAuthorizationResponseFaults(
  koa: KoaContextWithOIDC,
  run: ScenarioRun,
  faults: readonly AuthorizationResponseFault[],
): boolean {
  const response = read(koa);
  // Only a successful response is faulted: an error of the IdP's own is a refusal, and stays one.
  if (!response?.params.has('code')) return false;
  const original = new URLSearchParams(response.params);
  const originalMode = response.mode;
  const previous = run.previousResponse;
  run.previousResponse = original;
  if (faults.length === 0) return false;
  const { params } = response;
  for (const fault of faults) {
    if (!run.consume(fault)) continue;
    if (fault.abandon) {
      writeAbandoned(koa);
      return true;
    }
    if (fault.error) {
      params.delete('code');
      params.set('error', fault.error.error);
      if (fault.error.error_description) params.set('error_description', fault.error.error_description);
    }
    setParams(params, fault.set);
    for (const name of fault.replay ?? []) {
      const old = previous?.get(name);
      if (old !== null && old !== undefined) params.set(name, old);
    }
    for (const name of fault.duplicate ?? []) {
      const value = params.get(name);
      if (value !== null) params.append(name, `${value}-duplicate`);
    }
    if (fault.inQuery) response.mode = 'query';
  }
  // A replay with no earlier response to replay changed nothing: the fault is not served yet.
  if (params.toString() === original.toString() && response.mode === originalMode) return false;
  write(koa, response);
  return true;
}
