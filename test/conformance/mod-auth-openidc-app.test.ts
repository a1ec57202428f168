import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../../fixtures/apps/mod-auth-openidc/run.mjs', import.meta.url));

/**
 * Whether this Apache still serves its signed-out page at this URL. By the page, not by any answer: once Apache is
 * gone, another test's server may take the freed port.
 */
const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    async (response) => (await response.text()).includes('<title>Signed out</title>'),
    () => false,
  );

/** The processes with this variable in their environment: this run's Apache, whatever became of its launcher. */
function processesWith(variable: string): { pid: number; environ: string[] }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return environ.includes(variable) ? [{ pid: Number(pid), environ }] : [];
      } catch {
        return []; // gone, or not ours to read
      }
    });
}

it('stops Apache and removes its directory when its launcher is killed with SIGKILL', async () => {
  // An issuer nobody serves: the module reads its metadata only at a login, which this test never starts.
  const launcher = spawn(process.execPath, [LAUNCHER], {
    env: { PATH: process.env.PATH, MOCK_IDP_ISSUER: 'http://127.0.0.1:9/none', CLIENT_ID: 'c', CLIENT_SECRET: 's' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  launcher.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [line] = (await Promise.race([
    once(launcher.stdout!.setEncoding('utf8'), 'data'),
    once(launcher, 'exit').then(() => [`exited: ${stderr}`]),
  ])) as [string];
  const url = line.trim();
  expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const apache = processesWith(`MOA_PORT=${new URL(url).port}`);
  try {
    expect(apache.length, 'Apache and its workers, found by their MOA_PORT').toBeGreaterThan(0);
    const runDir = apache[0]!.environ.find((v) => v.startsWith('MOA_RUN_DIR='))!.slice('MOA_RUN_DIR='.length);
    expect(existsSync(runDir)).toBe(true);
    expect(await answers(`${url}/logged-out.html`)).toBe(true);

    launcher.kill('SIGKILL');
    await once(launcher, 'exit');
    const until = Date.now() + 10_000;
    const alive = () => processesWith(`MOA_PORT=${new URL(url).port}`).length > 0;
    while (Date.now() < until && alive()) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(), 'Apache still runs after its launcher died').toBe(false);
    expect(await answers(`${url}/logged-out.html`), 'Apache still answers after its launcher died').toBe(false);
    while (Date.now() < until && existsSync(runDir)) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(runDir), `${runDir} is left behind`).toBe(false);
  } finally {
    // Whatever the guard failed to stop must not outlive the test.
    for (const { pid } of apache) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
  }
}, 30_000);
