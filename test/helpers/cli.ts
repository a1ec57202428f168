import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  bin: Record<string, string>;
};
/** The published bin (the bundled CLI), so tests run exactly what `npx mock-idp` runs. */
export const CLI = fileURLToPath(new URL(`../../${pkg.bin['mock-idp']}`, import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion (for commands that exit by themselves). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Served {
  child: ChildProcess;
  url: string;
  banner: string;
  stop(): Promise<void>;
}

/** Starts `mock-idp serve ...` and resolves once its banner is complete. */
export function serveCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command: string[] = [CLI, 'serve'],
): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no banner after 15 s\n${out}\n${err}`));
    }, 15_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('health ')) {
        clearTimeout(timer);
        const url = /listening on (\S+)/.exec(out)![1]!;
        resolve({
          child,
          url,
          banner: out,
          stop: () =>
            new Promise((done) => {
              child.once('close', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before its banner\n${out}\n${err}`));
    });
  });
}
