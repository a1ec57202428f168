import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { runCli, serveCli } from '../helpers/cli.js';
import { codeFlow, discoverGenericBasic } from '../helpers/login.js';

describe('mock-idp CLI', () => {
  it('--help documents every serve flag and the environment variables', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('serve');
    for (const name of [
      'MOCK_IDP_CONFIG',
      'MOCK_IDP_PORT',
      'MOCK_IDP_HOST',
      'MOCK_IDP_PUBLIC_URL',
      'MOCK_IDP_ADMIN_TOKEN',
      'MOCK_IDP_LOGIN',
      'MOCK_IDP_PROFILES',
    ]) {
      expect(top.stdout).toContain(name);
    }
    const serve = await runCli(['serve', '--help']);
    for (const flag of [
      '--port',
      '--host',
      '--config',
      '--profile',
      '--public-url',
      '--login',
      '--admin-token',
      '--log-level',
    ]) {
      expect(serve.stdout).toContain(flag);
    }
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('serves on 127.0.0.1 by default and prints issuers, clients and users, but no secrets', async () => {
    const served = await serveCli(['--port', '0', '--log-level', 'silent']);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(served.banner).toContain(`${served.url}/generic`);
      expect(served.banner).toMatch(/generic-private-key-jwt\s+private_key_jwt/);
      expect(served.banner).toContain('http://127.0.0.1:3000/callback');
      expect(served.banner).toContain(`console    ${served.url}/ `);
      expect(served.banner).toMatch(/alice\s+alice\s+alice@example\.com/);
      expect(served.banner).not.toContain('generic-basic-secret');
      const health = await fetch(`${served.url}/health`);
      expect(await health.json()).toMatchObject({ status: 'ok' });
    } finally {
      await served.stop();
    }
  });

  it('completes a login, a refresh and userinfo through the bundled CLI', async () => {
    const served = await serveCli(['--port', '0', '--log-level', 'silent']);
    try {
      const config = await discoverGenericBasic(`${served.url}/generic`);
      const { tokens } = await codeFlow(config, { scope: 'openid email offline_access', extra: { prompt: 'consent' } });
      expect(tokens.claims()!.email).toBe('alice@example.com');
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect((await client.fetchUserInfo(config, refreshed.access_token, 'alice')).email).toBe('alice@example.com');
    } finally {
      await served.stop();
    }
  });

  it('takes the port and profiles from the environment', async () => {
    const served = await serveCli(['--log-level', 'silent'], { MOCK_IDP_PORT: '0', MOCK_IDP_PROFILES: 'generic' });
    try {
      expect(served.banner).toContain('● generic');
    } finally {
      await served.stop();
    }
  });

  it('exits 2 with the field path on a bad config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-cli-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'issuers:\n  - name: Bad Name\n');
    const result = await runCli(['serve', '--config', file, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('issuers[0].name: lowercase letters, digits and dashes');
  });

  it('rejects a bad flag value with a usage error', async () => {
    const result = await runCli(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid port "eighty"');
    // The error and where the options are, not the whole help under it.
    expect(result.stderr).toContain('(add --help to see the options)');
    expect(result.stderr).not.toContain('Usage:');
  });

  it('says which profiles exist when asked for an unknown one', async () => {
    const result = await runCli(['serve', '--port', '0', '--profile', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown profile\(s\): nope\. Available: .*generic/);
  });
});
