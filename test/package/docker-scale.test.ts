import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ENV_VARS, validateConfig } from '../../mock-idp/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
interface Service {
  profiles?: string[];
  image?: string;
  build?: unknown;
  depends_on?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}
const compose = parseYaml(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const scale = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('scale'));
const replicas = scale.filter(([, s]) => s.environment?.MOCK_IDP_STORE);
const binary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((b) => existsSync(b));

describe('docker compose --profile scale', () => {
  it('runs Redis, two replicas sharing it with one public URL, and a proxy in front of both', () => {
    const names = scale.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['redis', 'mock-idp-a', 'mock-idp-b', 'mock-idp-proxy']));
    expect(replicas.map(([name]) => name).sort()).toEqual(['mock-idp-a', 'mock-idp-b']);
    const [first, second] = replicas.map(([, s]) => s.environment!);
    expect(first).toEqual(second);
    expect(first!.MOCK_IDP_STORE).toMatch(/^redis:\/\/redis:6379\//);
    for (const [, s] of replicas) expect(s.depends_on).toContain('redis');
    for (const name of Object.keys(first!)) expect(Object.keys(ENV_VARS)).toContain(name);
    // The replicas' variables make a valid configuration (the token default as compose fills it in).
    expect(() =>
      validateConfig({
        store: first!.MOCK_IDP_STORE,
        publicBaseUrl: first!.MOCK_IDP_PUBLIC_URL,
        adminToken: 'local-admin-token-change-me',
      }),
    ).not.toThrow();
  });

  it('publishes only the proxy, on loopback, and the proxy balances over both replicas', () => {
    for (const [name, s] of scale) if (name !== 'mock-idp-proxy') expect(s.ports ?? []).toEqual([]);
    const proxy = compose.services['mock-idp-proxy']!;
    expect(proxy.image).toMatch(/^nginx:/);
    expect(proxy.ports).toEqual(['127.0.0.1:9401:9400']);
    expect(new URL(replicas[0]![1].environment!.MOCK_IDP_PUBLIC_URL!).port).toBe('9401');
    const mount = proxy.volumes!.find((v) => v.includes('nginx'))!;
    const conf = readFileSync(new URL(`../../${mount.split(':')[0]!.replace(/^\.\//, '')}`, import.meta.url), 'utf8');
    expect(conf).toMatch(/server mock-idp-a:9400;/);
    expect(conf).toMatch(/server mock-idp-b:9400;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(conf).toMatch(/listen 9400;/);
  });

  it(
    'passes `docker-compose --profile scale config`; every service but mock-idp is in the ' +
      'profile, so a plain `up` is unchanged',
    () => {
      if (!binary) throw new Error('docker-compose is missing: apt-get install -y docker-compose (.ci/run does this)');
      expect(() =>
        execFileSync(binary, ['-f', 'docker-compose.yml', '--profile', 'scale', 'config', '-q'], {
          cwd: root,
          stdio: 'pipe',
        }),
      ).not.toThrow();
      expect(
        Object.entries(compose.services)
          .filter(([, s]) => !s.profiles)
          .map(([name]) => name),
      ).toEqual(['mock-idp']);
    },
  );
});
