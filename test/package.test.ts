import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string; type: string; bin: Record<string, string>; engines: { node: string }; exports: Record<string, { types: string; default: string } | string>;
};

describe('the npm package', () => {
  it('is one ESM package named mock-idp for Node >= 20.19 with a mock-idp bin', () => {
    expect(pkg).toMatchObject({ name: 'mock-idp', type: 'module', engines: { node: '>=20.19' } });
    expect(pkg.bin['mock-idp']).toBe('./dist/bin/mock-idp.js');
    expect(readFileSync(new URL(`../${pkg.bin['mock-idp']}`, import.meta.url), 'utf8').startsWith('#!/usr/bin/env -S node ')).toBe(true);
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
});
