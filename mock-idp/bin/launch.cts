#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --max-old-space-size=160
// The V8 flags above bound the server's resident memory: by default V8 keeps a
// large young generation and grows the old one lazily, so RSS climbed past 240 MB
// under sustained logins while live data stayed near 40 MB (see bench/). Stores
// and the request log are bounded, so 160 MB of old space leaves ample headroom.
// Two glibc malloc arenas instead of one per thread (crypto runs on libuv's pool)
// save about 6 MB more; other C libraries ignore the variable.
//
// This launcher runs the CLI bundle (cli.cjs beside it) through V8's code
// cache: Node 20 has no module compile cache, and compiling the bundle was the
// largest part of start-up. The cache is written by `npm run build` under the same
// flags (V8 rejects a cache made under other flags or another V8 version, and then
// the bundle is simply compiled as usual). It is CommonJS, as is the bundle, so
// that Node never starts its ES module loader: that alone cost about 15 ms.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import nodeModule = require('node:module');

const filename = path.join(__dirname, 'cli.cjs');
const cacheFile = path.join(__dirname, 'cli.cjs.v8-cache');

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

// The source is read inline so that only V8's own copy of it stays alive (it needs it for lazy compilation).
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(filename, 'utf8')}\n})`, {
  filename,
  cachedData: readCache(),
});
// Set only by the build's cache writer: the cache then holds every function that
// start-up and a first discovery request compiled, not just the top level.
if (process.env.MOCK_IDP_WRITE_CODE_CACHE === '1') {
  process.once('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
}
const bundle = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(bundle.exports, nodeModule.createRequire(filename), bundle, filename, __dirname);
