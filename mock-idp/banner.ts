import { isAbsolute, join, relative } from 'node:path';
import type { IssuerSummary } from './issuer/issuer.js';
import { fixturesDir } from './paths.js';
import { findProfile } from './profiles/index.js';

/** Where the shipped client files are, as the reader can open them: relative to the working folder when under it. */
function clientsPath(cwd = process.cwd()): string {
  const folder = join(fixturesDir, 'clients');
  const fromCwd = relative(cwd, folder);
  return fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : folder;
}

type BannerExtra = { adminOpen: boolean; loopbackOnly: boolean };

const adminState = (extra: BannerExtra) =>
  extra.adminOpen ? (extra.loopbackOnly ? 'open on loopback' : 'token required') : 'disabled: set MOCK_IDP_ADMIN_TOKEN';

/**
 * The banner as one log line, for MOCK_IDP_LOG_FORMAT=json: the same facts, in
 * pino's shape (level 30 is info), so log collectors read it with the rest.
 */
export function renderBannerJson(url: string, issuers: IssuerSummary[], extra: BannerExtra): string {
  return JSON.stringify({
    level: 30,
    time: Date.now(),
    msg: `mock-idp listening on ${url}`,
    url,
    issuers,
    console: `${url}/`,
    admin: { url: `${url}/_admin/requests`, state: adminState(extra) },
    health: `${url}/health`,
    clientSecrets: `${clientsPath()}/*.json`,
  });
}

/** The start-up text: everything a developer needs to point a client at mock-idp. */
export function renderBanner(url: string, issuers: IssuerSummary[], extra: BannerExtra): string {
  const lines = [`mock-idp listening on ${url}`, ''];
  for (const issuer of issuers) {
    // A workload issuer (GitHub Actions) has no login: its users are the jobs that request tokens.
    const login = findProfile(issuer.profile)?.login === false ? 'none, jobs request tokens' : issuer.login;
    lines.push(`● ${issuer.name} (${issuer.profile}, login: ${login})`);
    lines.push(`  issuer     ${issuer.issuer}`);
    if (issuer.discovery) lines.push(`  discovery  ${issuer.discovery}`);
    if (issuer.endpoints)
      lines.push(`  authorize  ${issuer.endpoints.authorization}`, `  token      ${issuer.endpoints.token}`);
    lines.push('  clients');
    for (const c of issuer.clients) {
      const redirects = c.redirect_uris.length ? `  → ${c.redirect_uris.join(', ')}` : '';
      lines.push(`    ${c.client_id.padEnd(26)} ${c.token_endpoint_auth_method.padEnd(20)}${redirects}`);
    }
    lines.push('  users');
    for (const u of issuer.users)
      lines.push(`    ${u.sub.padEnd(26)} ${[u.username, u.email].filter(Boolean).join('  ')}`);
    lines.push('');
  }
  lines.push(`console    ${url}/ (issuers, Try a login, the live request log)`);
  lines.push(`admin      ${url}/_admin/requests (${adminState(extra)})`);
  lines.push(`health     ${url}/health`);
  lines.push(
    `Client secrets are in ${clientsPath()}/*.json (import ` +
      `mock-idp/fixtures/clients/<profile>.json); none are printed here.`,
  );
  return lines.join('\n');
}
