import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string; type: string; bin: Record<string, string>; engines: { node: string }; exports: Record<string, { types: string; default: string } | string>;
};

describe('the npm package', () => {
  it('is one ESM package named mock-idp for Node >= 20.19 with a mock-idp bin', () => {
    expect(pkg).toMatchObject({ name: 'mock-idp', type: 'module', engines: { node: '>=20.19' } });
    expect(pkg.bin['mock-idp']).toBe('./dist/bin/mock-idp.js');
    expect(readFileSync(new URL(`../${pkg.bin['mock-idp']}`, import.meta.url), 'utf8').startsWith('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node ')).toBe(true);
  });

  it.each(['mock-idp', 'mock-idp/client', 'mock-idp/conformance', 'mock-idp/msw', 'mock-idp/vitest'])('resolves %s with its type declarations', async (specifier) => {
    const entry = pkg.exports[specifier === 'mock-idp' ? '.' : `./${specifier.slice('mock-idp/'.length)}`] as { types: string; default: string };
    expect(existsSync(new URL(`../${entry.default}`, import.meta.url))).toBe(true);
    expect(existsSync(new URL(`../${entry.types}`, import.meta.url))).toBe(true);
    const mod = await import(specifier) as Record<string, unknown>;
    expect(mod).toBeTypeOf('object');
  });

  it('exports startMockIdp from the root', async () => {
    const mod = await import('mock-idp') as { startMockIdp?: unknown };
    expect(mod.startMockIdp).toBeTypeOf('function');
  });

  it('ships a V8 code cache for the CLI bundle that V8 accepts under the bin\'s own node flags', () => {
    const bin = fileURLToPath(new URL(`../${pkg.bin['mock-idp']}`, import.meta.url));
    const flags = readFileSync(bin, 'utf8').split('\n')[0]!.split(' node ')[1]!.trim().split(/\s+/);
    // The launcher's own wrapping, compiled with the cache in a process started as the bin starts.
    const check = `
      const { readFileSync } = require('node:fs');
      const { Script } = require('node:vm');
      const file = ${JSON.stringify(bin.replace(/mock-idp\.js$/, 'mock-idp.cjs'))};
      const script = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file, cachedData: readFileSync(file + '.v8-cache') });
      process.stdout.write(String(script.cachedDataRejected));`;
    expect(flags).toContain('--max-old-space-size=160');
    expect(execFileSync(process.execPath, [...flags, '-e', check], { encoding: 'utf8' })).toBe('false');
    // Under other flags V8 refuses it, and the launcher then compiles the bundle as usual.
    expect(execFileSync(process.execPath, ['-e', check], { encoding: 'utf8' })).toBe('true');
  });
});
