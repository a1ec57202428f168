import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Source runs from mock-idp/*.ts, the build from dist/mock-idp/*.js: walk up to
// the folder that holds fixtures/ instead of hard-coding either depth.
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'fixtures', 'keys')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mock-idp: cannot locate the package root (fixtures/keys missing)');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const fixturesDir = join(packageRoot, 'fixtures');
export const fixturePath = (...parts: string[]): string => join(fixturesDir, ...parts);
