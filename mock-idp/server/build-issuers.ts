import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { toClientMetadata } from '../clients/normalize.js';
import { ConfigError, formatIssues } from '../config/load.js';
import { ClientSchema, type IssuerConfig, IssuerSchema, type MockIdpConfig, UserSchema } from '../config/schema.js';
import { Issuer, type ModelStore } from '../issuer/issuer.js';
import type { Profile } from '../kernel/plugin-types.js';
import { loadKeys } from '../keys/key-set.js';
import type { Logger } from '../log/logger.js';
import { fixturePath } from '../paths.js';
import { builtinProfiles, findProfile, profileNames } from '../profiles/index.js';
import { UserStore } from '../users/user-store.js';

async function readFixture<T>(kind: 'clients' | 'users', name: string, schema: z.ZodType<T>): Promise<T[]> {
  const file = fixturePath(kind, `${name}.json`);
  const parsed = z.array(schema).safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new ConfigError(`Invalid fixture ${file}:`, formatIssues(parsed.error));
  return parsed.data;
}

/** The issuers to serve: the config's list, or every (selected) profile at its default path. */
export function resolveIssuerConfigs(config: MockIdpConfig): IssuerConfig[] {
  if (config.issuers?.length) return config.issuers;
  const selected = config.profiles?.length ? config.profiles : profileNames();
  const unknown = selected.filter((name) => !findProfile(name));
  if (unknown.length) {
    throw new ConfigError(`Unknown profile(s): ${unknown.join(', ')}. Available: ${profileNames().join(', ')}`);
  }
  return builtinProfiles
    .filter((p) => selected.includes(p.name))
    .map((p) => IssuerSchema.parse({ name: p.name, profile: p.name }));
}

/**
 * An issuer's identifier: where it is mounted and the profile's suffix (Entra's /v2.0). A host-bound issuer
 * (https://<host><path>) at the root keeps the profile's trailing slash (Auth0's https://tenant.auth0.com/).
 */
export function issuerIdentifier(origin: string, path: string, profile: Profile, host?: string): string {
  const rootSuffix = host && profile.defaultPath.endsWith('/') ? '/' : '';
  return `${origin}${path === '/' ? rootSuffix : path}${profile.issuerSuffix ?? ''}`;
}

/**
 * Every built-in profile's issuer as mock-idp serves it with no config, after its base URL, in banner order.
 * The build writes them to dist/integrations/default-issuers.json: the package's vitest globalSetup provides
 * the issuers from there while the server is still loading.
 */
export function defaultIssuerPaths(): { name: string; path: string }[] {
  return builtinProfiles.map((profile) => ({
    name: profile.name,
    path: issuerIdentifier('', profile.defaultPath, profile),
  }));
}

/** Paths the server answers itself, ahead of any issuer. */
const RESERVED = ['/_admin', '/health', '/healthz'];

/**
 * How the dispatcher tells mounts apart: repeated and trailing slashes do not count, and case is folded for the check.
 */
const pathKey = (path: string) =>
  path
    .replace(/\/{2,}/g, '/')
    .replace(/\/$/, '')
    .toLowerCase();

