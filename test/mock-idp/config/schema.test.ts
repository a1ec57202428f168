import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configJsonSchema, loadConfig, type MockIdp } from '../../../mock-idp/index.js';
import { runCli } from '../../helpers/cli.js';
import { startTestIdp } from '../../helpers/idp.js';

const schemaFile = new URL('../../../fixtures/config/mock-idp.schema.json', import.meta.url);
const exampleFile = fileURLToPath(new URL('../../../fixtures/config/example.yaml', import.meta.url));
const started: MockIdp[] = [];
afterAll(() => Promise.all(started.map((i) => i.close())));

describe('config JSON Schema', () => {
  it('is generated from the validator and the published copy is current', async () => {
    const published = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    expect(published).toEqual(configJsonSchema());
    const printed = await runCli(['schema']);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(published);
  });

  it('describes every top-level and issuer option', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { items?: { properties?: Record<string, unknown> } }>;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'port',
        'host',
        'publicBaseUrl',
        'adminToken',
        'login',
        'issuers',
        'storeSize',
        'limits',
      ]),
    );
    expect(Object.keys(schema.properties.issuers!.items!.properties!)).toEqual(
      expect.arrayContaining(['name', 'profile', 'path', 'clients', 'users', 'keys', 'lenient', 'ttl', 'features']),
    );
  });
});

describe('the example config', () => {
  it('sets every option the schema knows and starts', async () => {
    const config = await loadConfig({ file: exampleFile });
    const topLevel = Object.keys((configJsonSchema() as { properties: Record<string, unknown> }).properties).filter(
      (k) => k !== '$schema',
    );
    for (const key of topLevel) expect(config, key).toHaveProperty(key);
    const idp = await startTestIdp({ configFile: exampleFile, port: 0, logLevel: 'silent' });
    started.push(idp);
    expect(Object.keys(idp.issuers)).toEqual(['acme', 'acme-stitch', 'stitch-real-host']);
    expect(idp.issuers['stitch-real-host']).toBe('https://secure.stitch.money');
    expect(idp.issuers.acme).toBe('http://localhost:9400/acme');
  });
});
