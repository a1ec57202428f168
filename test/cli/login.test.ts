import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../../mock-idp/index.js';
import { mockIdp } from '../../mock-idp/vitest.js';
import { CLI } from '../helpers/cli.js';

// Logins with the fixture CLI client change nothing on the issuer: the run's shared mock-idp.
const issuer = mockIdp().issuers.generic!;

interface LoginRun {
  /** The authorization URL, once the CLI has printed it. */
  authorizationUrl: Promise<string>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Runs `mock-idp login ...` and hands over the URL it asks the user to open. */
function runLogin(args: string[]): LoginRun {
  const child = spawn(process.execPath, [CLI, 'login', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let announce!: (url: string) => void;
  const authorizationUrl = new Promise<string>((resolve) => {
    announce = resolve;
  });
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    const url = /^\s+(http:\/\/\S+)$/m.exec(stderr)?.[1];
    if (url) announce(url);
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { authorizationUrl, exit };
}

describe('mock-idp login', () => {
  it('logs in through the loopback redirect and prints the tokens and claims as JSON', async () => {
    const run = runLogin(['--issuer', issuer, '--client-id', 'generic-cli', '--login-hint', 'bob', '--timeout', '20']);
    const url = await Promise.race([
      run.authorizationUrl,
      run.exit.then((r) => {
        throw new Error(`exited early: ${r.stderr}`);
      }),
    ]);
    expect(url.startsWith(`${issuer}/auth?`)).toBe(true);
    expect(new URL(url).searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const { response } = await new UserAgent().navigate(url);
    expect(response!.status).toBe(200);
    expect(await response!.text()).toContain('Login complete');

    const { code, stdout, stderr } = await run.exit;
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { tokens: Record<string, unknown>; claims: Record<string, unknown> };
    expect(result.claims).toMatchObject({ iss: issuer, aud: 'generic-cli', sub: 'bob', name: 'Bob Brown' });
    expect(result.tokens).toMatchObject({
      accessToken: expect.any(String),
      idToken: expect.any(String),
      tokenType: 'bearer',
    });
  });

  it('exits 1 with the reason when no browser comes back in time', async () => {
    const run = runLogin(['--issuer', issuer, '--client-id', 'generic-cli', '--timeout', '0.5']);
    const { code, stdout, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/mock-idp login: the login did not complete within 0\.5 s \[loopback_timeout\]/);
  });

  it('exits 1 when the provider refuses the login', async () => {
    const run = runLogin(['--issuer', issuer, '--client-id', 'generic-cli', '--timeout', '20']);
    const params = new URL(await run.authorizationUrl).searchParams;
    const callback = new URL(params.get('redirect_uri')!);
    callback.search = new URLSearchParams({
      error: 'access_denied',
      error_description: 'The user said no',
      state: params.get('state')!,
    }).toString();
    expect((await fetch(callback)).status).toBe(400);
    const { code, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stderr).toContain(
      'mock-idp login: authorization failed: access_denied (The user said no) [authorization_error]',
    );
  });

  it('documents its options', async () => {
    const run = runLogin(['--help']);
    const { code, stdout } = await run.exit;
    expect(code).toBe(0);
    for (const flag of ['--issuer', '--client-id', '--client-secret', '--scope', '--login-hint', '--timeout', '--port'])
      expect(stdout).toContain(flag);
  });
});
