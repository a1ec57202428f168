import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';
import { configFromEnv } from '../mock-idp/config/env.js';
import { packageRoot } from '../mock-idp/paths.js';
import type { MockIdpContext } from '../mock-idp/vitest.js';

// The built bin, run by an entry that binds its port early and stops it with the run.
const SERVER_CHILD = join(packageRoot, 'dist', 'integrations', 'server-child.cjs');
// Written by the build from the profiles: the issuers of a run with no config, after the base URL.
const DEFAULT_ISSUERS = join(packageRoot, 'dist', 'integrations', 'default-issuers.json');

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
 * The issuers a run will serve, when the environment leaves them to the defaults: every built-in profile,
 * or those MOCK_IDP_PROFILES names. A config file, a public URL or another address can change them, and
 * then the server's banner says what they are.
 */
function plannedIssuers(env: NodeJS.ProcessEnv): ((url: string) => Record<string, string>) | undefined {
  const { publicBaseUrl, host, port, profiles: wanted } = configFromEnv(env);
  if (env.MOCK_IDP_CONFIG || publicBaseUrl || host) return undefined;
  // A port the config would refuse is the server's to explain.
  if (port !== undefined && !(typeof port === 'number' && port <= 65535)) return undefined;
  let all: { name: string; path: string }[];
  try {
    all = JSON.parse(readFileSync(DEFAULT_ISSUERS, 'utf8')) as { name: string; path: string }[];
  } catch {
    return undefined;
  }
  if (wanted?.length && !wanted.every((name) => all.some((issuer) => issuer.name === name))) return undefined;
  const chosen = wanted?.length ? all.filter((issuer) => wanted.includes(issuer.name)) : all;
  return (url) => Object.fromEntries(chosen.map((issuer) => [issuer.name, `${url}${issuer.path}`]));
}

/** Whether nothing listens on this loopback port any more: a connection to it is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: Error & { code?: string }) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** The port the server process bound before loading the bin, or why it could not. */
function earlyPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('message', function onMessage(message: { type?: string; port?: number; message?: string }) {
      if (message.type === 'mock-idp:listening' && typeof message.port === 'number') {
        child.off('message', onMessage);
        resolve(message.port);
      } else if (message.type === 'mock-idp:listen-error') {
        reject(new Error(`mock-idp could not listen: ${message.message}`));
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`mock-idp stopped before it was ready (${signal ?? `exit code ${code}`})`)),
    );
  });
}

/**
 * globalSetup: mock-idp as `npx mock-idp serve` runs it, in a process of its own on a free loopback port
 * (MOCK_IDP_* variables and MOCK_IDP_CONFIG apply), its URLs provided to the tests. The test run's own
 * process never loads the server. When the issuers follow from the environment alone, the URLs are
 * provided as soon as the port is bound, and the server loads while vitest starts its workers: a request
 * that comes first waits for it. A server that then fails to start prints why at once, and fails the
 * run at its teardown. The server stops with the run, even when the run is killed.
 */
export async function setup(project: {
  provide(key: 'mockIdp', value: MockIdpContext): void;
}): Promise<() => Promise<void>> {
  const planned = plannedIssuers(process.env);
  const args = [SERVER_CHILD, 'serve', '--log-format', 'json'];
  if (!process.env.MOCK_IDP_PORT) args.push('--port', '0');
  if (!process.env.MOCK_IDP_LOG_LEVEL) args.push('--log-level', 'silent');
  const env = planned
    ? { ...process.env, MOCK_IDP_LISTEN_EARLY: `127.0.0.1:${process.env.MOCK_IDP_PORT || 0}` }
    : process.env;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env });
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = banner(child);
  // Awaited below, or watched once the tests have their URLs; never an unhandled rejection.
  ready.catch(() => undefined);
  let failure: Error | undefined;
  let stopping = false;
  let boundEarly: number | undefined;
  try {
    if (planned) {
      boundEarly = await earlyPort(child);
      const url = `http://127.0.0.1:${boundEarly}`;
      const issuers = planned(url);
      project.provide('mockIdp', { url, issuers, adminToken: await adminToken() });
      ready.then(
        (started) => {
          const served = Object.fromEntries(started.issuers.map((i) => [i.name, i.issuer]));
          if (!isDeepStrictEqual(served, issuers)) {
            failure = new Error(
              `mock-idp serves other issuers than the tests were given: ${JSON.stringify(served)} ` +
                `(given ${JSON.stringify(issuers)})`,
            );
            process.stderr.write(`${failure.message}\n`);
          }
        },
        (error: Error) => {
          // A run that ends before the server has loaded stops it with a signal: that is no failure.
          if (stopping && child.signalCode) return;
          failure = error;
          process.stderr.write(`${error.message}\n`);
        },
      );
    } else {
      const [started, token] = await Promise.all([ready, adminToken()]);
      project.provide('mockIdp', {
        url: started.url,
        issuers: Object.fromEntries(started.issuers.map((i) => [i.name, i.issuer])),
        adminToken: token,
      });
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return async () => {
    // A server that failed to start closes its port on its way out: signalled then, it would seem stopped by us, its
    // failure lost. It is given a moment to exit on its own, with its exit code.
    if (boundEarly !== undefined && child.exitCode === null && (await refused(boundEarly)))
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    // As a signal to the bin does: requests in flight are answered, then it exits.
    stopping = true;
    child.kill('SIGTERM');
    const deadline = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await stopped;
    clearTimeout(deadline);
    // The banner's watcher above runs first: it was attached first.
    await ready.catch(() => undefined);
    if (failure) throw failure;
  };
}
