// Build step: starts the bundled CLI once, as `npx mock-idp` would, with the bin's
// own V8 flags, serves one discovery request and stops it, so that the launcher
// writes V8's code cache for the bundle (see launch.cts). Without a cache mock-idp
// still works; it only starts slower, so a failure here warns instead of failing the build.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/mock-idp.cjs', import.meta.url));
const cacheFile = fileURLToPath(new URL('../../bin/cli.cjs.v8-cache', import.meta.url));

async function writeCache(): Promise<void> {
  rmSync(cacheFile, { force: true });
  const child = spawn(bin, ['serve', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'], {
    env: { ...process.env, MOCK_IDP_WRITE_CODE_CACHE: '1', MOCK_IDP_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      timer = setTimeout(() => reject(new Error('no "listening on" line within 20 s')), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        const found = /listening on (\S+)/.exec(out);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    const response = await fetch(`${url}/generic/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    // SIGTERM lets the CLI exit normally, which is when the launcher writes the cache.
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`exited with ${code}`);
  } finally {
    clearTimeout(timer);
    // Never leave a server behind a failed build step (a no-op once it has exited).
    child.kill('SIGKILL');
  }
}

try {
  await writeCache();
} catch (error) {
  process.stderr.write(`mock-idp build: no V8 code cache written (${(error as Error).message}); the CLI starts slower but works.\n`);
  rmSync(cacheFile, { force: true });
}
