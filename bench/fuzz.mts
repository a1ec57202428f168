// npm run fuzz: the seeded fuzzer of test/fuzz.test.ts, longer, against the built CLI in its own
// process (so a crash or a memory climb shows), with every profile mounted.
// MOCK_IDP_FUZZ_SEED (default 17) and MOCK_IDP_FUZZ_REQUESTS (default 24000) change the run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzz } from '../test/helpers/fuzzer.js';
import { bannerUrl } from './banner.mjs';

const seed = Number(process.env.MOCK_IDP_FUZZ_SEED ?? 17);
const requests = Number(process.env.MOCK_IDP_FUZZ_REQUESTS ?? 24_000);
const cli = fileURLToPath(new URL('../dist/bin/mock-idp.cjs', import.meta.url));

const child = spawn(process.execPath, ['--max-old-space-size=160', cli, 'serve', '--port', '0'], {
  env: { ...process.env, MOCK_IDP_LOG_LEVEL: 'warn', MOCK_IDP_LOG_FORMAT: 'json' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let exited: number | null | undefined;
child.on('exit', (code) => {
  exited = code;
});
let stderr = '';
child.stderr.on('data', (d: Buffer) => {
  stderr += d;
});
const url = await bannerUrl(child, () => stderr);
const rss = () =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

const rssBefore = rss();
const report = await fuzz({ baseUrl: url, seed, requests, concurrency: 16, timeoutMs: 10_000 });
const health = await fetch(`${url}/health`)
  .then((r) => r.status)
  .catch(() => 0);
const alive = exited === undefined;
const rssAfter = alive ? rss() : 0;
child.kill('SIGTERM');

const row = (k: string, v: unknown) => console.log(`${k.padEnd(22)} ${v}`);
console.log(
  `mock-idp fuzz: seed ${seed}, ${report.requests} requests over ${report.routes} routes in ` +
    `${(report.ms / 1000).toFixed(1)} s`,
);
console.log('\nstatus   count');
for (const [status, count] of Object.entries(report.statuses).sort()) console.log(`${status.padEnd(8)} ${count}`);
console.log('\nissuer          requests');
for (const [issuer, count] of Object.entries(report.byIssuer).sort()) console.log(`${issuer.padEnd(15)} ${count}`);
console.log('');
row('5xx', report.fiveHundreds);
row('stalled connections', report.stalled);
row('wrong error shape', report.badShape);
row('process alive', alive);
row('/health after', health);
row('RSS before/after MB', `${rssBefore} / ${rssAfter}`);
if (report.failures.length) console.log(`\nfirst failures:\n${JSON.stringify(report.failures.slice(0, 10), null, 2)}`);
const ok = report.failures.length === 0 && alive && health === 200;
console.log(ok ? '\nPASS' : '\nFAIL');
process.exit(ok ? 0 : 1);
