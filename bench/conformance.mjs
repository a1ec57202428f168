// The time a user waits (issue #20), each figure against its target, on Node 20 and 24 (BENCH_NODE=24 or
// BENCH_NODE=20,22,24 to choose): what vitest's globalSetup adds before the first test, the whole catalog
// against the example web app (black box, the reference client's 10 s JWKS refetch allowance) and against
// `mock-idp login` as a command client, and what freshClient + freshUser add to a test.
// Run: npm run bench:conformance
// BENCH_ROUNDS (default 3) catalog and freshClient runs and BENCH_VITEST_RUNS (default 7) vitest runs of each
// kind per runtime; BENCH_CATALOGS=0 leaves the catalogs out, BENCH_SETUP=0 the globalSetup row.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nodeBinDir } from '../scripts/node-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROWS = 'BENCH_ROWS ';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const vitestRuns = Number(process.env.BENCH_VITEST_RUNS ?? 7);
/** Tests in the freshClient row's file. */
const FRESH_TESTS = 200;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** A row without a target (pass undefined) is a figure only. */
const verdict = (row) => (row.pass === undefined ? 'measured' : row.pass ? 'PASS' : 'FAIL');

if (process.env.BENCH_CONFORMANCE_RUNTIME === '1') await measure();
else await eachRuntime();

/** This script once per runtime, that node first on PATH; then every runtime's rows side by side. */
async function eachRuntime() {
  const majors = (process.env.BENCH_NODE ?? '20,24')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const tables = [];
  for (const major of majors) {
    const dir = nodeBinDir(major);
    const node = join(dir, 'node');
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    process.stdout.write(`\n## Node ${version}\n\n`);
    const child = spawn(node, [fileURLToPath(import.meta.url)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_CONFORMANCE_RUNTIME: '1', PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    let rows;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith(ROWS)) rows = JSON.parse(line.slice(ROWS.length));
      else process.stdout.write(`${line}\n`);
    }
    const code = await new Promise((resolve) => child.once('close', resolve));
    tables.push({ version, rows, code });
  }
  process.stdout.write(
    `\n## Both runtimes\n\n| figure | target | ${tables.map((t) => `Node ${t.version}`).join(' | ')} |\n`,
  );
  process.stdout.write(`|---|---|${tables.map(() => '---').join('|')}|\n`);
  for (const [i, row] of (tables.find((t) => t.rows)?.rows ?? []).entries()) {
    const cells = tables.map((t) => (t.rows?.[i] ? `${t.rows[i].value}: ${verdict(t.rows[i])}` : '-'));
    process.stdout.write(`| ${row.figure} | ${row.target} | ${cells.join(' | ')} |\n`);
  }
  process.exit(tables.every((t) => t.code === 0) ? 0 : 1);
}

async function measure() {
  const rows = [
    ...(process.env.BENCH_SETUP === '0' ? [] : [await globalSetupRow()]),
    await freshRow(),
    ...(process.env.BENCH_CATALOGS === '0' ? [] : await catalogRows()),
  ];
  process.stdout.write(`\n| figure | value | target | |\n|---|---|---|---|\n`);
  for (const row of rows) process.stdout.write(`| ${row.figure} | ${row.detail} | ${row.target} | ${verdict(row)} |\n`);
  process.stdout.write(`${ROWS}${JSON.stringify(rows)}\n`);
}

/**
 * A project that has this package installed as a user has it (a copy in node_modules, so vitest loads it as a
 * dependency), with `write(file, text)` for its files and `run(config)` for one vitest run.
 */
