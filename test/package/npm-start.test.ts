import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** What the pre-step says about a tree: undefined when it would not build. */
function isStale(dir: string): string | undefined {
  const result = spawnSync('sh', [join(root, 'scripts', 'build-if-stale.sh'), '--check', dir], { encoding: 'utf8' });
  expect(result.status).toBe(result.stdout.trim() === 'up to date' ? 0 : 1);
  return result.status === 0 ? undefined : result.stdout.trim();
}

describe('npm start builds only when sources are newer than dist', () => {
  /** A source of each package, and the files whose change means a rebuild too. */
  const FILES = [
    'mock-idp/server/start.ts',
    'client/index.ts',
    'conformance/run.ts',
    'package.json',
    'tsconfig.json',
    'scripts/build-bin.mjs',
    'scripts/bundle-tag.mjs',
  ];
  function tree(): string {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-stale-'));
    for (const sub of ['mock-idp/server', 'client', 'conformance', 'scripts', 'dist/bin'])
      mkdirSync(join(dir, sub), { recursive: true });
    for (const file of FILES) writeFileSync(join(dir, file), '');
    return dir;
  }
  const at = (dir: string, file: string, seconds: number) => utimesSync(join(dir, file), seconds, seconds);

  it('builds when dist is missing, a source or build script is newer, or config or packages changed', () => {
    const dir = tree();
    try {
      // The build writes the launcher last: bundles without it are a build that failed halfway.
      writeFileSync(join(dir, 'dist/bin/cli.cjs'), '');
      expect(isStale(dir)).toBe('dist/bin/mock-idp.cjs is missing');
      writeFileSync(join(dir, 'dist/bin/mock-idp.cjs'), '');
      for (const file of FILES) at(dir, file, 1_000);
      at(dir, 'dist/bin/mock-idp.cjs', 2_000);
      expect(isStale(dir)).toBeUndefined();
      at(dir, 'mock-idp/server/start.ts', 3_000);
      expect(isStale(dir)).toBe('mock-idp/server/start.ts is newer than dist/bin/mock-idp.cjs');
      at(dir, 'mock-idp/server/start.ts', 1_000);
      at(dir, 'scripts/build-bin.mjs', 3_000);
      expect(isStale(dir)).toBe('scripts/build-bin.mjs is newer than dist/bin/mock-idp.cjs');
      at(dir, 'scripts/build-bin.mjs', 1_000);
      mkdirSync(join(dir, 'node_modules'));
      writeFileSync(join(dir, 'node_modules/.package-lock.json'), '{}');
      at(dir, 'node_modules/.package-lock.json', 3_000);
      expect(isStale(dir)).toBe('node_modules/.package-lock.json is newer than dist/bin/mock-idp.cjs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on this built tree, npm start serves without rebuilding', async () => {
    expect(isStale(root)).toBeUndefined();
    const before = statSync(join(root, 'dist/bin/mock-idp.cjs')).mtimeMs;
    const child = spawn('npm', ['start', '--', '--port', '0', '--profile', 'generic'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOCK_IDP_LOG_LEVEL: 'silent' },
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr!.on('data', (d: Buffer) => {
      output += d;
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', () => {
          const found = /listening on (\S+)/.exec(output);
          if (found) resolve(found[1]!);
        });
        child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
      });
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect(output).not.toMatch(/building|> tsc|esbuild/);
      expect(statSync(join(root, 'dist/bin/mock-idp.cjs')).mtimeMs).toBe(before);
    } finally {
      // npm, its shell and the server share the group started here.
      process.kill(-child.pid!, 'SIGTERM');
    }
  });
});
