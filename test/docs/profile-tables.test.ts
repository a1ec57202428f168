import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedBlocks, profilesPage, render } from '../../scripts/profile-tables.mjs';

const page = readFileSync(profilesPage, 'utf8');
const profiles = (kind: string) =>
  readdirSync(new URL(`../../fixtures/${kind}/`, import.meta.url))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''));

describe('docs/profiles.md client and user tables', () => {
  it('match fixtures/clients and fixtures/users (run node scripts/profile-tables.mjs to refresh)', () => {
    expect(render(page)).toBe(page);
  });

  it('has a client and a user table for every profile with fixtures', () => {
    const blocks = generatedBlocks(page);
    for (const profile of profiles('clients')) expect(blocks).toContain(`clients:${profile}`);
    for (const profile of profiles('users')) expect(blocks).toContain(`users:${profile}`);
  });

  it('names every fixture client and user in its profile table', () => {
    for (const profile of profiles('clients')) {
      const clients: { client_id: string }[] = JSON.parse(
        readFileSync(new URL(`../../fixtures/clients/${profile}.json`, import.meta.url), 'utf8'),
      );
      for (const { client_id } of clients) expect(page).toContain(`| \`${client_id}\` |`);
    }
  });
});