function vitestProject() {
  const project = mkdtempSync(join(tmpdir(), 'mock-idp-bench-vitest-'));
  const installed = join(project, 'node_modules', 'mock-idp');
  mkdirSync(installed, { recursive: true });
  for (const entry of ['package.json', 'dist', 'fixtures'])
    cpSync(join(root, entry), join(installed, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'));
  symlinkSync(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'));
  const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
  return {
    write(file, text) {
      mkdirSync(join(project, file, '..'), { recursive: true });
      writeFileSync(join(project, file), text);
    },
    /** One run; its stdout, or an error with everything it printed. */
    run(config) {
      const result = spawnSync(process.execPath, [vitest, 'run', '--config', config], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, MOCK_IDP_LOG_LEVEL: '', NO_COLOR: '1' },
      });
      if (result.status !== 0) throw new Error(`vitest (${config}) failed:\n${result.stdout}${result.stderr}`);
      return result.stdout;
    },
    remove: () => rmSync(project, { recursive: true, force: true }),
  };
}

/** A vitest config that runs `include`, with the package's globalSetup unless `setup` is false. */
function vitestConfig(include, setup = true) {
  return (
    "import { defineConfig } from 'vitest/config';\n" +
    `export default defineConfig({ test: { include: ['${include}']` +
    `${setup ? ", globalSetup: ['mock-idp/vitest/setup']" : ''} } });\n`
  );
}

/**
 * vitest with one trivial test, with and without `globalSetup: ['mock-idp/vitest/setup']`, in pairs run back to
 * back, the order alternating. The median of the pairs' differences is what the globalSetup adds before the first
 * test: this VM's speed drifts within a run by more than the figure, and only runs of the same minute compare.
 */
async function globalSetupRow() {
  const project = vitestProject();
  try {
    project.write(
      'test/a.test.ts',
      // The test says when it starts: the wait before it, not the run's end (the server's stop, vitest's exit);
      // with mock-idp, also when its first request was answered, since the server may still be loading then.
      "import { expect, inject, it } from 'vitest';\n" +
        "it('runs', async () => { console.log('FIRST_TEST_AT ' + Date.now()); " +
        "const idp = inject('mockIdp'); if (idp) { const r = await fetch(idp.issuers.generic + " +
        "'/.well-known/openid-configuration'); console.log('FIRST_ANSWER_AT ' + Date.now() + ' ' + r.status); } " +
        'expect(1).toBe(1); });\n',
    );
    project.write('without.config.mjs', vitestConfig('test/*.test.ts', false));
    project.write('with.config.mjs', vitestConfig('test/*.test.ts'));
    const run = (name) => {
      const started = Date.now();
      const stdout = project.run(`${name}.config.mjs`);
      const firstTest = /FIRST_TEST_AT (\d+)/.exec(stdout)?.[1];
      const firstAnswer = /FIRST_ANSWER_AT (\d+) 200/.exec(stdout)?.[1];
      if (!firstTest || (name === 'with' && !firstAnswer)) throw new Error(`vitest (${name}) said:\n${stdout}`);
      if (firstAnswer) answers.push(Number(firstAnswer) - started);
      return Number(firstTest) - started;
    };
    const answers = [];
    // The first runs fill the caches (vite's, the bin's code cache): not counted.
    run('without');
    run('with');
    answers.length = 0;
    const times = { without: [], with: [] };
    for (let i = 0; i < vitestRuns; i++) {
      for (const name of i % 2 ? ['with', 'without'] : ['without', 'with']) times[name].push(run(name));
    }
    const pairs = times.with.map((t, i) => t - times.without[i]);
    const added = median(pairs);
    process.stdout.write(
      `vitest run, one trivial test, ${vitestRuns} pairs of runs, ms until the test starts: without ` +
        `globalSetup ${times.without.map((t) => t.toFixed(0)).join(', ')}; ` +
        `with ${times.with.map((t) => t.toFixed(0)).join(', ')}; with, until the test's first discovery ` +
        `is answered ${answers.map((t) => t.toFixed(0)).join(', ')} (median ${median(answers).toFixed(0)}, ` +
        `${(median(answers) - median(times.without)).toFixed(0)} ms on top of vitest's first test)\n`,
    );
    return {
      figure: 'vitest globalSetup: ready before the first test, on top of vitest',
      value: `${added.toFixed(0)} ms`,
      detail: `${added.toFixed(0)} ms (median of the pairs' ${pairs.map((t) => t.toFixed(0)).join(', ')})`,
      target: '≤ 200 ms',
      pass: added <= 200,
    };
  } finally {
    project.remove();
  }
}

/**
 * What `freshClient` and `freshUser` add to a test, their removal when it finishes included: a file of
 * FRESH_TESTS tests that each make both, against a file of as many empty tests, in one vitest run per
 * round (the same server, both files one after the other). The calls' own times are printed beside it.
 */
async function freshRow() {
  const project = vitestProject();
  const file = (fresh) =>
    "import { afterAll, beforeAll, it } from 'vitest';\n" +
    "import { freshClient, freshUser } from 'mock-idp/vitest';\n" +
    `const tag = '${fresh ? 'FRESH' : 'EMPTY'}';\n` +
    "beforeAll(() => { console.log(tag + '_START ' + performance.now()); });\n" +
    "afterAll(() => { console.log(tag + '_END ' + performance.now()); });\n" +
    `for (let i = 0; i < ${FRESH_TESTS}; i++) it('test ' + i, async () => {\n` +
    (fresh
      ? "  const t0 = performance.now(); await freshClient('generic'); const t1 = performance.now();\n" +
        "  await freshUser('generic', { email: 'someone@example.com' });\n" +
        "  console.log('CALLS ' + (t1 - t0) + ' ' + (performance.now() - t1));\n"
      : '') +
    '});\n';
  try {
    project.write('fresh/a-empty.test.ts', file(false));
    project.write('fresh/b-fresh.test.ts', file(true));
    // One worker, files in order: the two files share the server and the machine, never at the same time.
    project.write(
      'fresh.config.mjs',
      "import { defineConfig } from 'vitest/config';\n" +
        "export default defineConfig({ test: { include: ['fresh/*.test.ts'], fileParallelism: false, " +
        "sequence: { shuffle: false }, globalSetup: ['mock-idp/vitest/setup'] } });\n",
    );
    const perTest = [];
    const calls = { client: [], user: [] };
    for (let i = 0; i < rounds + 1; i++) {
      const stdout = project.run('fresh.config.mjs');
      const span = (tag) =>
        Number(new RegExp(`${tag}_END ([\\d.]+)`).exec(stdout)?.[1]) -
        Number(new RegExp(`${tag}_START ([\\d.]+)`).exec(stdout)?.[1]);
      const added = (span('FRESH') - span('EMPTY')) / FRESH_TESTS;
      if (!Number.isFinite(added)) throw new Error(`the fresh tests said:\n${stdout}`);
      // The first round fills the caches (vite's, the bin's code cache) and warms the server: not counted.
      if (i === 0) continue;
      perTest.push(added);
      for (const [, client, user] of stdout.matchAll(/CALLS ([\d.]+) ([\d.]+)/g)) {
        calls.client.push(Number(client));
        calls.user.push(Number(user));
      }
    }
    const ms = (v) => `${v.toFixed(1)} ms`;
    process.stdout.write(
      `freshClient + freshUser in each of ${FRESH_TESTS} tests, ${rounds} runs: the test file took ` +
        `${perTest.map(ms).join(', ')} per test more than ${FRESH_TESTS} empty tests; the calls alone, medians: ` +
        `freshClient ${ms(median(calls.client))}, freshUser ${ms(median(calls.user))} ` +
        `(the first of a run: ${ms(calls.client[0])} and ${ms(calls.user[0])})\n`,
    );
    return {
      figure: 'freshClient + freshUser in a test, their removal included',
      value: ms(median(perTest)),
      detail: `${ms(median(perTest))} per test (median of ${perTest.map(ms).join(', ')})`,
      target: 'none: measured',
      pass: undefined,
    };
  } finally {
    project.remove();
  }
}

async function catalogRows() {
  const { startExampleApp } = await import('../dist/client/examples/web-app.js');
  const { commandAdapter, referenceClientAdapter, runConformance, summaryLine, webAppAdapter } = await import(
    '../dist/conformance/index.js'
  );
  const { startMockIdp } = await import('../dist/mock-idp/index.js');
  const idp = await startMockIdp({ port: 0, logLevel: 'silent', profiles: ['generic'] });
  // RSS alone cannot tell a leak from a heap V8 chose to grow: the heap in use after a full collection can.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const liveHeapMb = () => {
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const heapBefore = liveHeapMb();
  try {
    const reference = await runConformance({ idp, adapter: referenceClientAdapter(), concurrency: 6 });
    process.stdout.write(`reference client (in process, concurrency 6): ${summaryLine(reference)}\n`);

    // The example app as a user runs it: its own client registration, the reference client's 10 s allowance.
    // A fresh app each round: one kept from the last round still holds its rotated keys and logouts.
    const web = [];
    for (let i = 0; i < rounds; i++) {
      const app = await startExampleApp({
        issuer: idp.issuers.generic,
        clientId: 'bench-app',
        clientSecret: 'bench-app-secret',
        port: 0,
      });
      try {
        const report = await runConformance({
          idp,
          adapter: webAppAdapter({ url: app.url, whoami: '/me', backchannelLogoutPath: '/backchannel-logout' }),
          client: {
            clientId: 'bench-app',
            clientSecret: 'bench-app-secret',
            redirectUris: [`${app.url}/callback`],
            backchannelLogoutUri: `${app.url}/backchannel-logout`,
          },
        });
        process.stdout.write(`web app (the example app), round ${i + 1}: ${summaryLine(report)}\n`);
        web.push(report);
      } finally {
        await app.close();
      }
    }

    const bin = fileURLToPath(new URL('../dist/bin/mock-idp.cjs', import.meta.url));
    const command = commandAdapter({
      command:
        `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} login --issuer {issuer} ` +
        '--client-id {client_id} --timeout 8',
    });
    // One login first, so that the bin's code cache exists, as it does after a user's first run.
    await runConformance({ idp, adapter: command, only: ['happy-path'] });
    const commands = [];
    for (let i = 0; i < rounds; i++) {
      const report = await runConformance({ idp, adapter: command });
      const logins = report.results.reduce((n, r) => n + r.calls.filter((c) => c === 'authorization').length, 0);
      process.stdout.write(
        `command client (mock-idp login), round ${i + 1}, ${logins} logins: ${summaryLine(report)}\n`,
      );
      commands.push(report);
    }
    process.stdout.write(
      `heap in use after a full GC: ${heapBefore.toFixed(0)} MB before the catalog runs, ` +
        `${liveHeapMb().toFixed(0)} MB after\n`,
    );
    return [
      catalogRow('full catalog, black-box web app (the example app)', web, 12_000),
      catalogRow('full catalog, command client (`mock-idp login`, a process per login)', commands, 8_000),
    ];
  } finally {
    await idp.close();
  }
}

/** A catalog's median duration, and a failure whatever the time when a verdict of the run went wrong. */
function catalogRow(figure, reports, targetMs) {
  const durations = reports.map((r) => r.durationMs);
  const ms = median(durations);
  const honest = reports.every((r) => r.passed);
  return {
    figure,
    value: seconds(ms),
    detail: `${seconds(ms)} (median of ${durations.map(seconds).join(', ')})${honest ? '' : '; a run did not pass'}`,
    target: `≤ ${targetMs / 1000} s`,
    pass: honest && ms <= targetMs,
  };
}
