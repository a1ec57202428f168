import type { Issuer } from '../../issuer/issuer.js';
import { escapeHtml } from '../../kernel/html.js';
import { CALLBACK_PATH, tryLoginUnavailable } from './try-login.js';

/** What the page's script needs to fill the filters and controls; no secrets. */
export interface OverviewData {
  issuers: { name: string; clients: string[]; users: string[] }[];
  scenarios: string[];
}

function userChip(user: { sub: string; username?: string | undefined; claims: Record<string, unknown> }): string {
  const name = user.claims.name ?? user.claims.display_name ?? user.username;
  const email = typeof user.claims.email === 'string' ? user.claims.email : undefined;
  return (
    `<span class="user-chip">${name ? `${escapeHtml(name)} ` : ''}<small>sub ` +
    `<code>${escapeHtml(user.sub)}</code>${email ? ` · ${escapeHtml(email)}` : ''}</small></` +
    `span>`
  );
}

function clientBlock(issuer: Issuer, client: Issuer['clients'][number]): string {
  const uris = (client.redirect_uris ?? []) as string[];
  const method = client.token_endpoint_auth_method ?? 'client_secret_basic';
  const unavailable = tryLoginUnavailable(issuer, client);
  const hasConsoleUri = uris.some((u) => new URL(u).pathname === CALLBACK_PATH);
  const uriList = uris.length ? uris.map((u) => `<code>${escapeHtml(u)}</code>`).join(' · ') : 'no redirect URIs';
  const data = `data-issuer="${escapeHtml(issuer.name)}" data-client="${escapeHtml(client.client_id)}"`;
  const secret = typeof client.client_secret === 'string';
  return `<div class="client">
  <div class="id"><code>${escapeHtml(client.client_id)}</code> <span class="badge">${escapeHtml(method)}</span></div>
  <div class="uris">${client.client_name ? `${escapeHtml(client.client_name)} · ` : ''}${uriList}${
    hasConsoleUri ? ' <span class="badge">console callback added</span>' : ''
  }</div>
  <div class="actions">${
    unavailable
      ? `<button type="button" class="small" disabled title="${escapeHtml(unavailable)}">Try a login</button><span \
class="why">${escapeHtml(unavailable)}</span>`
      : `<button type="button" class="small primary try-login" ${data}>Try a login</button>`
  }${
    secret
      ? `<button type="button" class="small reveal" ${data} aria-expanded="false">Reveal \
secret</button>`
      : ''
  }</div>
  ${secret ? '<code class="secret" hidden></code>' : ''}
</div>`;
}

/** One card per issuer: identity, discovery, clients (secrets behind a click) and users. */
export function renderOverview(issuers: readonly Issuer[]): string {
  if (!issuers.length) return '<p class="empty">No issuers are configured.</p>';
  return `<div class="grid">${issuers
    .map((issuer) => {
      const summary = issuer.summary();
      return `<article class="card issuer" id="issuer-${escapeHtml(issuer.name)}" \
data-issuer="${escapeHtml(issuer.name)}">
  <h3>${escapeHtml(issuer.name)} <span class="badge">${escapeHtml(summary.profile)}</span> <span class="badge">login: \
${escapeHtml(summary.login)}</span></h3>
  <p class="meta">Issuer <code>${escapeHtml(summary.issuer)}</code><br>${
    summary.discovery
      ? `Discovery <a href="${escapeHtml(summary.discovery)}"><code>\
${escapeHtml(summary.discovery.replace(summary.issuer.replace(/\/$/, ''), '…'))}</code></a>`
      : `Authorize <code>${escapeHtml(summary.endpoints?.authorization)}</code><br>Token <code>\
${escapeHtml(summary.endpoints?.token)}</code>`
  }</p>
  <h4>Clients (${issuer.clients.length})</h4>
  ${issuer.clients.map((c) => clientBlock(issuer, c)).join('') || '<p class="empty">No clients.</p>'}
  <h4>Users (${summary.users.length})</h4>
  <div class="users">${issuer.users.list().map(userChip).join('') || '<span class="empty">No users.</span>'}</div>
</article>`;
    })
    .join('')}</div>`;
}

export function overviewData(issuers: readonly Issuer[], scenarios: readonly string[]): OverviewData {
  return {
    issuers: issuers.map((i) => ({
      name: i.name,
      clients: i.clients.map((c) => c.client_id),
      users: i.users.list().map((u) => u.sub),
    })),
    scenarios: [...scenarios],
  };
}
