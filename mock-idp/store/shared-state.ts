import type { Redis } from 'ioredis';
import type { ClientMetadata } from 'oidc-provider';
import type { SigningKey } from '../keys/key-set.js';
import type { User } from '../users/user-store.js';

/** What of an issuer can change at run time, as every replica must see it. */
export interface IssuerSnapshot {
  clients: readonly ClientMetadata[];
  users: User[];
  defaultUser?: string | undefined;
  keys: SigningKey[];
  clockOffset: number;
  /** client_id to scenario name. */
  armed: Record<string, string>;
}

export interface SnapshotOwner {
  snapshot(): IssuerSnapshot;
  applySnapshot(snapshot: IssuerSnapshot): void;
}

/**
 * An issuer's run-time state (clients and users added through the admin API,
 * rotated keys, armed scenarios, the clock offset) kept in Redis with a version
 * counter. A change publishes a new version; every request first compares the
 * counter (one GET) and applies a newer snapshot, so a key rotated on one
 * replica signs on the others from their next request, and a restart finds it.
 */
export class SharedState {
  #applied = 0;
  #pending: Promise<void> = Promise.resolve();

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  get #versionKey() {
    return `${this.prefix}state:version`;
  }
  get #stateKey() {
    return `${this.prefix}state`;
  }

  /** Publishes the owner's state; awaited by the admin API before it answers. */
  publish(owner: SnapshotOwner): Promise<void> {
    const snapshot = owner.snapshot();
    this.#pending = this.#pending
      .catch(() => undefined)
      .then(async () => {
        const version = await this.redis.incr(this.#versionKey);
        await this.redis.set(this.#stateKey, JSON.stringify({ ...snapshot, version }));
        this.#applied = Math.max(this.#applied, version);
      });
    return this.#pending;
  }

  /** Waits for the last publish; rejects when it failed. */
  settled(): Promise<void> {
    return this.#pending;
  }

  /** Applies a newer snapshot, if another replica (or a run before a restart) published one. */
  async refresh(owner: SnapshotOwner): Promise<void> {
    const version = Number((await this.redis.get(this.#versionKey)) ?? 0);
    if (version <= this.#applied) return;
    const text = await this.redis.get(this.#stateKey);
    if (!text) return;
    const state = JSON.parse(text) as IssuerSnapshot & { version: number };
    if (state.version <= this.#applied) return;
    this.#applied = state.version;
    owner.applySnapshot(state);
  }

  /** Forgets the published state (a reset): replicas go back to their configuration. */
  async forget(owner: SnapshotOwner): Promise<void> {
    await this.publish(owner);
  }
}
