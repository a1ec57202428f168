// Side-by-side benchmark: mock-idp (every profile mounted) against the two widely used
// npm mocks, oauth2-mock-server and @mongodb-js/oidc-mock-provider, driven by the same
// load driver. Every ratio is against the faster peer of the round. Run: npm run bench.
// Prints figures only; nothing here asserts, so a slow CI machine never fails a build.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { issuerTargets, targetFlow } from './all-issuers.mjs';
import { driver } from './http-driver.mjs';
import { pkceAuthorization, REDIRECT_URI } from './pkce-request.mjs';
import { cpuMs, rssMb } from './process-stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONCURRENCY = 8;
const STARTUP_RUNS = Number(process.env.BENCH_STARTS ?? 5);
const TOKEN_REQUESTS = Number(process.env.BENCH_TOKENS ?? 4000);
const FLOWS = Number(process.env.BENCH_FLOWS ?? 1500);
const RSS_FLOWS = Number(process.env.BENCH_RSS_FLOWS ?? 10_000);
// V8 optimizes a server's hot code over its first thousand or so requests, and
// oidc-provider has far more of it than the peers: a fresh mock-idp ran its first
// 1,500 flows at about two thirds of its settled speed, oauth2-mock-server at about
// three quarters. The targets are about settled throughput, so each server is warmed
// with this many flows and tokens first; the first flows of a fresh process are
// measured and printed too.
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 1000);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

// The peers get a fixed key too, so no side pays for RSA generation.
const keyFile = join(mkdtempSync(join(tmpdir(), 'mock-idp-bench-')), 'key.json');
writeFileSync(
  keyFile,
  JSON.stringify(JSON.parse(readFileSync(join(root, 'fixtures/keys/generic.json'), 'utf8')).keys[0]),
);
const bin = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin['mock-idp']);
const basic = (id, secret) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

