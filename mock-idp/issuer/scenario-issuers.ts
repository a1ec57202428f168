import { LRUCache } from 'lru-cache';
import type { ClientMetadata } from 'oidc-provider';
import type { SigningKey } from '../keys/key-set.js';
import { findScenario, type Scenario } from '../scenarios/index.js';

/** What the parent issuer hands its scenario issuers: they serve its clients and keys. */
export interface ScenarioChild {
  keys: SigningKey[];
  /** Rebuilt at the next request. */
  invalidate(): void;
  /** Replaces the clients, rebuilding only when a client the child was built with changes. */
  setClients(clients: readonly ClientMetadata[]): void;
}

/**
 * The issuers at <issuer>/s/<scenario>, or <issuer>/s/<scenario>~<instance>, of
 * one parent, made on first use by `make`. Instances are made per test run, so
 * they are bounded: the oldest unused go.
 */
export class ScenarioIssuers<T extends ScenarioChild> {
  readonly #children: LRUCache<string, T>;

  /**
   * @param make builds the child for a scenario the parent can serve
   * @param offered whether the parent can serve the scenario on a scenario issuer URL
   * @param max how many children are kept (limits.scenarioCopies)
   */
  constructor(
    private readonly make: (segment: string, scenario: Scenario) => T,
    private readonly offered: (scenario: Scenario) => boolean,
    max: number,
  ) {
    this.#children = new LRUCache<string, T>({ max });
  }

  get(segment: string): T | undefined {
    const existing = this.#children.get(segment);
    if (existing) return existing;
    const scenario = findScenario(segment.split('~')[0]!);
    if (!scenario || !this.offered(scenario)) return undefined;
    const child = this.make(segment, scenario);
    this.#children.set(segment, child);
    return child;
  }

  release(segment: string): boolean {
    return this.#children.delete(segment);
  }

  clear(): void {
    this.#children.clear();
  }

  /**
   * Children serve the parent's clients and keys: they follow every change at
   * their next request, so registering a client does not rebuild dozens of them.
   */
  /** A change of the parent's clients alone: children not built with the changed clients keep their instance. */
  followClients(clients: readonly ClientMetadata[]): void {
    for (const child of this.#children.values()) child.setClients(clients);
  }

  follow(clients: readonly ClientMetadata[], keys: SigningKey[]): void {
    for (const child of this.#children.values()) {
      child.setClients(clients);
      child.keys = keys;
      child.invalidate();
    }
  }
}
