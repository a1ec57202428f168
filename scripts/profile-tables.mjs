#!/usr/bin/env node
// Writes the client and user tables of docs/profiles.md from fixtures/clients/*.json and
// fixtures/users/*.json, between marker comments, so the page cannot drift from what
// mock-idp serves. `node scripts/profile-tables.mjs` rewrites the page; `--check` only
// reports (exit 1) when it is out of date. test/docs/profile-tables.test.ts runs the check.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const profilesPage = join(root, 'docs', 'profiles.md');
const clientKeysDir = 'fixtures/keys/clients';

const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const code = (text) => `\`${text}\``;
// A pipe inside a table cell ends the cell unless escaped.
const cell = (text) => String(text).replaceAll('|', '\\|');

/** The fixture file in fixtures/keys/clients holding the private half of a client's key. */
function privateKeyFile(client) {
  const files = readdirSync(join(root, clientKeysDir)).sort();
  const holds = (needle) =>
    files.find((file) => readFileSync(join(root, clientKeysDir, file), 'utf8').includes(needle));
  let found;
  if (client.jwks) found = holds(`"${client.jwks.keys[0].kid}"`);
  else if (client.public_key_pem) {
    const body = client.public_key_pem.split('\n').filter((line) => line && !line.startsWith('-----'))[0];
    found = body && holds(body);
  }
  if (!found) return undefined;
  // A bare public key has its private half beside it: x.pub.pem -> x.key.
  const privateHalf = found.replace(/\.pub\.pem$/, '.key');
  return `${clientKeysDir}/${existsSync(join(root, clientKeysDir, privateHalf)) ? privateHalf : found}`;
}

function credential(client) {
  const parts = [];
  if (client.client_secret) parts.push(`secret ${code(client.client_secret)}`);
  if (client.key) parts.push(`API key ${code(client.key)}`);
  if (client.token_endpoint_auth_method === 'private_key_jwt') {
    const file = privateKeyFile(client);
    parts.push(file ? `private key in ${code(file)}` : 'key registered inline');
  }
  return parts.length ? parts.join('; ') : '—';
}

export function clientTable(profile) {
  const clients = readJson(`fixtures/clients/${profile}.json`);
  const rows = clients.map((client) =>
    [
      code(client.client_id),
      client.client_name ?? '',
      code(client.token_endpoint_auth_method ?? 'client_secret_basic'),
      credential(client),
      client.grant_types ? client.grant_types.map(code).join(', ') || 'none' : 'profile default',
      client.redirect_uris?.length ? client.redirect_uris.map(code).join(', ') : '—',
    ].map(cell),
  );
  return table(['client_id', 'name', 'auth method', 'credential', 'grant types', 'redirect URIs'], rows);
}

export function userTable(profile) {
  const users = readJson(`fixtures/users/${profile}.json`);
  const rows = users.map((user, index) =>
    [
      code(user.sub) + (index === 0 ? ' (first)' : ''),
      user.username ? code(user.username) : '—',
      user.claims?.name ?? '—',
      user.claims?.email ?? '—',
      Object.keys(user.claims ?? {})
        .filter((claim) => !['name', 'email'].includes(claim))
        .map(code)
        .join(', ') || '—',
    ].map(cell),
  );
  return table(['sub', 'username', 'name', 'email', 'other claims'], rows);
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const marker = /<!-- generated: (clients|users) ([\w-]+) -->\n[\s\S]*?<!-- end generated -->/g;

/** The page with every generated block rewritten from the fixtures. */
export function render(page) {
  return page.replace(marker, (_, kind, profile) => {
    const body = kind === 'clients' ? clientTable(profile) : userTable(profile);
    return `<!-- generated: ${kind} ${profile} -->\n${body}\n<!-- end generated -->`;
  });
}

/** Profiles named by a generated block of the page, as `clients:okta`, `users:okta`, ... */
export function generatedBlocks(page) {
  return [...page.matchAll(marker)].map(([, kind, profile]) => `${kind}:${profile}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = readFileSync(profilesPage, 'utf8');
  const fresh = render(page);
  if (process.argv.includes('--check')) {
    if (fresh !== page) {
      console.error('docs/profiles.md is out of date: run node scripts/profile-tables.mjs');
      process.exit(1);
    }
  } else if (fresh !== page) {
    writeFileSync(profilesPage, fresh);
    console.log('docs/profiles.md: tables rewritten');
  } else console.log('docs/profiles.md: up to date');
}