const servers = {
  'mock-idp': {
    // The bin itself, so its shebang's node flags apply as they do under npx.
    executable: bin,
    command: (port) => ['serve', '--port', String(port), '--log-level', 'silent'],
    issuer: (port) => `http://127.0.0.1:${port}/generic`,
    authorize: (issuer) => `${issuer}/auth`,
    token: (issuer) => `${issuer}/token`,
    tokenAuth: basic('generic-service', 'generic-service-secret'),
    flowAuth: basic('generic-basic', 'generic-basic-secret'),
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
    tokenAuth: basic('any-client', 'any-secret'),
    flowAuth: basic('any-client', 'any-secret'),
    clientId: 'any-client',
  },
  // Its authorize endpoint has no login: it redirects with a code at once. Its token
  // endpoint redeems codes (and device codes) only: it has no client_credentials grant.
  'oidc-mock-provider': {
    command: (port) => [join(root, 'bench/oidc-mock-provider.cjs'), String(port), keyFile],
    issuer: (port) => `http://127.0.0.1:${port}`,
    authorize: (issuer) => `${issuer}/authorize`,
    token: (issuer) => `${issuer}/token`,
    tokenAuth: undefined,
    flowAuth: {},
    clientId: 'any-client',
  },
};
const OURS = 'mock-idp';
const PEERS = Object.keys(servers).filter((name) => name !== OURS);
// What no Node server can start faster than: node:http answering every request with `{}`. Started in the same rounds
// as the servers, it shows how much of the start-up target is left for anything a server does.
const emptyServerFile = join(dirname(keyFile), 'empty-server.cjs');
writeFileSync(
  emptyServerFile,
  "require('node:http').createServer((q, s) => s.setHeader('content-type', 'application/json').end('{}'))" +
    ".listen(Number(process.argv[2]), '127.0.0.1');\n",
);
const EMPTY_SERVER = {
  command: (port) => [emptyServerFile, String(port)],
  issuer: (port) => `http://127.0.0.1:${port}`,
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

async function spawnServer(server, { args, env } = {}) {
  const port = await freePort();
  const started = performance.now();
  const options = { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, ...env?.(port) } };
  const command = args ? args(port) : server.command(port);
  const child = server.executable
    ? spawn(server.executable, command, options)
    : spawn(process.execPath, command, options);
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
  const { url, verifier } = pkceAuthorization(server.authorize(issuer), { client_id: server.clientId });
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

/**
 * One server process: its first flows, then, warmed up, client_credentials (where it has
 * the grant) and code flows, each as operations per second.
 */
async function throughput(server) {
  const { child, issuer } = await spawnServer(server);
  const tokens = server.tokenAuth !== undefined;
  // Connection pools and key imports only: the next figure is a fresh process's.
  if (tokens) await drive(16, () => clientCredentials(server, issuer));
  await drive(16, () => codeFlow(server, issuer));
  const freshFlowsPerSecond = await drive(FLOWS, () => codeFlow(server, issuer));
  if (tokens) await drive(WARM_UP, () => clientCredentials(server, issuer));
  await drive(WARM_UP, () => codeFlow(server, issuer));
  const tokensPerSecond = tokens ? await drive(TOKEN_REQUESTS, () => clientCredentials(server, issuer)) : undefined;
  const driverBefore = process.cpuUsage();
  const serverBefore = cpuMs(child.pid);
  const flowsPerSecond = await drive(FLOWS, () => codeFlow(server, issuer));
  const driverCpu = process.cpuUsage(driverBefore);
  const cpuPerFlow = {
    driver: (driverCpu.user + driverCpu.system) / 1000 / FLOWS,
    server: (cpuMs(child.pid) - serverBefore) / FLOWS,
  };
  await stop(child);
  return { tokensPerSecond, flowsPerSecond, freshFlowsPerSecond, cpuPerFlow };
}

/**
 * RSS of a fresh process, sampled as flows accumulate. mock-idp is started as `npm start`
 * starts it (the bin, `serve`, every profile, the default log level; the port from
 * MOCK_IDP_PORT) and its flows go round every issuer with each profile's fixture client.
 * A peer has one issuer, which takes every flow.
 */
async function residentMemory(name) {
  const server = servers[name];
  const fresh =
    name === OURS
      ? await spawnServer(server, { args: () => ['serve'], env: (port) => ({ MOCK_IDP_PORT: String(port) }) })
      : await spawnServer(server);
  let flow;
  if (name === OURS) {
    const targets = await issuerTargets(`http://127.0.0.1:${fresh.port}`);
    let turn = 0;
    flow = () => targetFlow(targets[turn++ % targets.length]);
  } else {
    flow = () => codeFlow(server, fresh.issuer);
  }
  const rss = [];
  const step = RSS_FLOWS / 4;
  for (let done = 0; done < RSS_FLOWS; done += step) {
    await drive(step, flow);
    rss.push(rssMb(fresh.child.pid));
  }
  await stop(fresh.child);
  return rss;
}

// The servers take turns at every step: this machine's speed drifts by tens of
// percent over minutes, and measuring one server after the other put the drift in the ratio.
const names = Object.keys(servers);
const results = Object.fromEntries(
  names.map((name) => [name, { startups: [], tokens: [], flows: [], freshFlows: [], driverCpu: [], serverCpu: [] }]),
);
const emptyServerStartups = [];
// The bin keeps compiled code per user and runtime (Node's compile cache on 22+, V8's
// code cache on 20). One untimed start writes it, as a user's very first start does;
// the timed starts are the ones every later start is like.
const firstStart = await spawnServer(servers[OURS]);
await stop(firstStart.child);
for (let i = 0; i < STARTUP_RUNS; i++) {
  for (const name of names) {
    const run = await spawnServer(servers[name]);
    results[name].startups.push(run.readyMs);
    await stop(run.child);
  }
  const empty = await spawnServer(EMPTY_SERVER);
  emptyServerStartups.push(empty.readyMs);
  await stop(empty.child);
}
for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
  for (const name of names) {
    process.stderr.write(`throughput round ${round + 1}/${THROUGHPUT_ROUNDS}: ${name}...\n`);
    const { tokensPerSecond, flowsPerSecond, freshFlowsPerSecond, cpuPerFlow } = await throughput(servers[name]);
    results[name].driverCpu.push(cpuPerFlow.driver);
    results[name].serverCpu.push(cpuPerFlow.server);
    results[name].tokens.push(tokensPerSecond);
    results[name].flows.push(flowsPerSecond);
    results[name].freshFlows.push(freshFlowsPerSecond);
  }
}
for (const name of names) {
  process.stderr.write(`resident memory: ${name}...\n`);
  results[name].rss = await residentMemory(name);
}

