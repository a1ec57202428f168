import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../fixtures/apps/mod-auth-openidc/run.mjs', import.meta.url));

/** Whether anything still answers HTTP at this URL. */
const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    async (response) => {
      await response.arrayBuffer();
      return true;
    },
    () => false,
  );

it('stops Apache when its launcher is killed with SIGKILL, which it cannot catch', async () => {
  // An issuer nobody serves: the module reads its metadata only at a login, which this test never starts.
  const launcher = spawn(process.execPath, [LAUNCHER], {
    env: { PATH: process.env.PATH, MOCK_IDP_ISSUER: 'http://127.0.0.1:9/none', CLIENT_ID: 'c', CLIENT_SECRET: 's' },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const [line] = (await once(launcher.stdout!.setEncoding('utf8'), 'data')) as [string];
  const url = line.trim();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(await answers(`${url}/logged-out.html`)).toBe(true);
  launcher.kill('SIGKILL');
  await once(launcher, 'exit');
  const until = Date.now() + 10_000;
  while (Date.now() < until && (await answers(`${url}/logged-out.html`)))
    await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await answers(`${url}/logged-out.html`), 'Apache still answers after its launcher died').toBe(false);
}, 20_000);
