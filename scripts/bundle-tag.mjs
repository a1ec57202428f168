// The first line of each CLI bundle names its build: a hash of the rest of the bundle.
// The launcher names its code cache after it, because V8 checks only a cache's source
// length, and npm installs every file with the same date: a rebuilt bundle of the same
// size would otherwise meet the old build's cache, and run its compiled code.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const TAG = /^\/\/mock-idp-build [0-9a-f]{16}\n/;

/** Writes (or rewrites) the build line of a bundle and returns its hash. */
export function tagBundle(file) {
  const body = readFileSync(file, 'utf8').replace(TAG, '');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  writeFileSync(file, `//mock-idp-build ${hash}\n${body}`);
  return hash;
}
