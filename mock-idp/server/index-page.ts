import { escapeHtml, page } from '../kernel/html.js';
import type { IssuerSummary } from '../issuer/issuer.js';

/** The root page: what a person who opens http://localhost:9400 in a browser needs to wire up a client. */
export function renderIndex(issuers: IssuerSummary[]): string {
  const sections = issuers.map((i) => `
<div class="card" style="margin-bottom:16px">
  <h1>${escapeHtml(i.name)} <span class="badge">${escapeHtml(i.profile)}</span> <span class="badge">login: ${escapeHtml(i.login)}</span></h1>
  <p class="sub">Issuer <code>${escapeHtml(i.issuer)}</code><br>${i.discovery
    ? `Discovery <a href="${escapeHtml(i.discovery)}"><code>${escapeHtml(i.discovery)}</code></a>`
    : `Authorize <code>${escapeHtml(i.endpoints?.authorization)}</code><br>Token <code>${escapeHtml(i.endpoints?.token)}</code>`}</p>
  <p><strong>Clients</strong></p><ul>${i.clients.map((c) => `<li><code>${escapeHtml(c.client_id)}</code> · ${escapeHtml(c.token_endpoint_auth_method)}${c.redirect_uris.length ? ` · ${c.redirect_uris.map((u) => `<code>${escapeHtml(u)}</code>`).join(' ')}` : ''}</li>`).join('')}</ul>
  <p><strong>Users</strong></p><ul>${i.users.map((u) => `<li><code>${escapeHtml(u.sub)}</code>${u.email ? ` · ${escapeHtml(u.email)}` : ''}</li>`).join('')}</ul>
</div>`).join('');
  return page('Issuers', sections || '<div class="card"><h1>No issuers</h1></div>');
}
