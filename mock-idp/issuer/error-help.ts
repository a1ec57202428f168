import { distance } from 'fastest-levenshtein';
import { type ClientMetadata, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml } from '../kernel/html.js';

/** What an error page needs to know about the issuer to say how to fix a request. */
export interface ErrorHelpContext {
  /** The issuer's name in config and in the admin API (a scenario issuer's parent). */
  issuerName: string;
  /** The admin API's base URL, e.g. http://127.0.0.1:9400/_admin. */
  adminUrl: string;
  clients: () => readonly ClientMetadata[];
}

/** Help for one refused request: plain text for JSON answers and logs, HTML for error pages. */
export interface ErrorHelp {
  text: string;
  html: string;
}

/** How many client_ids an unknown-client answer lists: enough to spot a typo, bounded for big registries. */
export const KNOWN_CLIENTS_SHOWN = 20;

/** The registered URI nearest the sent one by edit distance: usually the one a typo or a port change came from. */
export function closestUri(sent: string, registered: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const uri of registered) {
    const d = distance(sent, uri);
    if (d < bestDistance) [best, bestDistance] = [uri, d];
  }
  return best;
}

/** Quotes a string for a POSIX shell: the body goes in single quotes, so only ' needs care. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A redirect_uri the client did not register: what was sent, what is
 * registered (the closest marked), and the two ways to add it. JSON scalars
 * are valid YAML, so the snippet reads the same in a YAML or a JSON-minded eye.
 */
export function redirectUriHelp(help: ErrorHelpContext, clientId: string, sent: string): ErrorHelp {
  const client = help.clients().find((c) => c.client_id === clientId);
  const registered = (client?.redirect_uris ?? []) as string[];
  const closest = closestUri(sent, registered);
  const config = [
    'issuers:',
    `  - name: ${JSON.stringify(help.issuerName)}`,
    '    clients:   # or extraClients: the entry of this client',
    `      - client_id: ${JSON.stringify(clientId)}`,
    `        redirect_uris: ${JSON.stringify([...registered, sent])}`,
  ].join('\n');
  const endpoint =
    `${help.adminUrl}/issuers/${encodeURIComponent(help.issuerName)}/clients/` +
    `${encodeURIComponent(clientId)}/redirect_uris`;
  const body = JSON.stringify({ redirect_uri: sent });
  const curl = `curl -X POST ${shellQuote(endpoint)} -H 'content-type: application/json' -d ${shellQuote(body)}`;
  const list = registered.length
    ? registered.map((uri) => (uri === closest ? `${uri} (closest)` : uri)).join(', ')
    : 'none';
  const text =
    `redirect_uri sent: ${sent}; registered for client ${clientId}: ${list}. ` +
    `Add it with POST ${endpoint} and the JSON body ${body}, or list it in the client's redirect_uris in the config`;
  const items = registered
    .map((uri) =>
      uri === closest
        ? `<li><mark><code>${escapeHtml(uri)}</code></mark> <small>closest</small></li>`
        : `<li><code>${escapeHtml(uri)}</code></li>`,
    )
    .join('');
  const html = `
  <h2>Sent</h2><p><code class="sent">${escapeHtml(sent)}</code></p>
  <h2>Registered for <code>${escapeHtml(clientId)}</code></h2>
  ${registered.length ? `<ul class="registered">${items}</ul>` : '<p class="sub">This client has no redirect URIs.</p>'}
  <h2>Add it</h2>
  <p class="sub">In the config file, the client's entry:</p><pre class="snippet" data-kind="config">\
${escapeHtml(config)}</pre>
  <p class="sub">Or at run time, through the admin API (add <code>-H "authorization: Bearer \
$MOCK_IDP_ADMIN_TOKEN"</code> when an admin token is set):</p>
  <pre class="snippet" data-kind="admin">${escapeHtml(curl)}</pre>`;
  return { text, html };
}

/** A client_id the issuer does not know: the ones it does, bounded. */
export function unknownClientHelp(help: ErrorHelpContext, clientId: string | undefined): ErrorHelp {
  const ids = help.clients().map((c) => c.client_id);
  const shown = ids.slice(0, KNOWN_CLIENTS_SHOWN);
  const more = ids.length - shown.length;
  const sent = clientId === undefined ? 'the client_id' : `client_id "${clientId}"`;
  const text = ids.length
    ? `${sent} is not registered at issuer ${help.issuerName}; known client_ids: ` +
      `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
    : `${sent} is not registered at issuer ${help.issuerName}, which has no clients`;
  const html = `
  <h2>Known clients of <code>${escapeHtml(help.issuerName)}</code></h2>
  ${
    ids.length
      ? `<ul class="known-clients">${shown
          .map(
            (id) => `<li><code>${escapeHtml(id)}</code>\
</li>`,
          )
          .join('')}</ul>${
          more > 0
            ? `<p class="sub">and ${more} \
more</p>`
            : ''
        }`
      : '<p class="sub">This issuer has no clients.</p>'
  }
  <p class="sub">Add one with <code>PUT \
${escapeHtml(`${help.adminUrl}/issuers/${encodeURIComponent(help.issuerName)}/clients/<client_id>`)}</code> or in the \
issuer's <code>clients</code> in the config.</p>`;
  return { text, html };
}

/** The help for an OAuth error, if it is one mock-idp knows how to fix. */
export function helpFor(
  help: ErrorHelpContext,
  error: { error?: string | undefined; error_detail?: string | undefined },
  params: Record<string, unknown> | undefined,
): ErrorHelp | undefined {
  const clientId = typeof params?.client_id === 'string' ? params.client_id : undefined;
  // A pushed request reports it as invalid_request, with the same error object.
  const redirectRefused = error instanceof errors.InvalidRedirectUri || error.error === 'invalid_redirect_uri';
  if (redirectRefused && clientId && typeof params?.redirect_uri === 'string') {
    return redirectUriHelp(help, clientId, params.redirect_uri);
  }
  if (error.error === 'invalid_client' && error.error_detail === 'client not found')
    return unknownClientHelp(help, clientId);
  return undefined;
}

/** The request's parameters, also when oidc-provider failed before assembling them. */
export function requestParams(ctx: KoaContextWithOIDC): Record<string, unknown> {
  const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
  const raw = (oidc?.params ?? (ctx.method === 'POST' ? oidc?.body : ctx.query) ?? {}) as Record<string, unknown>;
  const params = { ...(oidc?.body as Record<string, unknown> | undefined), ...raw };
  if (typeof params.client_id !== 'string') {
    // client_secret_basic: the client_id is the form-encoded user name of the Basic credentials (RFC 6749 2.3.1).
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(ctx.get('authorization'))?.[1];
    const user = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':')[0] : undefined;
    if (user) {
      try {
        params.client_id = decodeURIComponent(user.replace(/\+/g, ' '));
      } catch {
        /* not form-encoded: oidc-provider refuses it on its own */
      }
    }
  }
  return params;
}
