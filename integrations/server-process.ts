import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../mock-idp/paths.js';
import type { MockIdpContext } from '../mock-idp/vitest.js';

// The built bin, with the code cache its launcher keeps, and a guard that stops it with the run.
const BIN = join(packageRoot, 'dist', 'bin', 'mock-idp.cjs');
const WITH_PARENT = join(packageRoot, 'dist', 'integrations', 'with-parent.cjs');

interface Banner {
  url: string;
  issuers: { name: string; issuer: string }[];
}

/** The bin's JSON banner, the line that says it is listening; what else it writes (its logs) passes through. */
function banner(child: ChildProcess): Promise<Banner> {
  return new Promise((resolve, reject) => {
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!ready) {
        try {
          const parsed = JSON.parse(line) as Partial<Banner>;
          if (typeof parsed.url === 'string' && Array.isArray(parsed.issuers)) {
            ready = true;
            resolve(parsed as Banner);
            return;
          }
        } catch {
          // A log line before the banner.
        }
      }
      process.stdout.write(`${line}\n`);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`mock-idp stopped before it was ready (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** The admin API's token: what MOCK_IDP_ADMIN_TOKEN or the config file sets, as the server itself reads it. */
async function adminToken(): Promise<string | undefined> {
  if (process.env.MOCK_IDP_ADMIN_TOKEN) return process.env.MOCK_IDP_ADMIN_TOKEN;
  if (!process.env.MOCK_IDP_CONFIG) return undefined;
  const { loadConfig } = await import('../mock-idp/config/load.js');
  return (await loadConfig({ file: process.env.MOCK_IDP_CONFIG, env: process.env })).adminToken;
}

/**
 * globalSetup: mock-idp as `npx mock-idp serve` runs it, in a process of its own on a free loopback port
 * (MOCK_IDP_* variables and MOCK_IDP_CONFIG apply), its URLs provided to the tests. The bin starts from
 * its code cache, and the test run's own process never loads the server: both shorten the wait before
 * the first test. The server stops with the run, even when the run is killed.
 */
export async function setup(project: {
  provide(key: 'mockIdp', value: MockIdpContext): void;
}): Promise<() => Promise<void>> {
  const args = ['--require', WITH_PARENT, BIN, 'serve', '--log-format', 'json'];
  if (!process.env.MOCK_IDP_PORT) args.push('--port', '0');
  if (!process.env.MOCK_IDP_LOG_LEVEL) args.push('--log-level', 'silent');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: process.env });
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const [ready, token] = await Promise.all([banner(child), adminToken()]);
    project.provide('mockIdp', {
      url: ready.url,
      issuers: Object.fromEntries(ready.issuers.map((i) => [i.name, i.issuer])),
      adminToken: token,
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return async () => {
    // As a signal to the bin does: requests in flight are answered, then it exits.
    child.kill('SIGTERM');
    const deadline = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await stopped;
    clearTimeout(deadline);
  };
}
