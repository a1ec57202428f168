#!/usr/bin/env node
// Prints the folder that holds the node binary of a supported major version
// (20, 22 or 24, pinned in node-versions.json), for `PATH="$(…):$PATH"`.
// Node releases come from the npm registry's node-<platform>-<arch> packages, whose
// tarball carries the binary: `npm pack` them into a per-user cache once, then reuse.
// The machine's own node is used when it is already the pinned major.
//   node scripts/node-runtime.mjs 24
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const nodeVersions = JSON.parse(readFileSync(new URL('./node-versions.json', import.meta.url), 'utf8'));

function cacheRoot() {
  if (process.env.MOCK_IDP_RUNTIMES_DIR) return process.env.MOCK_IDP_RUNTIMES_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mock-idp-runtimes');
}

const versionOf = (node) => {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

/**
 * The folder holding `node` for this major: the running one if it matches, else the pinned release from the registry.
 */
export function nodeBinDir(major, { preferCurrent = true } = {}) {
  const version = nodeVersions[String(major)];
  if (!version)
    throw new Error(`no pinned Node release for major ${major} (known: ${Object.keys(nodeVersions).join(', ')})`);
  if (preferCurrent && process.versions.node.split('.')[0] === String(major)) return dirname(process.execPath);
  const target = join(cacheRoot(), `node-${version}-${process.platform}-${process.arch}`);
  const binary = join(target, 'bin', 'node');
  if (existsSync(binary) && versionOf(binary) === `v${version}`) return dirname(binary);
  mkdirSync(cacheRoot(), { recursive: true });
  const work = mkdtempSync(join(cacheRoot(), '.download-'));
  try {
    const spec = `node-${process.platform}-${process.arch}@${version}`;
    // npm's own cache makes the second pack of the same release local.
    const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .at(-1);
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work, 'package/bin/node']);
    const unpacked = join(work, 'package');
    if (versionOf(join(unpacked, 'bin', 'node')) !== `v${version}`)
      throw new Error(`${spec} did not hold a working node v${version}`);
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dirname(binary);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const major = process.argv[2];
  if (!major) {
    process.stderr.write('usage: node scripts/node-runtime.mjs <major: 20|22|24>\n');
    process.exit(2);
  }
  process.stdout.write(`${nodeBinDir(major)}\n`);
}
