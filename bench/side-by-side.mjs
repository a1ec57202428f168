// Side-by-side benchmark: mock-idp (every profile mounted) against
// oauth2-mock-server, driven by the same load driver. Run: npm run bench.
// Prints figures only; nothing here asserts, so a slow CI machine never fails a build.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { driver } from './http-driver.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const REDIRECT_URI = 'http://127.0.0.1:3000/callback';
const CONCURRENCY = 8;
const STARTUP_RUNS = 5;
const TOKEN_REQUESTS = Number(process.env.BENCH_TOKENS ?? 4000);
const FLOWS = Number(process.env.BENCH_FLOWS ?? 1500);
const RSS_FLOWS = Number(process.env.BENCH_RSS_FLOWS ?? 10_000);
// V8 optimizes a server's hot code over its first thousand or so requests, and
// oidc-provider has far more of it than oauth2-mock-server: a fresh mock-idp ran
// its first 1,500 flows at about two thirds of its settled speed, oauth2-mock-server
// at about three quarters. The targets are about settled throughput, so each
// server is warmed with this many flows and tokens first; the first flows of a
// fresh process are measured and printed too.
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 1000);
const THROUGHPUT_ROUNDS = 5;

// oauth2-mock-server gets a fixed key too, so neither side pays for RSA generation.
const keyFile = join(mkdtempSync(join(tmpdir(), 'mock-idp-bench-')), 'key.json');
writeFileSync(
  keyFile,
  JSON.stringify(JSON.parse(readFileSync(join(root, 'fixtures/keys/generic.json'), 'utf8')).keys[0]),
);

