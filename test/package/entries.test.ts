import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs an ES module snippet in a fresh node whose resolver refuses oidc-provider, and returns its output. */
function runWithoutOidcProvider(snippet: string): string {
  const hooks = `export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    if (result.url.includes('/node_modules/oidc-provider/')) throw new Error('oidc-provider loaded by ' + \
context.parentURL);
    return result;
  }`;
  const register =
    `import { register } from 'node:module'; ` +
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return execFileSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', snippet],
    { cwd: root, encoding: 'utf8', stdio: 'pipe' },
  );
}

describe('the light entries', () => {
  it('mock-idp/helpers gives UserAgent and fixture paths without loading oidc-provider', () => {
    const out = runWithoutOidcProvider(`
      const { UserAgent, fixturePath } = await import('mock-idp/helpers');
      process.stdout.write(JSON.stringify({ agent: typeof new UserAgent().navigate, pem: fixturePath('keys', \
'clients', 'stitch-client-certificate.pem') }));`);
    const { agent, pem } = JSON.parse(out) as { agent: string; pem: string };
    expect(agent).toBe('function');
    expect(readFileSync(pem, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('mock-idp/vitest loads the server only where one starts, not in test files', () => {
    const out = runWithoutOidcProvider(`
      const mod = await import('mock-idp/vitest');
      process.stdout.write(Object.keys(mod).sort().join(','));`);
    expect(out.split(',')).toEqual(
      expect.arrayContaining(['freshClient', 'freshUser', 'mockIdp', 'setup', 'withScenario']),
    );
  });

  it('the refusing resolver does catch oidc-provider (the root entry loads it)', () => {
    expect(() => runWithoutOidcProvider(`await import('mock-idp');`)).toThrow(/oidc-provider loaded by/);
  });
});

describe('fixtures from the package', () => {
  it('resolve through the mock-idp/fixtures/* export to the same files as fixturePath()', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      import { fixturePath } from 'mock-idp/helpers';
      process.stdout.write(JSON.stringify([import.meta.resolve('mock-idp/fixtures/clients/stitch.json'), \
fixturePath('clients', 'stitch.json')]));`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const [resolved, helper] = JSON.parse(out) as [string, string];
    expect(fileURLToPath(resolved)).toBe(helper);
    expect(existsSync(helper)).toBe(true);
  });

  it('the banner names the client files by a path that exists from where mock-idp runs', () => {
    const bannerModule = join(root, 'dist', 'mock-idp', 'banner.js');
    for (const cwd of [root, tmpdir()]) {
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
        import { renderBanner } from ${JSON.stringify(bannerModule)};
        process.stdout.write(renderBanner('http://127.0.0.1:9400', [], { adminOpen: true, loopbackOnly: true }));`,
        ],
        { cwd, encoding: 'utf8' },
      );
      const folder = /Client secrets are in (\S+)\/\*\.json/.exec(out)![1]!;
      expect(existsSync(join(resolve(cwd, folder), 'generic.json'))).toBe(true);
    }
  });
});
