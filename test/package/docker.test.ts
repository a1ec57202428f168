import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ENV_VARS } from '../../mock-idp/index.js';
import { freePort } from '../helpers/http.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(new URL('../../mock-idp/Dockerfile', import.meta.url), 'utf8');
const compose = parseYaml(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<
    string,
    { build: { context: string; dockerfile: string }; ports: string[]; environment: Record<string, string> }
  >;
};
const service = compose.services['mock-idp']!;
const nodeVersions = JSON.parse(
  readFileSync(new URL('../../scripts/node-versions.json', import.meta.url), 'utf8'),
) as Record<string, string>;
const composeBinary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((b) => existsSync(b));

/** docker-compose.yml as docker-compose resolves it, with no MOCK_IDP_* set by the caller. */
function resolvedCompose(): typeof compose {
  if (!composeBinary)
    throw new Error('docker-compose is missing: apt-get install -y docker-compose (.ci/run does this)');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOCK_IDP_')));
  return parseYaml(
    execFileSync(composeBinary, ['-f', 'docker-compose.yml', 'config'], { cwd: root, env, encoding: 'utf8' }),
  ) as typeof compose;
}

/** Joins continuation lines and returns [instruction, argument] pairs of the final stage. */
function instructions(text: string): [string, string][] {
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.map((l) => {
    const i = l.indexOf(' ');
    return [l.slice(0, i).toUpperCase(), l.slice(i + 1)] as [string, string];
  });
}
const all = instructions(dockerfile);
const finalStage = all.slice(all.map(([k]) => k).lastIndexOf('FROM'));
const execForm = (name: string) => {
  const argument = finalStage.find(([k]) => k === name)![1];
  return JSON.parse(argument.slice(argument.indexOf('['))) as string[];
};
const imageEnv = Object.fromEntries(
  finalStage
    .filter(([k]) => k === 'ENV')
    .flatMap(([, v]) => [...v.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
);

describe('Dockerfile', () => {
  it('is multi-stage on the exact Node 24 release the tests run, and runs as a non-root user', () => {
    const froms = all.filter(([k]) => k === 'FROM').map(([, v]) => v.split(/\s+/)[0]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toBe(`node:${nodeVersions['24']}-bookworm-slim`);
    expect(finalStage.find(([k]) => k === 'USER')?.[1]).toBe('node');
  });

  it("warms the code cache as the node user, with the CMD's own node flags", () => {
    const user = finalStage.findIndex(([k]) => k === 'USER');
    const warm = finalStage.findIndex(([k, v]) => k === 'RUN' && v.includes('dist/bin/mock-idp.cjs'));
    expect(warm).toBeGreaterThan(user);
    const run = JSON.parse(finalStage[warm]![1]) as string[];
    const cmd = execForm('CMD');
    expect(run.slice(0, run.indexOf('dist/bin/mock-idp.cjs') + 1)).toEqual(
      cmd.slice(0, cmd.indexOf('dist/bin/mock-idp.cjs') + 1),
    );
  });

  it("binds all interfaces on 9400 inside the container, through the CLI's own variables", () => {
    expect(imageEnv).toMatchObject({ MOCK_IDP_HOST: '0.0.0.0', MOCK_IDP_PORT: '9400' });
    for (const name of Object.keys(imageEnv).filter((n) => n.startsWith('MOCK_IDP_')))
      expect(Object.keys(ENV_VARS)).toContain(name);
    expect(finalStage.find(([k]) => k === 'EXPOSE')?.[1]).toBe('9400');
  });

  it('runs the built bin, and its exact command line serves /health to its HEALTHCHECK', async () => {
    const cmd = execForm('CMD');
    const bin = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        bin: Record<string, string>;
      }
    ).bin['mock-idp']!;
    expect(cmd[0]).toBe('node');
    expect(`./${cmd.find((a) => a.startsWith('dist/bin/'))}`).toBe(bin);
    expect(cmd.at(-1)).toBe('serve');
    // The image's command and environment, on a free port: the container's 9400 may be taken here.
    const port = await freePort();
    const composed = resolvedCompose().services['mock-idp']!.environment;
    const env = {
      ...process.env,
      ...imageEnv,
      ...composed,
      MOCK_IDP_PORT: String(port),
      MOCK_IDP_HOST: '127.0.0.1',
      MOCK_IDP_LOG_LEVEL: 'silent',
    };
    const child = spawn(process.execPath, cmd.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      // compose sets MOCK_IDP_LOG_FORMAT=json: the banner is then one JSON line like the logs.
      expect(composed.MOCK_IDP_LOG_FORMAT).toBe('json');
      const banner = await new Promise<Record<string, unknown>>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Record<string, unknown>);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(banner).toMatchObject({
        level: 30,
        msg: `mock-idp listening on http://localhost:9400`,
        health: 'http://localhost:9400/health',
      });
      expect((banner.issuers as { name: string }[]).map((i) => i.name)).toContain('generic');
      const healthcheck = execForm('HEALTHCHECK').slice(1);
      const status = await new Promise<number | null>((resolve) => {
        spawn(process.execPath, healthcheck.slice(0), { env, stdio: 'ignore' }).on('exit', resolve);
      });
      expect(status).toBe(0);
      const discovery = (await (
        await fetch(`http://127.0.0.1:${port}/generic/.well-known/openid-configuration`)
      ).json()) as { issuer: string };
      expect(discovery.issuer).toBe('http://localhost:9400/generic');
    } finally {
      child.kill();
    }
  });
});

