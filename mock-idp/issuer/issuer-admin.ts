import type { ClientMetadata } from 'oidc-provider';
import { toClientMetadata } from '../clients/normalize.js';
import { unknownClientFields } from '../clients/unknown-fields.js';
import { formatIssues } from '../config/load.js';
import { ClientSchema, UserSchema } from '../config/schema.js';
import { AdminInputError } from '../kernel/admin-input-error.js';
import { generateSigningKey, publicJwk } from '../keys/key-set.js';
import type { User } from '../users/user-store.js';
import type { Issuer } from './issuer.js';

// Re-exported so admin callers keep one import for the operations and their error.
export { AdminInputError };

function parse<T>(
  schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  input: unknown,
  what: string,
): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new AdminInputError(`invalid ${what}: ${formatIssues(result.error).join('; ')}`);
  return result.data;
}

/** The list with the client of this id replaced by `client` in its place, or added last, or removed when undefined. */
function withClient(
  clients: readonly ClientMetadata[],
  clientId: string,
  client: ClientMetadata | undefined,
): ClientMetadata[] {
  if (!client) return clients.filter((c) => c.client_id !== clientId);
  const at = clients.findIndex((c) => c.client_id === clientId);
  return at === -1 ? [...clients, client] : clients.with(at, client);
}

/** Adds or replaces a client; oidc-provider validates it, and an invalid one is taken back. */
export async function upsertClient(issuer: Issuer, input: unknown): Promise<ClientMetadata> {
  const client = parse(ClientSchema, input, 'client');
  let metadata: ClientMetadata;
  try {
    metadata = await toClientMetadata(client);
  } catch (cause) {
    throw new AdminInputError(`invalid client "${client.client_id}": ${(cause as Error).message}`);
  }
  const previous = issuer.clients.find((c) => c.client_id === metadata.client_id);
  issuer.setClients(withClient(issuer.clients, metadata.client_id, metadata));
  let problem: string | undefined;
  try {
    const found = await issuer.provider.Client.find(metadata.client_id);
    const unknown = found ? unknownClientFields(metadata, found.metadata()) : [];
    if (unknown.length) problem = `unknown field ${unknown.join(', ')}`;
  } catch (cause) {
    problem = (cause as { error_description?: string; message: string }).error_description ?? (cause as Error).message;
  }
  if (problem) {
    // Only this client goes back: the check may have waited on a fetch while other clients were registered.
    issuer.setClients(withClient(issuer.clients, metadata.client_id, previous));
    throw new AdminInputError(`invalid client "${metadata.client_id}": ${problem}`);
  }
  issuer.changed();
  return metadata;
}

/**
 * Adds one redirect URI to a registered client, keeping the rest of its
 * registration (secrets included, which a whole-client PUT would have to repeat).
 * Returns the client's redirect URIs, or undefined when there is no such client.
 */
export async function addRedirectUri(issuer: Issuer, clientId: string, uri: unknown): Promise<string[] | undefined> {
  const client = issuer.clients.find((c) => c.client_id === clientId);
  if (!client) return undefined;
  const parsed = parse(ClientSchema.shape.redirect_uris.unwrap().element, uri, 'redirect_uri');
  const current = (client.redirect_uris ?? []) as string[];
  if (current.includes(parsed)) return current;
  const updated = { ...client, redirect_uris: [...current, parsed] };
  issuer.setClients(withClient(issuer.clients, clientId, updated));
  try {
    await issuer.provider.Client.find(clientId);
  } catch (cause) {
    issuer.setClients(withClient(issuer.clients, clientId, client));
    throw new AdminInputError(
      `invalid redirect_uri: ` +
        `${(cause as { error_description?: string; message: string }).error_description ?? (cause as Error).message}`,
    );
  }
  issuer.changed();
  return updated.redirect_uris;
}

export function removeClient(issuer: Issuer, clientId: string): boolean {
  const remaining = issuer.clients.filter((c) => c.client_id !== clientId);
  if (remaining.length === issuer.clients.length) return false;
  issuer.setClients(remaining);
  issuer.changed();
  return true;
}

export function upsertUser(issuer: Issuer, input: unknown): User {
  const user = issuer.users.upsert(parse(UserSchema, input, 'user'));
  issuer.ensureClaimNames(Object.keys(user.claims));
  issuer.changed();
  return user;
}

/** Replaces a user's claims; the next token and userinfo carry them. */
export function setClaims(issuer: Issuer, sub: string, claims: unknown): User | undefined {
  const user = issuer.users.get(sub);
  if (!user) return undefined;
  return upsertUser(issuer, { sub, username: user.username, claims });
}

/**
 * Merges into a user's claims (RFC 7396 JSON merge patch, one level: a claim
 * set to null is removed, any other value replaces that claim); the claims not
 * named stay. setClaims replaces them all.
 */
export function mergeClaims(issuer: Issuer, sub: string, patch: Record<string, unknown>): User | undefined {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch))
    throw new AdminInputError('invalid claims: a merge patch must be a JSON object');
  const user = issuer.users.get(sub);
  if (!user) return undefined;
  const claims: Record<string, unknown> = { ...user.claims };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  return upsertUser(issuer, { sub, username: user.username, claims });
}

export function removeUser(issuer: Issuer, sub: string): boolean {
  const removed = issuer.users.remove(sub);
  if (removed) issuer.changed();
  return removed;
}

/**
 * Key rotation as providers do it: the new key is published and signs from now
 * on; the old one stays published (tokens it signed still verify) until retired.
 */
export async function rotateKey(
  issuer: Issuer,
  options: { alg?: string | undefined; retirePrevious?: boolean } = {},
): Promise<{ kid: string; retired: string[] }> {
  const alg = options.alg ?? 'RS256';
  let key;
  try {
    key = await generateSigningKey(alg);
  } catch (cause) {
    throw new AdminInputError(`cannot generate a ${alg} key: ${(cause as Error).message}`);
  }
  const retired = options.retirePrevious ? issuer.keys.filter((k) => k.alg === alg).map((k) => k.kid) : [];
  issuer.keys = [key, ...issuer.keys.filter((k) => !retired.includes(k.kid))];
  issuer.rebuild();
  issuer.changed();
  return { kid: key.kid, retired };
}

export function retireKey(issuer: Issuer, kid: string): boolean {
  const remaining = issuer.keys.filter((k) => k.kid !== kid);
  if (remaining.length === issuer.keys.length) return false;
  if (remaining.length === 0) throw new AdminInputError('cannot retire the last signing key');
  issuer.keys = remaining;
  issuer.rebuild();
  issuer.changed();
  return true;
}

export function publicKeys(issuer: Issuer) {
  return issuer.keys.map((k) => publicJwk(k));
}
