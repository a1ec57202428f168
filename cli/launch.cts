#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --max-old-space-size=160
// The V8 flags above bound the server's resident memory: by default V8 keeps a
// large young generation and grows the old one lazily, so RSS climbed past 240 MB
// under sustained logins while live data stayed near 40 MB (see bench/). Stores
// and the request log are bounded, so 160 MB of old space leaves ample headroom.
// Two glibc malloc arenas instead of one per thread (crypto runs on libuv's pool)
// save about 6 MB more; other C libraries ignore the variable.
//
// Compiling the CLI bundle (cli.cjs beside it) was the largest part of start-up,
// so the launcher keeps compiled code between runs: V8's code cache through
// vm.Script, kept per Node version, bundle and node flags, written when the first
// run on this machine exits, so that it holds every function that run compiled
// (the server's request handling too). Node 22's own module compile cache keeps
// only what V8 compiles up front, and the bundle started slower with it; it still
// serves the on-demand library bundles (lib/) on Node 22.1+. Nothing is shipped,
// because V8 silently rejects a cache made by another V8 version or under other
// flags. The launcher is CommonJS, as is the bundle, so that Node never starts its
// ES module loader: that alone cost about 15 ms.
// NODE_DEBUG=mock-idp-startup tells whether the cache held.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import util = require('node:util');
import vm = require('node:vm');
import nodeModule = require('node:module');

const debug = util.debuglog('mock-idp-startup');
/** When a run that lasts writes (or upgrades) its code cache. */
const WRITE_AFTER_MS = 5_000;
/** How old a cache being written can be before it counts as left behind by a process that died writing it. */
const STALE_TEMPORARY_MS = 60_000;
// `login` has a bundle of its own (the client and its command, a tenth of the program's size): a tool
// that logs in once per run, as the conformance kit runs it once per case, reads and compiles only that.
const login = process.argv[2] === 'login';
const filename = path.join(__dirname, login ? 'login.cjs' : 'cli.cjs');
if (login) keepWebAssemblyOnBaselineTier();

/** Per user, never a shared temp folder: a planted cache would run as code. MOCK_IDP_CACHE_DIR overrides it. */
function cacheRoot(): string | undefined {
  if (process.env.MOCK_IDP_CACHE_DIR) return process.env.MOCK_IDP_CACHE_DIR;
  try {
    return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'mock-idp');
  } catch {
    // No home folder (a user without a passwd entry): start without a cache.
    return undefined;
  }
}

type EnableCompileCache = (directory?: string) => { status: number; message?: string; directory?: string };
const enableCompileCache = (nodeModule as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;

const root = cacheRoot();
if (enableCompileCache && root) {
  // For what the bundle require()s from files of their own (lib/). A read-only home only costs the cache: Node
  // reports FAILED and compiles as usual.
  const result = enableCompileCache(path.join(root, 'compile-cache'));
  debug('compile-cache status=%d directory=%s %s', result.status, result.directory ?? '', result.message ?? '');
}
runWithCodeCache(root);

/**
 * A login is a short process whose `fetch` (undici) compiles its HTTP parser from WebAssembly. V8 then optimizes
 * that parser's hot functions with TurboFan on background threads, which cost about a third of a login's CPU, for a
 * process that parses a handful of responses: the baseline compiler's code is plenty. Set before the bundle is
 * compiled, because V8 keys its code cache by the flags. Node 24's V8 no longer applies --liftoff-only's implied
 * flags when it is set at run time, so all three are set. node:v8 is loaded here only: it costs a server's start 4 ms.
 */
function keepWebAssemblyOnBaselineTier(): void {
  loadLoginBuiltins();
  const v8: typeof import('node:v8') = require('node:v8');
  const flags = ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];
  for (const flag of flags) v8.setFlagsFromString(flag);
  debug('v8 flags %s', flags.join(' '));
  if (debug.enabled) reportBuiltinsCompiledUnderFlags();
}

/**
 * Node's own modules come with a code cache in its binary, which V8 keys by its flags as it does ours: one first
 * loaded after the flags above are set is compiled from source. So the built-ins a login uses are loaded before
 * them: what the login bundle requires, undici with all it requires (the global Response loads it; fetch uses it),
 * WebCrypto (jose), and what a listening socket and a host name lookup load. The first RSA key import still loads
 * two small ones. The flags must follow in the same synchronous step: on Node 20 and 22, loading undici starts
 * compiling its WebAssembly parser, and a compilation that began without them is optimized as before.
 */
