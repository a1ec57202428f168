import { describe, expect, it } from 'vitest';
import { runCli, serveCli } from '../helpers/cli.js';

const ownLines = (text: string) => text.split('\n').filter((l) => l.trim() && !l.includes('oidc-provider WARNING'));

describe('CLI start-up truth', () => {
  it('says the admin API is open on 127.0.0.2, and it is', async () => {
    const served = await serveCli(['--host', '127.0.0.2', '--port', '0', '--profile', 'generic'], {
      MOCK_IDP_LOG_LEVEL: 'silent',
    });
    try {
      expect(served.banner).toMatch(/admin\s+\S+ \(open on loopback\)/);
      expect((await fetch(`${served.url}/_admin/issuers`)).status).toBe(200);
    } finally {
      await served.stop();
    }
  });

  it('answers a bad --host with one line, no stack trace', async () => {
    const r = await runCli(['serve', '--host', 'no such host!', '--port', '0', '--profile', 'generic']);
    expect(r.code).toBe(1);
    expect(ownLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot listen: .*--host/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
