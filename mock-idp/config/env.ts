// The MOCK_IDP_* variables, read without the config's schema (zod): the vitest globalSetup reads them in
// vitest's own process, where loading the schema would delay the first test.
import type { MockIdpConfigInput } from './schema.js';

/** The environment variables mock-idp reads, with the config field each sets. */
export const ENV_VARS = {
  MOCK_IDP_PORT: 'port',
  MOCK_IDP_HOST: 'host',
  MOCK_IDP_PUBLIC_URL: 'publicBaseUrl',
  MOCK_IDP_ADMIN_TOKEN: 'adminToken',
  MOCK_IDP_ALLOWED_HOSTS: 'allowedHosts',
  MOCK_IDP_STORE: 'store',
  MOCK_IDP_LOGIN: 'login',
  MOCK_IDP_PROFILES: 'profiles',
  MOCK_IDP_LOG_LEVEL: 'logLevel',
  MOCK_IDP_LOG_FORMAT: 'logFormat',
} as const satisfies Record<string, keyof MockIdpConfigInput>;

export function configFromEnv(env: NodeJS.ProcessEnv): Partial<MockIdpConfigInput> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (field === 'port') out[field] = /^\d+$/.test(raw) ? Number(raw) : raw;
    else if (field === 'profiles' || field === 'allowedHosts')
      out[field] = raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
    else out[field] = raw;
  }
  return out as Partial<MockIdpConfigInput>;
}
