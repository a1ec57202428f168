// npm run bench: the side-by-side bench once per Node major (20 and 24 by default;
// BENCH_NODE=22 or BENCH_NODE=20,22,24 to choose), each with that node first on PATH so
// that mock-idp's bin, oauth2-mock-server and the driver all run on it. The releases are
// the pinned ones of scripts/node-versions.json (see scripts/node-runtime.mjs).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinDir } from '../scripts/node-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const majors = (process.env.BENCH_NODE ?? '20,24')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);
let failed = false;
for (const major of majors) {
  const dir = nodeBinDir(major);
  const node = join(dir, 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`\n## Node ${version}\n\n`);
  const { status } = spawnSync(node, [join(root, 'bench', 'side-by-side.mjs')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
  });
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
