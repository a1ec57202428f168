import type { IssuerSummary } from './issuer/issuer.js';

/** The start-up text: everything a developer needs to point a client at mock-idp. */
export function renderBanner(url: string, issuers: IssuerSummary[], extra: { adminOpen: boolean; loopbackOnly: boolean }): string {
  const lines = [`mock-idp listening on ${url}`, ''];
  for (const issuer of issuers) {
    lines.push(`● ${issuer.name} (${issuer.profile}, login: ${issuer.login})`);
    lines.push(`  issuer     ${issuer.issuer}`);
    if (issuer.discovery) lines.push(`  discovery  ${issuer.discovery}`);
    if (issuer.endpoints) lines.push(`  authorize  ${issuer.endpoints.authorization}`, `  token      ${issuer.endpoints.token}`);
    lines.push('  clients');
    for (const c of issuer.clients) {
      const redirects = c.redirect_uris.length ? `  → ${c.redirect_uris.join(', ')}` : '';
      lines.push(`    ${c.client_id.padEnd(26)} ${c.token_endpoint_auth_method.padEnd(20)}${redirects}`);
    }
    lines.push('  users');
    for (const u of issuer.users) lines.push(`    ${u.sub.padEnd(26)} ${[u.username, u.email].filter(Boolean).join('  ')}`);
    lines.push('');
  }
  lines.push(`admin      ${url}/_admin/requests (${extra.adminOpen ? (extra.loopbackOnly ? 'open on loopback' : 'token required') : 'disabled: set MOCK_IDP_ADMIN_TOKEN'})`);
  lines.push(`health     ${url}/health`);
  lines.push('Client secrets are in fixtures/clients/*.json; none are printed here.');
  return lines.join('\n');
}
