import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setup } from '../../integrations/server-process.js';
import type { MockIdpContext } from '../../mock-idp/vitest.js';

// The package's globalSetup (`mock-idp/vitest`) runs the built bin: `npm run build` first.
async function started(): Promise<{ context: MockIdpContext; teardown: () => Promise<void> }> {
  let context: MockIdpContext | undefined;
  const teardown = await setup({
    provide: (_key, value) => {
      context = value;
    },
  });
  return { context: context!, teardown };
}

/** Runs with these MOCK_IDP_* variables set, as a user's environment would set them for the setup. */
async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Whether anything still answers at the URL. */
const answers = (url: string) =>
  fetch(`${url}/health`).then(
    () => true,
    () => false,
  );

describe("the package's globalSetup: mock-idp in a process of its own", () => {
  it('provides every issuer, serves them until the teardown, and is gone after it', async () => {
    const { context, teardown } = await started();
    try {
      expect(context.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(context.issuers.generic).toBe(`${context.url}/generic`);
      expect(Object.keys(context.issuers)).toContain('okta');
      const discovery = await fetch(`${context.issuers.okta}/.well-known/openid-configuration`);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(context.issuers.okta);
      // The admin API the per-test helpers use, open on loopback as in process.
      expect((await fetch(`${context.url}/_admin/issuers`)).status).toBe(200);
    } finally {
      await teardown();
    }
    expect(await answers(context.url)).toBe(false);
  });

  it('provides the URLs before the server has loaded; early requests wait for it, never meeting a 503', async () => {
    const { context, teardown } = await started();
    try {
      // At once, on every issuer together: these connections come while the server may still be loading.
      const answers = await Promise.all(
        Object.values(context.issuers).map(async (issuer) => {
          // OpenID Connect Discovery 4: a trailing slash is removed first (Auth0's issuer has one).
          const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
          return { issuer, status: response.status, body: (await response.json()) as unknown };
        }),
      );
      // Plain OAuth 2 profiles (Stack Exchange, GitHub) have no discovery: their JSON 404 is an answer too.
      // (Entra's "common" discovery names a templated issuer, so the identifiers are compared below instead.)
      expect(answers.filter((a) => a.status !== 200 && a.status !== 404)).toEqual([]);
      expect(answers.filter((a) => a.status === 404).map((a) => a.issuer)).toEqual(
        ['stackexchange', 'github'].map((name) => context.issuers[name]),
      );
      // What the tests were given is what the server says it serves, issuer for issuer.
      const served = (await (await fetch(`${context.url}/_admin/issuers`)).json()) as {
        issuers: { name: string; issuer: string }[];
      };
      expect(Object.fromEntries(served.issuers.map((i) => [i.name, i.issuer]))).toEqual(context.issuers);
    } finally {
      await teardown();
    }
  });

  it('provides only the profiles MOCK_IDP_PROFILES names', async () => {
    const { context, teardown } = await withEnv({ MOCK_IDP_PROFILES: 'okta, auth0' }, started);
    try {
      expect(context.issuers).toEqual({ okta: `${context.url}/okta/oauth2/default`, auth0: `${context.url}/auth0/` });
      const served = (await (await fetch(`${context.url}/_admin/issuers`)).json()) as { issuers: { name: string }[] };
      expect(served.issuers.map((i) => i.name)).toEqual(['okta', 'auth0']);
    } finally {
      await teardown();
    }
  });

  it('a server failing after the URLs were given says why, refuses connections, fails the teardown', async () => {
    const { context, teardown } = await withEnv({ MOCK_IDP_LOGIN: 'sideways' }, started);
    // Reset or refused, never held, and never answered: the port goes with the process. Refused means the
    // process is gone, its exit code known, before the teardown signals it.
    const attempt = () =>
      fetch(`${context.issuers.generic}/.well-known/openid-configuration`).then(
        () => 'answered',
        (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? 'failed',
      );
    let outcome = await attempt();
    for (let i = 0; i < 100 && outcome !== 'ECONNREFUSED' && outcome !== 'answered'; i++) {
      await sleep(50);
      outcome = await attempt();
    }
    expect(outcome).toBe('ECONNREFUSED');
    await expect(teardown()).rejects.toThrow(/before it was ready \(exit code [12]\)/);
  });

  it('a run that ends before the server has loaded stops it without a failure', async () => {
    const { context, teardown } = await started();
    await teardown();
    expect(await answers(context.url)).toBe(false);
  });

  it('leaves a port the config refuses to the server, which says why', async () => {
    await expect(withEnv({ MOCK_IDP_PORT: '99999' }, started)).rejects.toThrow(
      /before it was ready \(exit code [12]\)/,
    );
  });

  it('fails the run with the reason when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      await expect(withEnv({ MOCK_IDP_PORT: port }, started)).rejects.toThrow(/could not listen: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('stops the server when the test run that started it is killed', async () => {
    const entry = fileURLToPath(new URL('../../dist/integrations/server-process.js', import.meta.url));
    const run = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { setup } = await import(${JSON.stringify(entry)}); ` +
          'await setup({ provide: (_k, v) => console.log(JSON.stringify(v)) }); setInterval(() => {}, 1000);',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = await createInterface({ input: run.stdout })
      [Symbol.asyncIterator]()
      .next()
      .then((r) => [r.value]);
    const { url } = JSON.parse(String(line)) as MockIdpContext;
    expect(await answers(url)).toBe(true);
    run.kill('SIGKILL');
    // Its server notices the closed channel and drains; give it a while, without asserting how long.
    for (let i = 0; i < 100 && (await answers(url)); i++) await sleep(100);
    expect(await answers(url)).toBe(false);
  });

  it('fails the run with the reason when the server cannot start', async () => {
    await expect(withEnv({ MOCK_IDP_PROFILES: 'no-such-profile' }, started)).rejects.toThrow(
      /before it was ready \(exit code [12]\)/,
    );
  });
});