describe('Dockerfile build stage', () => {
  it('copies every file `npm run build` reads: the compiled folders and the build scripts', () => {
    const stage = all.slice(0, all.map(([k]) => k).lastIndexOf('FROM'));
    const copied = stage
      .filter(([k]) => k === 'COPY')
      .flatMap(([, v]) =>
        v
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const tsconfig = JSON.parse(readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8')) as {
      include: string[];
    };
    const named = ['build', 'build:ts', 'build:bin'].flatMap(
      (name) => pkg.scripts[name]!.match(/scripts\/[\w.-]+/g) ?? [],
    );
    // And the scripts those import.
    const scripts = named.flatMap((script) => [
      script,
      ...[...readFileSync(new URL(`../../${script}`, import.meta.url), 'utf8').matchAll(/from '\.\/([\w.-]+)'/g)].map(
        (m) => `scripts/${m[1]}`,
      ),
    ]);
    expect(scripts).toEqual(expect.arrayContaining(['scripts/build-bin.mjs', 'scripts/bundle-tag.mjs']));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', ...tsconfig.include, ...scripts])
      expect(
        copied.some((source) => needed === source || needed.startsWith(`${source}/`)),
        needed,
      ).toBe(true);
  });
});

describe('.dockerignore', () => {
  it('leaves out the test-only fixtures the npm package leaves out', () => {
    const ignored = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const files = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[] }
    ).files;
    const notPacked = files.filter((f) => f.startsWith('!fixtures/')).map((f) => f.slice(1));
    expect(notPacked.length).toBeGreaterThan(0);
    expect(ignored).toEqual(expect.arrayContaining(notPacked));
  });
});

describe('docker-compose.yml', () => {
  it('builds the Dockerfile, publishes 9400 on this machine only and sets the public URL', () => {
    expect(service.build).toEqual({ context: '.', dockerfile: 'mock-idp/Dockerfile' });
    expect(service.ports).toEqual(['127.0.0.1:9400:9400']);
    expect(service.environment.MOCK_IDP_PUBLIC_URL).toBe('http://localhost:9400');
    for (const name of Object.keys(service.environment)) expect(Object.keys(ENV_VARS)).toContain(name);
  });

  it('says how to open the port, and what that needs', () => {
    const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    expect(text).toMatch(/#.*publish "9400:9400"/);
    expect(text).toMatch(/#.*MOCK_IDP_ADMIN_TOKEN/);
  });

  it('has no well-known admin token: unless the caller sets one, the admin API is off', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own interpolation syntax, as written in the file
    expect(service.environment.MOCK_IDP_ADMIN_TOKEN).toBe('${MOCK_IDP_ADMIN_TOKEN:-}');
    expect(resolvedCompose().services['mock-idp']!.environment.MOCK_IDP_ADMIN_TOKEN).toBe('');
  });

  it('passes `docker-compose config`', () => {
    expect(resolvedCompose().services['mock-idp']!.ports).toEqual(['127.0.0.1:9400:9400/tcp']);
  });
});
