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
    expect(pkg.bin['mock-idp']).toBe('./dist/bin/mock-idp.cjs');
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
      const file = ${JSON.stringify(bin.replace(/mock-idp\.cjs$/, 'cli.cjs'))};
      const script = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file, cachedData: readFileSync(file + '.v8-cache') });
      process.stdout.write(String(script.cachedDataRejected));`;
    expect(flags).toContain('--max-old-space-size=160');
    expect(execFileSync(process.execPath, [...flags, '-e', check], { encoding: 'utf8' })).toBe('false');
    // Under other flags V8 refuses it, and the launcher then compiles the bundle as usual.
    expect(execFileSync(process.execPath, ['-e', check], { encoding: 'utf8' })).toBe('true');
  });

  it('answers JSON, JWKS, errors and a full login without loading Node\'s fetch implementation (undici)', () => {
    // Its own process: vitest has loaded undici in this one. Plain node:http, so the client side loads nothing either.
    const script = `
      import { request } from 'node:http';
      import { startMockIdp } from ${JSON.stringify(fileURLToPath(new URL('../dist/mock-idp/index.js', import.meta.url)))};
      const get = (url, options = {}, body) => new Promise((resolve, reject) => {
        const req = request(url, options, (res) => { let text = ''; res.on('data', (c) => { text += c; }); res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], location: res.headers.location, text })); });
        req.on('error', reject);
        req.end(body);
      });
      const idp = await startMockIdp({ port: 0, profiles: ['generic'], logLevel: 'silent' });
      const issuer = idp.issuers.generic;
      const discovery = await get(issuer + '/.well-known/openid-configuration');
      const jwks = await get(issuer + '/jwks');
      const error = await get(issuer + '/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 'grant_type=nope');
      const auth = await get(issuer + '/auth?client_id=generic-basic&response_type=code&scope=openid&redirect_uri=' + encodeURIComponent('http://127.0.0.1:3000/callback') + '&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
      const code = new URL(auth.location).searchParams.get('code');
      const token = await get(issuer + '/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from('generic-basic:generic-basic-secret').toString('base64') } },
        new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:3000/callback', code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }).toString());
      await idp.close();
      process.stdout.write(JSON.stringify({
        discovery: [discovery.status, discovery.type, JSON.parse(discovery.text).issuer === issuer],
        jwks: [jwks.status, jwks.type, JSON.parse(jwks.text).keys.length > 0],
        error: [error.status, error.type, JSON.parse(error.text).error],
        token: [token.status, token.type, typeof JSON.parse(token.text).id_token],
        undici: process.moduleLoadList.some((m) => m.includes('undici')),
      }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({
      discovery: [200, 'application/json; charset=utf-8', true],
      jwks: [200, 'application/jwk-set+json; charset=utf-8', true],
      error: [400, 'application/json; charset=utf-8', 'invalid_request'],
      token: [200, 'application/json; charset=utf-8', 'string'],
      undici: false,
    });
  });
});