const ours = results[OURS];
const fmt = (n, digits = 0) => (n === undefined ? 'n/a' : n.toFixed(digits));
const rssGrowth = ours.rss.at(-1) - ours.rss[0];
/**
 * Per round, mock-idp's figure over the faster peer's of that round (the higher rate, or
 * the shorter start); the peers that have no such figure sit out. Pairing turns of the
 * same round, minutes apart at most, keeps the machine's drift out of the ratio.
 */
function roundRatios(key, higherIsFaster = true) {
  return ours[key].map((value, round) => {
    const peers = PEERS.map((name) => results[name][key][round]).filter((v) => v !== undefined);
    return value / (higherIsFaster ? Math.max(...peers) : Math.min(...peers));
  });
}
/** The peer that was faster in more rounds, for the table. */
function fasterPeer(key, higherIsFaster = true) {
  const wins = Object.fromEntries(PEERS.map((name) => [name, 0]));
  ours[key].forEach((_, round) => {
    const ranked = PEERS.filter((name) => results[name][key][round] !== undefined).sort(
      (a, b) => (results[a][key][round] - results[b][key][round]) * (higherIsFaster ? -1 : 1),
    );
    wins[ranked[0]] += 1;
  });
  return PEERS.reduce((best, name) => (wins[name] > wins[best] ? name : best));
}
const ratios = {
  startups: roundRatios('startups', false),
  tokens: roundRatios('tokens'),
  flows: roundRatios('flows'),
  freshFlows: roundRatios('freshFlows'),
};
const medianOf = (key) => median(ratios[key]);
const peerMedian = (name, key) => {
  const values = results[name][key].filter((v) => v !== undefined);
  return values.length ? median(values) : undefined;
};
const rows = [
  {
    label: `cold start to first discovery 200, all issuers mounted, median of ${STARTUP_RUNS} (ms)`,
    key: 'startups',
    digits: 0,
    faster: fasterPeer('startups', false),
    ratio: medianOf('startups'),
    target: '<= 0.6 x faster peer',
    pass: medianOf('startups') <= 0.6,
  },
  {
    label:
      `code + PKCE flows/s incl. login, concurrency ${CONCURRENCY}, after ${WARM_UP} warm-up, ` +
      `median of ${THROUGHPUT_ROUNDS}`,
    key: 'flows',
    digits: 0,
    faster: fasterPeer('flows'),
    ratio: medianOf('flows'),
    target: '>= 1.5 x faster peer, every round >= 1.2',
    pass: medianOf('flows') >= 1.5 && Math.min(...ratios.flows) >= 1.2,
  },
  {
    label:
      `client_credentials tokens/s, concurrency ${CONCURRENCY}, after ${WARM_UP} warm-up, ` +
      `median of ${THROUGHPUT_ROUNDS}`,
    key: 'tokens',
    digits: 0,
    faster: fasterPeer('tokens'),
    ratio: medianOf('tokens'),
    target: '>= 2.5 x faster peer',
    pass: medianOf('tokens') >= 2.5,
  },
  {
    label: `the same flows, first ${FLOWS} of a fresh process, median of ${THROUGHPUT_ROUNDS}`,
    key: 'freshFlows',
    digits: 0,
    faster: fasterPeer('freshFlows'),
    ratio: medianOf('freshFlows'),
    target: 'none (for information)',
    pass: undefined,
  },
];

