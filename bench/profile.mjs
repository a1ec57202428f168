// Where a flow's server CPU goes: runs the built server (dist/cli/main.js, unbundled so
// that files and packages have names) under --cpu-prof, warms it up, drives code + PKCE
// flows at the generic issuer, stops it, and prints self time per package, per file
// and per function, as milliseconds of CPU per flow.
// BENCH_WARM_UP (1000) and BENCH_FLOWS (3000) set the counts; BENCH_PROFILE=tokens
// profiles client_credentials requests instead, BENCH_PROFILE=jwks JWKS requests (the
// fixed cost of a request to an issuer). node bench/profile.mjs [file.cpuprofile]
// only summarizes a profile already taken. The last line opens the profile as a flame
// graph in speedscope (a devDependency), in the browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bannerUrl } from './banner.mjs';
import { driver } from './http-driver.mjs';
import { pkceAuthorization, REDIRECT_URI } from './pkce-request.mjs';
import { cpuMs } from './process-stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 1000);
const FLOWS = Number(process.env.BENCH_FLOWS ?? 3000);
const TASK = process.env.BENCH_PROFILE ?? 'flows';
const basic = (id, secret) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

async function flow(issuer) {
  const { url, verifier } = pkceAuthorization(`${issuer}/auth`, { client_id: 'generic-basic' });
  const callback = await driver.navigate(url, (u) => u.href.startsWith(REDIRECT_URI));
  const body = await driver.postForm(
    `${issuer}/token`,
    basic('generic-basic', 'generic-basic-secret'),
    new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code'),
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  );
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
}

async function token(issuer) {
  const body = await driver.postForm(
    `${issuer}/token`,
    basic('generic-service', 'generic-service-secret'),
    'grant_type=client_credentials',
  );
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
}

async function jwks(issuer) {
  await driver
    .navigate(`${issuer}/jwks`, () => false)
    .catch((error) => {
      if (!/ 200$/.test(error.message)) throw error;
    });
}

async function drive(total, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        next += 1;
        await task();
      }
    }),
  );
}

async function takeProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'mock-idp-profile-'));
  let stderr = '';
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=8',
      '--max-old-space-size=160',
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      join(root, 'dist/cli/main.js'),
      'serve',
      '--port',
      '0',
      '--log-level',
      'silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const url = await bannerUrl(child, () => stderr);
  const issuer = `${url}/generic`;
  const task = { flows: () => flow(issuer), tokens: () => token(issuer), jwks: () => jwks(issuer) }[TASK];
  await drive(WARM_UP, task);
  const usageBefore = cpuMs(child.pid);
  await drive(FLOWS, task);
  const usageAfter = cpuMs(child.pid);
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  const file = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.cpuprofile')),
  );
  process.stdout.write(
    `server CPU over the measured ${FLOWS} ${TASK} (utime+stime): ` +
      `${((usageAfter - usageBefore) / FLOWS).toFixed(3)} ms each\nprofile: ${file}\n`,
  );
  return file;
}

function packageOf(url) {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/dist/')) return 'mock-idp';
  return url;
}

/** Self time per package, file and function over the whole profile, as ms per operation. */
function summarize(file, operations) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // timeDeltas[i] is the time before samples[i]: each sample is charged to the node it hit.
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const totals = { package: new Map(), file: new Map(), function: new Map() };
  let all = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    all += micros;
    const where = callFrame.url.replace(/^file:\/\//, '').replace(root, '');
    const add = (map, key) => map.set(key, (map.get(key) ?? 0) + micros);
    add(totals.package, packageOf(callFrame.url));
    add(totals.file, where || `(${callFrame.functionName})`);
    add(totals.function, `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`);
  }
  const per = (micros) => (micros / 1000 / operations).toFixed(3);
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, micros]) => `  ${per(micros).padStart(7)} ms  ${((micros / all) * 100).toFixed(1).padStart(5)}%  ${key}`,
      )
      .join('\n');
  process.stdout.write(
    `\nbusy ${per(all)} ms per operation over the whole profile (start-up and warm-up included), idle ${per(idle)}\n` +
      `\nself time by package:\n${top(totals.package, 15)}\n\nby file:\n${top(totals.file, 30)}\n` +
      `\nby function:\n${top(totals.function, 40)}\n`,
  );
}

const given = process.argv[2];
const file = given ?? (await takeProfile());
summarize(file, given ? Number(process.env.BENCH_OPERATIONS ?? FLOWS) : WARM_UP + FLOWS);
// The tables give self time; a flame graph shows each request's whole stack. speedscope reads V8's profiles as is.
process.stdout.write(`\nflame graph: npx speedscope ${file}\n`);
process.exit(0);
