import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The packed tarball, installed into a fresh project outside this repository next to
// the test runner and mocking library a user on this runtime gets: vitest 5 and
// msw 3 need Node 22.12+, so Node 20 runs the older majors. .ci/run runs the suite
// on Node 20, 22 and 24, so both pairs are covered there.
const root = fileURLToPath(new URL('../..', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
const peers = major >= 22 ? ['vitest@^5', 'msw@^3'] : ['vitest@^4', 'msw@^2.10'];
const typesNode = `@types/node@^${major}`;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

// Nothing of this run leaks into the child: vitest's own variables would make the
// child vitest think it is a worker.
const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && !['NODE_OPTIONS', 'FORCE_COLOR'].includes(k) && !k.startsWith('MOCK_IDP_'),
    ),
  ),
  NO_COLOR: '1',
};
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 8000));
  }
}

describe(`the packed package in a fresh project with ${peers.join(' and ')} on Node ${major}`, () => {
  let work: string;
  let project: string;
  let installOutput: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mock-idp-pack-'));
    const [packed] = JSON.parse(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root),
    ) as [{ filename: string }];
    project = join(work, 'project');
    cpSync(join(root, 'test', 'package', 'consumer'), project, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }, null, 2)}\n`,
    );
    // No --legacy-peer-deps: a peer range that excludes these majors fails here with ERESOLVE.
    // --prefer-offline lets npm's cache answer for versions it already holds.
    installOutput = run(
      'npm',
      [
        'install',
        '--save-dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        join(work, packed.filename),
        ...peers,
        typesNode,
      ],
      project,
    );
  }, 300_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('installs without a peer-dependency complaint', () => {
    expect(installOutput).not.toMatch(/ERESOLVE|peer dep|conflicting peer/i);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'mock-idp', 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(manifest.name).toBe('mock-idp');
    const vitestMajor = (
      JSON.parse(readFileSync(join(project, 'node_modules', 'vitest', 'package.json'), 'utf8')) as { version: string }
    ).version.split('.')[0];
    expect(`vitest@^${vitestMajor}`).toBe(peers[0]);
  });

  it('runs a vitest globalSetup login and an msw login at https://gitlab.com', () => {
    const out = run(
      process.execPath,
      [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=verbose'],
      project,
    );
    expect(out).toMatch(/logs in at the mock-idp that globalSetup started/);
    expect(out).toMatch(/logs in at https:\/\/gitlab\.com through msw/);
    expect(out).toMatch(/Tests\s+2 passed/);
  }, 120_000);

  it('type-checks with strict tsc (noUncheckedIndexedAccess, skipLibCheck false)', () => {
    // Throws with tsc's own report on any error, including an unused @ts-expect-error in types.ts.
    expect(run(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], project)).toBe('');
  }, 120_000);

  it('type-checks a CommonJS TypeScript file that requires it (module nodenext)', () => {
    expect(run(process.execPath, [tsc, '-p', join(project, 'tsconfig.cjs.json')], project)).toBe('');
  }, 120_000);

  it('is usable from CommonJS through require()', () => {
    const out = JSON.parse(run(process.execPath, ['cjs-check.cjs'], project)) as {
      agent: string;
      start: string;
      fixtures: string;
    };
    expect(out).toMatchObject({ agent: 'function', start: 'function' });
    expect(readdirSync(out.fixtures)).toContain('gitlab.json');
  });
});
