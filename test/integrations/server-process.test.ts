import { spawn } from 'node:child_process';
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
    const saved = process.env.MOCK_IDP_PROFILES;
    process.env.MOCK_IDP_PROFILES = 'no-such-profile';
    try {
      await expect(started()).rejects.toThrow(/before it was ready \(exit code [12]\)/);
    } finally {
      if (saved === undefined) delete process.env.MOCK_IDP_PROFILES;
      else process.env.MOCK_IDP_PROFILES = saved;
    }
  });
});
