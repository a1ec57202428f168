import { type Clock, type StateStore, systemClock } from './state-store.js';

interface Entry {
  json: string;
  expiresAt: number;
}

/**
 * A StateStore in process memory, for one server process and for tests.
 * Values are stored as JSON so a caller mutating what it got back cannot
 * change the stored copy, and so it behaves like a store that serialises.
 */
export class MemoryStateStore implements StateStore {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(options: { clock?: Clock; maxEntries?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    // Bounded, so a flood of start() calls cannot exhaust memory.
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock()) {
      this.#entries.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json) as T;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.#entries.delete(key); // re-insert so Map order stays oldest-first
    if (this.#entries.size >= this.#maxEntries) this.#evict();
    this.#entries.set(key, { json: JSON.stringify(value), expiresAt: this.#clock() + ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #evict(): void {
    const now = this.#clock();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
    // Still full: drop the oldest writes, as an LRU would.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
