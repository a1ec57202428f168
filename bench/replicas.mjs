// npm run bench:replicas: login flows per second of one mock-idp process with the memory
// store against two replicas sharing a Redis (Debian's redis-server on a free port), each
// flow authorized on one replica and redeemed on the other. Prints figures only.
// BENCH_FLOWS (1500), BENCH_WARM_UP (300) and BENCH_CONCURRENCY (16) change the run.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { driver } from './http-driver.mjs';
import { pkceAuthorization, REDIRECT_URI } from './pkce-request.mjs';

const FLOWS = Number(process.env.BENCH_FLOWS ?? 1500);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const AUTH = { authorization: `Basic ${Buffer.from('generic-basic:generic-basic-secret').toString('base64')}` };
const cli = fileURLToPath(new URL('../dist/bin/mock-idp.cjs', import.meta.url));

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('redis-server is missing (apt-get install redis-server); nothing to compare');
  process.exit(0);
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function waitFor(child, pattern) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (pattern.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

async function replica(port, env) {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--port', String(port), '--profile', 'generic', '--log-level', 'silent'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await waitFor(child, /health /);
  return child;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function flow(authorizeAt, tokenAt) {
  const { url, verifier } = pkceAuthorization(`${authorizeAt}/generic/auth`, { client_id: 'generic-basic' });
  const callback = await driver.navigate(url, (u) => u.href.startsWith(REDIRECT_URI));
  const code = callback.searchParams.get('code');
  const body = await driver.postForm(
    `${tokenAt}/generic/token`,
    AUTH,
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  );
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
}

async function drive(total, pick) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const [a, b] = pick(i);
        await flow(a, b);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

const rows = [];

{
  const port = await freePort();
  const child = await replica(port, {});
  const url = `http://127.0.0.1:${port}`;
  await drive(WARM_UP, () => [url, url]);
  rows.push(['one process, memory store', await drive(FLOWS, () => [url, url])]);
  await stop(child);
}

{
  const redisPort = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await waitFor(redis, /Ready to accept connections/);
  const [portA, portB] = [await freePort(), await freePort()];
  const env = { MOCK_IDP_STORE: `redis://127.0.0.1:${redisPort}/0`, MOCK_IDP_PUBLIC_URL: `http://127.0.0.1:${portA}` };
  const a = await replica(portA, env);
  const b = await replica(portB, env);
  const urls = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
  // Each flow starts on one replica and is redeemed on the other, as behind a round-robin proxy.
  const pick = (i) => [urls[i % 2], urls[(i + 1) % 2]];
  await drive(WARM_UP, pick);
  rows.push(['two replicas, Redis store', await drive(FLOWS, pick)]);
  await Promise.all([stop(a), stop(b)]);
  await stop(redis);
}

console.log(
  `mock-idp replicas: ${FLOWS} code flows after ${WARM_UP} warm-up, ${CONCURRENCY} in ` +
    `flight, ${cpus().length} cores, Node ${process.version}`,
);
for (const [name, perSecond] of rows) console.log(`${name.padEnd(28)} ${perSecond.toFixed(0)} flows/s`);
console.log(`ratio                        ${(rows[1][1] / rows[0][1]).toFixed(2)}`);
