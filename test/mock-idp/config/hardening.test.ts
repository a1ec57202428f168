import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestIdp, startWithClients } from '../../helpers/idp.js';

/** An IdP with issuers a and b mounted at the given paths. */
const startAtPaths = (a: string, b: string) =>
  startTestIdp({
    issuers: [
      { name: 'a', path: a },
      { name: 'b', path: b },
    ],
  });

describe('config mistakes fail at start, naming the field', () => {
  it('the same mount twice, by trailing slash or case', async () => {
    await expect(startAtPaths('/x', '/x/')).rejects.toThrow(
      /issuers\[1\]\.path: "\/x\/" is already used by issuers\[0\]/,
    );
    await expect(startAtPaths('/generic', '/Generic')).rejects.toThrow(
      /issuers\[1\]\.path: "\/Generic" is already used/,
    );
  });

  it('a path with an empty segment', async () => {
    await expect(startTestIdp({ issuers: [{ name: 'a', path: '/x//' }] })).rejects.toThrow(
      /issuers\[0\]\.path: no empty segments/,
    );
  });

  it('a path hidden behind /_admin or /health', async () => {
    for (const path of ['/_admin', '/_admin/idp', '/health', '/healthz']) {
      await expect(startTestIdp({ issuers: [{ name: 'a', path }] })).rejects.toThrow(/is hidden behind mock-idp's own/);
    }
  });

  it('an unknown client field, with the likely meant one', async () => {
    await expect(
      startWithClients('extraClients', [
        { client_id: 'typo', client_secret: 's3cret', redirect_uri: 'http://127.0.0.1:3000/cb' } as never,
      ]),
    ).rejects.toThrow(/client "typo": unknown field "redirect_uri" \(did you mean "redirect_uris"\?\)/);
  });

  it("a profile's own extra client field is still accepted", async () => {
    const idp = await startTestIdp({
      issuers: [
        {
          name: 'se',
          profile: 'stackexchange',
          extraClients: [
            {
              client_id: 'se2',
              client_secret: 'x',
              token_endpoint_auth_method: 'client_secret_post',
              key: 'k((',
              redirect_uris: ['http://127.0.0.1:3000/cb'],
              grant_types: ['authorization_code'],
            } as never,
          ],
        },
      ],
    });
    await idp.close();
  });

  it('a user sub or client_id listed twice', async () => {
    await expect(startTestIdp({ issuers: [{ name: 'a', users: [{ sub: 'u1' }, { sub: 'u1' }] }] })).rejects.toThrow(
      /user sub "u1" is listed twice/,
    );
    await expect(
      startWithClients('extraClients', [
        { client_id: 'c', client_secret: 'x' },
        { client_id: 'c', client_secret: 'y' },
      ]),
    ).rejects.toThrow(/client_id "c" is listed twice/);
  });

  it('accepts a JSON file that starts with a byte-order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-bom-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, `\uFEFF${JSON.stringify({ profiles: ['generic'] })}`);
    const idp = await startTestIdp({ configFile: file });
    expect(Object.keys(idp.issuers)).toEqual(['generic']);
    await idp.close();
  });
});

describe('admin client registration refuses unknown fields too', () => {
  it('answers a typo with a 400 naming it, and leaves no client behind', async () => {
    const idp = await startTestIdp({ profiles: ['generic'] });
    try {
      await expect(
        idp.admin.upsertClient('generic', {
          client_id: 'typo',
          client_secret: 'x',
          redirect_uri: 'http://127.0.0.1/cb',
        } as never),
      ).rejects.toThrow(/unknown field "redirect_uri"/);
      expect(idp.describe()[0]!.clients.map((c) => c.client_id)).not.toContain('typo');
    } finally {
      await idp.close();
    }
  });
});
