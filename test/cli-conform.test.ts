import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cases } from '../conformance/index.js';
import { startExampleApp } from '../client/examples/web-app.js';
import { CLI, runCli } from './helpers/cli.js';

/** A port free right now, for an app that must know mock-idp's issuer URL before mock-idp starts. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const LOGIN = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} login --issuer {issuer} --client-id {client_id} --timeout 8`;

describe('mock-idp conform', () => {
  it('runs a command-line client through the cases, prints progress and the table, writes every report, exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mock-idp-conform-'));
    const only = ['happy-path', 'id-token-aud-wrong', 'idp-clock-ahead-outside-skew', 'userinfo-sub-mismatch', 'client-secret-post'];
    const result = await runCli(['conform', '--adapter', 'command', '--command', LOGIN, '--port', '0', '--cases', only.join(','),
      '--report', join(dir, 'junit.xml'), '--report', join(dir, 'out', 'results.json'), '--report', join(dir, 'summary.md')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[[1-5]\/5\] PASS MUST   happy-path  completed the flow/);
    expect(result.stdout).toMatch(/VERDICT\s+LEVEL\s+CASE\s+WHY/);
    expect(result.stdout).toMatch(/PASS\s+MUST\s+id-token-aud-wrong\s+rejected: \(exit-1\) exited with 1: mock-idp login: /);
    // An IdP clock 5 minutes fast reaches a public client too (its client_id is only in the token request body).
    expect(result.stdout).toMatch(/PASS\s+SHOULD\s+idp-clock-ahead-outside-skew\s+rejected: .*issued in the future/);
    expect(result.stdout).toMatch(/SKIP\s+MUST\s+userinfo-sub-mismatch\s+the client never called userinfo/);
    expect(result.stdout).toMatch(/SKIP\s+MUST\s+client-secret-post\s+the client lacks: client-auth/);
    expect(result.stdout).toMatch(/5 cases in [\d.]+ s: 3 pass, 0 fail, 0 warn, 2 skip\. No MUST case failed\./);

    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites name="mock-idp conformance" tests="5" failures="0"');
    const json = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as { summary: Record<string, number>; results: { id: string }[] };
    expect(json.summary).toEqual({ pass: 3, fail: 0, warn: 0, skip: 2 });
    expect(json.results.map((r) => r.id)).toEqual(cases.filter((c) => only.includes(c.id)).map((c) => c.id));
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('| pass | MUST | `happy-path` |');
  }, 30_000);

  it('exits 1 when a MUST case fails, and shows the requests the IdP saw', async () => {
    const result = await runCli(['conform', '--adapter', 'command', '--command', 'echo "no login for you" >&2; exit 4', '--port', '0', '--cases', 'happy-path']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+MUST\s+happy-path\s+failed a valid flow: \(exit-4\) exited with 4: no login for you/);
    expect(result.stdout).toContain('requests: none');
    expect(result.stdout).toContain('A MUST case failed.');
  });

  it('tests a web app black-box, the app pointed at the issuer the kit serves', async () => {
    const port = await freePort();
    const app = await startExampleApp({ issuer: `http://127.0.0.1:${port}/generic`, clientId: 'my-app', clientSecret: 'my-app-secret', port: 0 });
    try {
      const result = await runCli(['conform', '--adapter', 'web', '--url', app.url, '--login', '/login', '--whoami', '/me',
        '--client-id', 'my-app', '--client-secret', 'my-app-secret', '--port', String(port),
        '--cases', 'happy-path,open-redirect-return-to,error-description-escaped,id-token-nonce-wrong,key-rotation-nth-login']);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stderr).toContain(`the app must use issuer http://127.0.0.1:${port}/generic, client_id my-app, redirect URI ${app.url}/callback`);
      expect(result.stdout).toMatch(/PASS\s+MUST\s+open-redirect-return-to/);
      expect(result.stdout).toMatch(/PASS\s+MUST\s+error-description-escaped/);
      expect(result.stdout).toMatch(/SKIP\s+MUST\s+key-rotation-nth-login\s+the client lacks: issuer-url/);
    } finally {
      await app.close();
    }
  }, 30_000);

  it.each([
    [['conform'], /required option '--adapter <kind>'/],
    [['conform', '--adapter', 'web', '--client-id', 'x'], /--adapter web needs --url/],
    [['conform', '--adapter', 'web', '--url', 'http://127.0.0.1:3000'], /--adapter web needs --client-id/],
    [['conform', '--adapter', 'command'], /--adapter command needs --command/],
    [['conform', '--adapter', 'web', '--url', 'localhost:3000', '--client-id', 'x'], /--url localhost:3000: not an http\(s\) URL/],
    [['conform', '--adapter', 'command', '--command', 'true', '--url', 'http://x'], /--url: only for --adapter web/],
    [['conform', '--adapter', 'command', '--command', 'true', '--report', 'out.html'], /--report out\.html: name it \.xml \(JUnit\), \.json or \.md/],
    [['conform', '--adapter', 'command', '--command', 'true', '--cases', 'happy-path,nope'], /unknown case\(s\): nope/],
    [['conform', '--adapter', 'command', '--command', 'true', '--profile', 'keycloak'], /unknown profile "keycloak"/],
    [['conform', '--adapter', 'telnet'], /argument 'telnet' is invalid/],
    [['conform', '--adapter', 'command', '--command', 'true', '--concurrency', '0'], /whole number from 1 to 64/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exits 1 with a plain message when the app never answers', async () => {
    const port = await freePort();
    const result = await runCli(['conform', '--adapter', 'web', '--url', `http://127.0.0.1:${port}`, '--client-id', 'x', '--port', '0', '--wait', '0.5']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`mock-idp conform: the app at http://127.0.0.1:${port} did not answer within 0.5 s (ECONNREFUSED); start it, or raise --wait`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists the catalog', async () => {
    const result = await runCli(['conform', '--list']);
    expect(result.code).toBe(0);
    const ids = result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(cases.map((c) => c.id));
    expect(result.stdout).toMatch(/open-redirect-return-to\s+MUST\s+web-app\s+.*\[web\]/);
  });
});
