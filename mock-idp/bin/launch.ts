#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --max-old-space-size=160
// The V8 flags above bound the server's resident memory: by default V8 keeps a
// large young generation and grows the old one lazily, so RSS climbed past 240 MB
// under sustained logins while live data stayed near 40 MB (see bench/). Stores
// and the request log are bounded, so 160 MB of old space leaves ample headroom.
// Two glibc malloc arenas instead of one per thread (crypto runs on libuv's pool)
// save about 6 MB more; other C libraries ignore the variable.
//
// This launcher runs the CLI bundle (mock-idp.cjs beside it) through V8's code
// cache: Node 20 has no module compile cache, and compiling the bundle was the
// largest part of start-up. The cache is written by `npm run build` under the same
// flags (V8 rejects a cache made under other flags or another V8 version, and then
// the bundle is simply compiled as usual).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const filename = join(here, 'mock-idp.cjs');
const cacheFile = join(here, 'mock-idp.cjs.v8-cache');

function readCache(): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

// The source is read inline so that only V8's own copy of it stays alive (it needs it for lazy compilation).
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(filename, 'utf8')}\n})`, {
  filename,
  cachedData: readCache(),
});
// Set only by the build's cache writer: the cache then holds every function that
// start-up and a first discovery request compiled, not just the top level.
if (process.env.MOCK_IDP_WRITE_CODE_CACHE === '1') {
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(filename), module, filename, here);