const servers = {
  'mock-idp': {
    // The bin itself, so its shebang's node flags apply as they do under npx.
    executable: join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin['mock-idp']),
    command: (port) => ['serve', '--port', String(port), '--log-level', 'silent'],
    issuer: (port) => `http://127.0.0.1:${port}/generic`,
    authorize: (issuer) => `${issuer}/auth`,
    token: (issuer) => `${issuer}/token`,
    // The ready line of the banner; oauth2-mock-server prints its own.
    ready: /listening on/,
    tokenAuth: { authorization: `Basic ${Buffer.from('generic-service:generic-service-secret').toString('base64')}` },
    flowAuth: { authorization: `Basic ${Buffer.from('generic-basic:generic-basic-secret').toString('base64')}` },
    clientId: 'generic-basic',
  },
  'oauth2-mock-server': {
    command: (port) => [
      join(root, 'node_modules/oauth2-mock-server/dist/oauth2-mock-server.mjs'),
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '--jwk',
      keyFile,
    ],
    issuer: (port) => `http://127.0.0.1:${port}`,
    authorize: (issuer) => `${issuer}/authorize`,
    token: (issuer) => `${issuer}/token`,
    ready: /listening|started/i,
    tokenAuth: { authorization: `Basic ${Buffer.from('any-client:any-secret').toString('base64')}` },
    flowAuth: { authorization: `Basic ${Buffer.from('any-client:any-secret').toString('base64')}` },
    clientId: 'any-client',
  },
};

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function spawnServer(server) {
  const port = await freePort();
  const started = performance.now();
  const child = server.executable
    ? spawn(server.executable, server.command(port), { stdio: ['ignore', 'ignore', 'ignore'] })
    : spawn(process.execPath, server.command(port), { stdio: ['ignore', 'ignore', 'ignore'] });
  children.add(child);
  const discovery = `${server.issuer(port)}/.well-known/openid-configuration`;
  const deadline = started + 15_000;
  for (;;) {
    if (performance.now() > deadline) throw new Error(`no discovery 200 from ${discovery} within 15 s`);
    try {
      const response = await fetch(discovery);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, port, issuer: server.issuer(port), readyMs: performance.now() - started };
}

async function stop(child) {
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  children.delete(child);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs `task` `total` times with `CONCURRENCY` in flight; returns operations per second. */
async function drive(total, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next += 1;
        await task();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function clientCredentials(server, issuer) {
  const body = await driver.postForm(server.token(issuer), server.tokenAuth, 'grant_type=client_credentials');
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
}

/** One full authorization code + PKCE flow: every redirect hop with a fresh cookie jar, then the token request. */
async function codeFlow(server, issuer) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(server.authorize(issuer));
  url.search = new URLSearchParams({
    client_id: server.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(8).toString('hex'),
    code_challenge_method: 'S256',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
  }).toString();
  const callback = await driver.navigate(url, (u) => u.href.startsWith(REDIRECT_URI));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code at ${callback.href}`);
  const body = await driver.postForm(
    server.token(issuer),
    server.flowAuth,
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  );
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/**
 * One server process: its first flows, then, warmed up, client_credentials and code flows, each as operations per
 * second.
 */
async function throughput(server) {
  const { child, issuer } = await spawnServer(server);
  // Connection pools and key imports only: the next figure is a fresh process's.
  await drive(16, () => clientCredentials(server, issuer));
  await drive(16, () => codeFlow(server, issuer));
  const freshFlowsPerSecond = await drive(FLOWS, () => codeFlow(server, issuer));
  await drive(WARM_UP, () => clientCredentials(server, issuer));
  await drive(WARM_UP, () => codeFlow(server, issuer));
  const tokensPerSecond = await drive(TOKEN_REQUESTS, () => clientCredentials(server, issuer));
  const flowsPerSecond = await drive(FLOWS, () => codeFlow(server, issuer));
  await stop(child);
  return { tokensPerSecond, flowsPerSecond, freshFlowsPerSecond };
}

/** RSS on a fresh server process so it is the server's alone, sampled as flows accumulate. */
async function residentMemory(server) {
  const fresh = await spawnServer(server);
  const rss = [];
  const step = RSS_FLOWS / 4;
  for (let done = 0; done < RSS_FLOWS; done += step) {
    await drive(step, () => codeFlow(server, fresh.issuer));
    rss.push(rssMb(fresh.child.pid));
  }
  await stop(fresh.child);
  return rss;
}

// The two servers take turns at every step: this machine's speed drifts by tens of
// percent over minutes, and measuring one server after the other put the drift in the ratio.
const names = Object.keys(servers);
const results = Object.fromEntries(
  names.map((name) => [name, { startups: [], tokens: [], flows: [], freshFlows: [] }]),
);
// The bin keeps compiled code per user and runtime (Node's compile cache on 22+, V8's
// code cache on 20). One untimed start writes it, as a user's very first start does;
// the timed starts are the ones every later start is like.
const firstStart = await spawnServer(servers['mock-idp']);
await stop(firstStart.child);
for (let i = 0; i < STARTUP_RUNS; i++) {
  for (const name of names) {
    const run = await spawnServer(servers[name]);
    results[name].startups.push(run.readyMs);
    await stop(run.child);
  }
}
for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
  for (const name of names) {
    process.stderr.write(`throughput round ${round + 1}/${THROUGHPUT_ROUNDS}: ${name}...\n`);
    const { tokensPerSecond, flowsPerSecond, freshFlowsPerSecond } = await throughput(servers[name]);
    results[name].tokens.push(tokensPerSecond);
    results[name].flows.push(flowsPerSecond);
    results[name].freshFlows.push(freshFlowsPerSecond);
  }
}
for (const name of names) {
  process.stderr.write(`resident memory: ${name}...\n`);
  const r = results[name];
  r.rss = await residentMemory(servers[name]);
  r.startupMs = median(r.startups);
  r.tokensPerSecond = median(r.tokens);
  r.flowsPerSecond = median(r.flows);
  r.freshFlowsPerSecond = median(r.freshFlows);
}

const ours = results['mock-idp'];
const theirs = results['oauth2-mock-server'];
const fmt = (n, digits = 0) => n.toFixed(digits);
const rssGrowth = ours.rss.at(-1) - ours.rss[0];
// Throughput ratios pair the two servers' turns of the same round, which ran
// minutes apart at most, then take the median: a ratio of medians would pair
// figures from different rounds and let the machine's drift back in.
const roundRatios = (key) => ours[key].map((value, round) => value / theirs[key][round]);
const tokensRatio = median(roundRatios('tokens'));
const flowsRatio = median(roundRatios('flows'));
const freshFlowsRatio = median(roundRatios('freshFlows'));
const rows = [
  [
    'cold start to first discovery 200, median of 5 (ms)',
    fmt(ours.startupMs),
    fmt(theirs.startupMs),
    fmt(theirs.startupMs / ours.startupMs, 2),
    '>= 0.8 (other / mock-idp)',
    theirs.startupMs / ours.startupMs >= 0.8,
  ],
  [
    `client_credentials tokens/s, concurrency ${CONCURRENCY}, after ${WARM_UP} warm-up, median of ${THROUGHPUT_ROUNDS}`,
    fmt(ours.tokensPerSecond),
    fmt(theirs.tokensPerSecond),
    fmt(tokensRatio, 2),
    '>= 1.5 (mock-idp / other)',
    tokensRatio >= 1.5,
  ],
  [
    `code + PKCE flows/s incl. login, concurrency ${CONCURRENCY}, after ${WARM_UP} warm-up, ` +
      `median of ${THROUGHPUT_ROUNDS}`,
    fmt(ours.flowsPerSecond),
    fmt(theirs.flowsPerSecond),
    fmt(flowsRatio, 2),
    '>= 1.0 (mock-idp / other)',
    flowsRatio >= 1.0,
  ],
  [
    `the same, first ${FLOWS} flows of a fresh process, median of ${THROUGHPUT_ROUNDS}`,
    fmt(ours.freshFlowsPerSecond),
    fmt(theirs.freshFlowsPerSecond),
    fmt(freshFlowsRatio, 2),
    'none (for information)',
    undefined,
  ],
  [
    `RSS after ${RSS_FLOWS} flows (MB)`,
    fmt(ours.rss.at(-1), 1),
    fmt(theirs.rss.at(-1), 1),
    fmt(ours.rss.at(-1) / theirs.rss.at(-1), 2),
    '<= 120 MB, not growing',
    ours.rss.at(-1) <= 120 && rssGrowth < 10,
  ],
];

console.log(
  `\nmock-idp side-by-side benchmark, ${new Date().toISOString().slice(0, 10)}, node ` +
    `${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, driver ` +
    `${driver.name}\n`,
);
console.log('| figure | mock-idp | oauth2-mock-server | ratio | target | |');
console.log('|---|---:|---:|---:|---|---|');
for (const [label, a, b, ratio, target, pass] of rows)
  console.log(
    `| ${label} | ${a} | ${b} | ${ratio} | ${target} | ${pass === undefined ? '' : pass ? 'PASS' : 'FAIL'} |`,
  );
console.log(
  `\nRSS samples every ${RSS_FLOWS / 4} flows (MB): mock-idp ` +
    `${ours.rss.map((v) => fmt(v, 1)).join(' → ')}; oauth2-mock-server ` +
    `${theirs.rss.map((v) => fmt(v, 1)).join(' → ')}`,
);
console.log('\nThroughput ratios are the median of per-round ratios: the servers take turns in every round.');
console.log(
  `Throughput ratio per round (tokens/s; flows/s; first flows/s): ${['tokens', 'flows', 'freshFlows']
    .map((key) =>
      roundRatios(key)
        .map((v) => fmt(v, 2))
        .join(', '),
    )
    .join('; ')}`,
);
console.log(
  `Start-up runs (ms): mock-idp ${ours.startups.map((v) => fmt(v)).join(', ')} (first start ` +
    `on this build, untimed in the table: ${fmt(firstStart.readyMs)}); oauth2-mock-server ` +
    `${theirs.startups.map((v) => fmt(v)).join(', ')}`,
);
console.log(
  `Throughput rounds (tokens/s; flows/s; first flows/s): mock-idp ` +
    `${ours.tokens.map((v) => fmt(v)).join(', ')}; ` +
    `${ours.flows.map((v) => fmt(v)).join(', ')}; ` +
    `${ours.freshFlows.map((v) => fmt(v)).join(', ')}; oauth2-mock-server ` +
    `${theirs.tokens.map((v) => fmt(v)).join(', ')}; ` +
    `${theirs.flows.map((v) => fmt(v)).join(', ')}; ` +
    `${theirs.freshFlows.map((v) => fmt(v)).join(', ')}`,
);
process.exit(0);
