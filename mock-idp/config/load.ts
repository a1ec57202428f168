import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type * as z from 'zod';
import { configFromEnv } from './env.js';
import { ConfigSchema, type MockIdpConfig, type MockIdpConfigInput } from './schema.js';

export { configFromEnv, ENV_VARS } from './env.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length ? `${message}\n${issues.map((i) => `  - ${i}`).join('\n')}` : message);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    '',
  );
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
}

export function validateConfig(input: unknown, source = 'configuration'): MockIdpConfig {
  const result = ConfigSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(`Invalid ${source}:`, formatIssues(result.error));
  return result.data;
}

/**
 * yaml is loaded only for YAML files, to keep it off the start-up path. Bundled,
 * the CommonJS module arrives under `default`; unbundled, its named export works.
 */
async function yamlParser(): Promise<(text: string) => unknown> {
  const mod = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  return mod.parse ?? mod.default!.parse;
}

export async function readConfigFile(file: string): Promise<MockIdpConfigInput> {
  let text: string;
  try {
    // Editors on Windows save JSON with a byte-order mark, which JSON.parse refuses.
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (cause) {
    throw new ConfigError(`Cannot read config file ${file}: ${(cause as Error).message}`);
  }
  try {
    const parsed: unknown = extname(file) === '.json' ? JSON.parse(text) : (await yamlParser())(text);
    if (parsed !== null && typeof parsed !== 'object') throw new Error('the top level must be a mapping');
    return (parsed ?? {}) as MockIdpConfigInput;
  } catch (cause) {
    throw new ConfigError(`Cannot parse config file ${file}: ${(cause as Error).message}`);
  }
}

/** Defaults < file < environment < explicit overrides (CLI flags or code), then validated once. */
export async function loadConfig(
  options: {
    file?: string | undefined;
    env?: NodeJS.ProcessEnv | undefined;
    defaults?: Partial<MockIdpConfigInput>;
    overrides?: Partial<MockIdpConfigInput>;
  } = {},
): Promise<MockIdpConfig> {
  const fromFile = options.file ? await readConfigFile(options.file) : {};
  const fromEnv = options.env ? configFromEnv(options.env) : {};
  const merged = { ...options.defaults, ...fromFile, ...fromEnv, ...stripUndefined(options.overrides ?? {}) };
  return validateConfig(merged, options.file ? `config (${options.file})` : 'configuration');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