console.log(
  `\nmock-idp side-by-side benchmark, ${new Date().toISOString().slice(0, 10)}, node ` +
    `${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, driver ` +
    `${driver.name}\n`,
);
const verdict = (pass) => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');
console.log(`| figure | ${names.join(' | ')} | ratio to the faster peer | target | |`);
console.log(`|---|${names.map(() => '---:').join('|')}|---:|---|---|`);
for (const row of rows) {
  const figures = names.map((name) => fmt(peerMedian(name, row.key), row.digits));
  console.log(
    `| ${row.label} | ${figures.join(' | ')} | ${fmt(row.ratio, 2)} (${row.faster}) | ${row.target} | ` +
      `${verdict(row.pass)} |`,
  );
}
const rssLabel = `RSS after ${RSS_FLOWS} flows (MB); mock-idp as \`npm start\` starts it, flows over every issuer`;
console.log(
  `| ${rssLabel} | ${names.map((name) => fmt(results[name].rss.at(-1), 1)).join(' | ')} | | ` +
    `<= 120 MB and flat (< 10 MB growth after the first quarter) | ` +
    `${verdict(ours.rss.at(-1) <= 120 && rssGrowth < 10)} |`,
);
console.log(
  `\nRSS samples every ${RSS_FLOWS / 4} flows (MB): ${names
    .map((name) => `${name} ${results[name].rss.map((v) => fmt(v, 1)).join(' → ')}`)
    .join('; ')}`,
);
console.log('\nEach ratio is the median of per-round ratios to the faster peer of that round.');
for (const [key, what] of [
  ['startups', 'start-up (ms)'],
  ['flows', 'flows/s'],
  ['tokens', 'tokens/s'],
  ['freshFlows', 'first flows/s'],
]) {
  console.log(
    `${what}: ratio per round ${ratios[key].map((v) => fmt(v, 2)).join(', ')}; ` +
      names.map((name) => `${name} ${results[name][key].map((v) => fmt(v)).join(', ')}`).join('; '),
  );
}
console.log(`mock-idp's first start on this build, untimed in the table: ${fmt(firstStart.readyMs)} ms`);

// The floors under the first two rows, from this run's own figures.
// Per round, as the start-up row's own ratio is: the machine drifts between rounds.
const fastestStarts = emptyServerStartups.map((_, round) =>
  Math.min(...PEERS.map((name) => results[name].startups[round])),
);
const emptyRatio = median(emptyServerStartups.map((ms, round) => ms / fastestStarts[round]));
const emptyStart = median(emptyServerStartups);
const target = 0.6 * median(fastestStarts);
console.log(
  `\nFloor under the start-up row: an empty node:http server answers its first request in ${fmt(emptyStart)} ms ` +
    `(median; ${emptyServerStartups.map((v) => fmt(v)).join(', ')}), ${fmt(emptyRatio, 2)} x the faster peer ` +
    `(median of per-round ratios). The 0.6 x target (about ${fmt(target)} ms) leaves about ` +
    `${fmt(target - emptyStart)} ms over it for everything else a server does at start-up.`,
);
const perFlow = (name, key) => fmt(median(results[name][key]), 2);
console.log(
  `CPU per settled flow (ms, median of rounds), driver / server: ${names
    .map((name) => `${name} ${perFlow(name, 'driverCpu')} / ${perFlow(name, 'serverCpu')}`)
    .join('; ')}`,
);
const fastestFlows = Math.max(...PEERS.map((name) => median(results[name].flows)));
// The cores this process may run on, as the servers and the driver share them.
const cores = availableParallelism();
const budget = (cores * 1000) / (1.5 * fastestFlows);
console.log(
  `Floor under the flows row: at 1.5 x the faster peer (${fmt(1.5 * fastestFlows)} flows/s) this machine's ` +
    `${cores} cores give ${fmt(budget, 2)} ms of CPU a flow, driver and server together; mock-idp's driver ` +
    `took ${perFlow(OURS, 'driverCpu')}, which leaves ${fmt(budget - median(ours.driverCpu), 2)} ms for the server ` +
    `against its ${perFlow(OURS, 'serverCpu')}.`,
);
console.log('The rows for vitest globalSetup and the conformance catalog come from npm run bench:conformance.');
process.exit(0);
