import type { Adapter, AdapterPayload, ClientMetadata } from 'oidc-provider';

/**
 * Clients registered after an oidc-provider instance was built (freshClient, the admin API, the
 * conformance kit's cases) reach it through its Client adapter: oidc-provider asks the adapter for any
 * client_id its static clients do not hold, then validates the metadata as it does a static client's
 * and keeps the result per metadata. So a registration or a removal needs no new instance, which
 * would cost every request after it the instance's cold start (its clients validated again, its
 * models made anew).
 *
 * `current` is the issuer's client list at the time of the lookup; `stored` is where clients from
 * dynamic registration (RFC 7591) live, which the issuer's list never holds.
 */
export function runTimeClientAdapter(current: () => readonly ClientMetadata[], stored: Adapter): Adapter {
  return {
    async find(id: string) {
      const client = byId(current()).get(id);
      if (!client) return stored.find(id);
      // A copy: oidc-provider keeps what it is given, and the issuer's list is the admin API's to change.
      // It keeps a client per metadata, with the keys it fetched from its jwks_uri: the registration's own
      // number makes the same metadata registered again a new client (keys and sector document fetched
      // anew), as a new instance made it before. oidc-provider drops the field, as any it does not know.
      return { ...structuredClone(client), [REGISTRATION]: registrationOf(client) } as AdapterPayload;
    },
    upsert: (id, payload, expiresIn) => stored.upsert(id, payload, expiresIn),
    destroy: (id) => stored.destroy(id),
    consume: (id) => stored.consume(id),
    findByUid: (uid) => stored.findByUid(uid),
    findByUserCode: (userCode) => stored.findByUserCode(userCode),
    revokeByGrantId: (grantId) => stored.revokeByGrantId(grantId),
  };
}

const REGISTRATION = 'mock-idp registration';
const registrations = new WeakMap<ClientMetadata, number>();
let registered = 0;

function registrationOf(client: ClientMetadata): number {
  let serial = registrations.get(client);
  if (serial === undefined) {
    serial = ++registered;
    registrations.set(client, serial);
  }
  return serial;
}

/**
 * oidc-provider lets a client's registrant read it through dynamic registration management only
 * when the client was not configured; clients the issuer lists were configured, at start or
 * through the admin API, even one that took over the id of a dynamically registered client.
 */
export function keepListedClientsUnmanaged(Client: ClientModel, listed: (id: string) => boolean): void {
  const find = Client.find.bind(Client);
  Client.find = async (id: string) => {
    const client = await find(id);
    if (client && listed(client.clientId) && !('noManage' in client))
      Object.defineProperty(client, 'noManage', { value: true });
    return client;
  };
}

type ClientModel = { find(id: string): Promise<{ clientId: string } | undefined> };

/** Whether the list holds a client of this id. */
export function lists(clients: readonly ClientMetadata[], id: string): boolean {
  return byId(clients).has(id);
}

const indexes = new WeakMap<readonly ClientMetadata[], Map<string, ClientMetadata>>();

/** The list's clients by id; a list is replaced, never changed in place, so its index holds. */
function byId(clients: readonly ClientMetadata[]): Map<string, ClientMetadata> {
  let index = indexes.get(clients);
  if (!index) {
    index = new Map(clients.map((c) => [c.client_id, c]));
    indexes.set(clients, index);
  }
  return index;
}

/**
 * Whether `next` changes a client the instance holds statically (removes or replaces it), which
 * only a new instance can drop: oidc-provider looks its static clients up before the adapter.
 */
export function changesStaticClients(
  built: ReadonlyMap<string, ClientMetadata>,
  next: readonly ClientMetadata[],
): boolean {
  const index = byId(next);
  for (const [id, client] of built) if (index.get(id) !== client) return true;
  return false;
}