function checkUnique(issuers: IssuerConfig[], paths: string[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  issuers.forEach((issuer, i) => {
    if (names.has(issuer.name)) problems.push(`issuers[${i}].name: "${issuer.name}" is used twice`);
    names.add(issuer.name);
  });
  const seen = new Map<string, number>();
  paths.forEach((path, i) => {
    const host = issuers[i]!.host ?? '';
    const key = `${host}${pathKey(path)}`;
    const other = seen.get(key);
    if (other !== undefined) {
      problems.push(
        `issuers[${i}].path: "${path}" is already used by issuers[${other}] ("${paths[other]}"; ` +
          `slashes and case aside)`,
      );
    }
    seen.set(key, i);
    const shadowed = RESERVED.find((r) => key === r || (r === '/_admin' && key.startsWith('/_admin/')));
    if (!host && shadowed) problems.push(`issuers[${i}].path: "${path}" is hidden behind mock-idp's own ${shadowed}`);
  });
  issuers.forEach((issuer, i) => {
    const subs = new Set<string>();
    for (const user of [...(issuer.users ?? []), ...issuer.extraUsers]) {
      if (subs.has(user.sub)) problems.push(`issuers[${i}] (${issuer.name}): user sub "${user.sub}" is listed twice`);
      subs.add(user.sub);
    }
    const ids = new Set<string>();
    for (const client of [...(issuer.clients ?? []), ...issuer.extraClients]) {
      if (ids.has(client.client_id))
        problems.push(`issuers[${i}] (${issuer.name}): client_id "${client.client_id}" is listed twice`);
      ids.add(client.client_id);
    }
  });
  if (problems.length) throw new ConfigError('Invalid configuration:', problems);
}

/**
 * @param configFile the file the config came from, named in errors about what it registers
 * @param modelStoreFor a shared store (Redis) for each issuer's oidc-provider entities; memory when absent
 */
export async function buildIssuers(
  config: MockIdpConfig,
  publicBaseUrl: string,
  logger: Logger,
  configFile?: string,
  modelStoreFor?: (name: string) => ModelStore,
): Promise<Issuer[]> {
  const issuerConfigs = resolveIssuerConfigs(config);
  const origin = new URL(publicBaseUrl).origin;
  const profiles = issuerConfigs.map((c, i) => {
    const profile = findProfile(c.profile);
    if (!profile)
      throw new ConfigError('Invalid configuration:', [
        `issuers[${i}].profile: unknown profile "${c.profile}" (available: ${profileNames().join(', ')})`,
      ]);
    return profile;
  });
  const paths = issuerConfigs.map((c, i) => c.path ?? (c.host ? '/' : profiles[i]!.defaultPath));
  checkUnique(issuerConfigs, paths);
  // A configured issuer may bring its own clients, keys and features, so it is built and
  // checked now: a bad registration fails start-up. A shipped profile with its shipped
  // fixtures is checked by this package's tests, and is built at its first request.
  const verify = Boolean(config.issuers?.length);
  // Resolved issuers of a profile list are not in the config: their clients come from fixtures only.
  const where = (i: number) => (config.issuers?.length ? { index: i, file: configFile } : undefined);
  return Promise.all(
    issuerConfigs.map((c, i) =>
      buildIssuer(c, profiles[i]!, paths[i]!, origin, config, logger, verify, where(i), modelStoreFor?.(c.name)),
    ),
  );
}

/**
 * Where each client of an issuer was registered, for errors: "issuers[0].clients[1] in mock-idp.yaml", or a fixture
 * file.
 */
async function readClients(
  config: IssuerConfig,
  profile: Profile,
  where: { index: number; file?: string | undefined } | undefined,
) {
  const inConfig = (field: string, j: number) => {
    const at = where ? `issuers[${where.index}].${field}[${j}]` : `${field}[${j}]`;
    return where?.file ? `${at} in ${where.file}` : at;
  };
  const fixtureFile = fixturePath('clients', `${profile.fixture}.json`);
  const base = config.clients
    ? config.clients.map((client, j) => ({ client, source: inConfig('clients', j) }))
    : (await readFixture('clients', profile.fixture, ClientSchema)).map((client, j) => ({
        client,
        source: `${fixtureFile}[${j}]`,
      }));
  return [...base, ...config.extraClients.map((client, j) => ({ client, source: inConfig('extraClients', j) }))];
}

/**
 * Runs one step of building an issuer: a failure becomes a start-up error naming the issuer (and what it was reading).
 */
async function rewrap<T>(issuerName: string, run: () => T | Promise<T>, what?: string): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new ConfigError(`Issuer ${issuerName}: ${what ? `${what}: ` : ''}${(cause as Error).message}`);
  }
}

async function buildIssuer(
  config: IssuerConfig,
  profile: Profile,
  path: string,
  origin: string,
  global: MockIdpConfig,
  logger: Logger,
  verify: boolean,
  where?: { index: number; file?: string | undefined },
  modelStore?: ModelStore,
): Promise<Issuer> {
  const mountPath = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  const issuerOrigin = config.host ? `https://${config.host}` : origin;
  const issuer = issuerIdentifier(issuerOrigin, path, profile, config.host);
  const registered = await readClients(config, profile, where);
  const sourceOf = (clientId: string) => registered.find((r) => r.client.client_id === clientId)?.source;
  const users = [...(config.users ?? (await readFixture('users', profile.fixture, UserSchema))), ...config.extraUsers];
  const defaultUser =
    config.defaultUser ?? (users.some((u) => u.sub === profile.defaultUser) ? profile.defaultUser : undefined);
  const metadata = await Promise.all(
    registered.map(({ client, source }) =>
      rewrap(config.name, () => toClientMetadata(client), `client "${client.client_id}" (${source}) could not be read`),
    ),
  );
  const store = await rewrap(config.name, () => new UserStore(users, defaultUser));
  const keys = await rewrap(config.name, () => loadKeys(config.keys ?? { set: profile.keySet }));
  return rewrap(config.name, async () => {
    const built = new Issuer({
      config,
      profile,
      issuer,
      mountPath,
      publicOrigin: issuerOrigin,
      adminUrl: `${origin}/_admin`,
      clients: metadata,
      users: store,
      keys,
      loginMode: config.login ?? global.login,
      storeSize: global.storeSize,
      limits: global.limits,
      logger,
      modelStore,
    });
    if (verify) await built.verifyClients(sourceOf);
    return built;
  });
}