function loadLoginBuiltins(): void {
  for (const id of ['crypto', 'http', 'child_process', 'process', 'cluster', 'dns', 'fs/promises'])
    require(`node:${id}`);
  void globalThis.Response;
  // Absent under --no-experimental-global-webcrypto (Node 20, 22); the login then fails with its own error.
  void globalThis.crypto?.subtle;
  // Node 21+: openid-client and oauth4webapi read navigator.userAgent to pick their User-Agent header.
  void (globalThis as { navigator?: unknown }).navigator;
}

/**
 * For the startup test: which built-ins the login still compiled from source. moduleLoadList is Node's own,
 * undocumented list; without it the answer is "unknown", never an empty list that would pass for a good one.
 */
function reportBuiltinsCompiledUnderFlags(): void {
  const loaded = (process as { moduleLoadList?: string[] }).moduleLoadList;
  const before = loaded?.length ?? 0;
  const builtin = 'NativeModule ';
  process.once('exit', () => {
    const names = loaded
      ?.slice(before)
      .flatMap((entry) => (entry.startsWith(builtin) ? [entry.slice(builtin.length)] : []));
    debug('built-ins compiled under the v8 flags: %s', names ? names.join(' ') || 'none' : 'unknown');
  });
}

/** A bundle built without scripts/build-bin.mjs: named after its date, which a rebuild changes. */
function untaggedBuild(): string {
  return `t${Math.trunc(fs.statSync(filename).mtimeMs)}`;
}

/** A short, stable name for a path (FNV-1a): node:crypto would cost more start-up than it saves. */
function pathKey(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function runWithCodeCache(root: string | undefined): void {
  const source = fs.readFileSync(filename, 'utf8');
  // V8 checks a cache's source length and flags, not the content, and npm installs every
  // file with the same date: the build's hash on the bundle's first line
  // (scripts/bundle-tag.mjs) keeps a rebuilt bundle from meeting an old build's cache.
  // Named after where the bundle is too, so that two installations keep a cache each,
  // and after the node flags: V8 rejects a cache made under other flags, so `npx mock-idp`
  // (the shebang's flags) and `node mock-idp.cjs` (vitest's globalSetup) would each
  // reject and overwrite the other's at every start.
  const build = /^\/\/mock-idp-build ([0-9a-f]{16})\n/.exec(source)?.[1] ?? untaggedBuild();
  const flags = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  const prefix = `cli-${pathKey(filename)}-${pathKey(flags)}-`;
  const cacheFile =
    root &&
    path.join(root, 'code-cache', `${process.version}-${process.arch}`, `${prefix}${source.length}-${build}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = cacheFile ? fs.readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined;
  }
  // The source is passed inline so that only V8's own copy of it stays alive (it needs it for lazy compilation).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
  });
  const state = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  debug('code-cache %s file=%s', state, cacheFile);
  if (cacheFile) {
    let written = false;
    const temporary = `${cacheFile}.${process.pid}`;
    const write = () => {
      if (written) return;
      written = true;
      try {
        const data = script.createCachedData();
        // An accepted cache is only replaced by one that holds much more: a server's, after a short first run.
        if (cachedData && state === 'accepted' && data.length < cachedData.length * 1.25) return;
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        fs.writeFileSync(temporary, data);
        fs.renameSync(temporary, cacheFile);
        // Caches of this installation's earlier builds can never be read again, and a half-written one is left by a
        // process that died while writing it (one still writing is a minute young at most).
        const folder = path.dirname(cacheFile);
        for (const old of fs.readdirSync(folder)) {
          const file = path.join(folder, old);
          if (!old.startsWith(prefix) || file === cacheFile) continue;
          const age = () => Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
          const stale = old.endsWith('.v8') || (/\.v8\.\d+$/.test(old) && age() > STALE_TEMPORARY_MS);
          if (stale) fs.rmSync(file, { force: true });
        }
        debug('code-cache written file=%s bytes=%d', cacheFile, data.length);
      } catch (error) {
        fs.rmSync(temporary, { force: true });
        debug('code-cache not written: %s', (error as Error).message);
      }
    };
    // The cache holds every function the run has compiled by then, not just the top level: a short run's at its exit,
    // a server's once it has started and answered its first requests. Not later: V8 drops the bytecode of functions
    // that have not run for a while, such as the start-up's.
    if (state !== 'accepted') process.once('exit', write);
    setTimeout(write, WRITE_AFTER_MS).unref();
  }
  const bundle = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    bundle.exports,
    nodeModule.createRequire(filename),
    bundle,
    filename,
    __dirname,
  );
}
