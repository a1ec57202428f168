import type { JWK } from 'jose';
import { JwksError } from './errors.js';
import { FETCH_ANY, LISTED } from './flaws.js';
import { type BufferedResponse, bodyText, type Http } from './http.js';
import { selectVerificationKeys } from './jwk-selection.js';
import { type Clock, systemClock } from './state-store.js';

export interface JwksCacheOptions {
  http: Http;
  jwksUri: () => Promise<string>;
  clock?: Clock;
  /**
   * At most one refetch for an unknown kid per this many ms. A provider that
   * rotates is picked up at once; a flood of tokens with made-up kids costs
   * the provider one request per interval, not one per token.
   */
  refetchIntervalMs?: number;
  /** A cached JWKS older than this is refetched on next use, so retired keys stop working. */
  maxAgeMs?: number;
  /** @internal The 'jwks-cached-forever' flaw: the first JWKS is kept whatever comes. */
  neverRefetch?: boolean;
}

interface Snapshot {
  keys: JWK[];
  fetchedAt: number;
}

/** One provider's signing keys, fetched lazily and refetched on rotation. */
export class JwksCache {
  readonly #options: JwksCacheOptions;
  readonly #clock: Clock;
  readonly #refetchInterval: number;
  readonly #maxAge: number;
  #snapshot: Snapshot | undefined;
  #inflight: Promise<Snapshot> | undefined;
  #lastUnknownKidRefetch = Number.NEGATIVE_INFINITY;
  /** How many times the JWKS was requested: observable for tests and metrics. */
  fetchCount = 0;

  constructor(options: JwksCacheOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#refetchInterval = options.refetchIntervalMs ?? 10_000;
    this.#maxAge = options.neverRefetch ? Infinity : (options.maxAgeMs ?? 10 * 60_000);
  }

  /** Keys fitting the header, after at most one rate-limited refetch when none fit. */
  async candidates(header: { alg: string; kid?: string | undefined }): Promise<JWK[]> {
    const before = this.#snapshot;
    let snapshot = await this.#current();
    let found = selectVerificationKeys(snapshot.keys, header);
    const justFetched = snapshot !== before;
    if (
      found.length === 0 &&
      !justFetched &&
      !this.#options.neverRefetch &&
      this.#clock() - this.#lastUnknownKidRefetch >= this.#refetchInterval
    ) {
      this.#lastUnknownKidRefetch = this.#clock();
      snapshot = await this.#fetch();
      found = selectVerificationKeys(snapshot.keys, header);
    }
    return found;
  }

  async [LISTED](): Promise<readonly JWK[]> {
    return (await this.#current()).keys;
  }

  /** Whatever a URL answers, through the cache's bounded HTTP. */
  [FETCH_ANY](url: string): Promise<BufferedResponse> {
    return this.#options.http.request(url);
  }

  async #current(): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    if (snapshot && this.#clock() - snapshot.fetchedAt < this.#maxAge) return snapshot;
    return this.#fetch();
  }

  // Concurrent callers share one request.
  #fetch(): Promise<Snapshot> {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #load(): Promise<Snapshot> {
    const uri = await this.#options.jwksUri();
    this.fetchCount++;
    let response;
    try {
      response = await this.#options.http.request(uri, {
        headers: { accept: 'application/jwk-set+json, application/json' },
      });
    } catch (cause) {
      throw new JwksError('jwks_unavailable', `the JWKS at ${uri} cannot be fetched`, { cause });
    }
    if (response.status !== 200) {
      throw new JwksError('jwks_unavailable', `the JWKS at ${uri} answered HTTP ${response.status}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText(response));
    } catch (cause) {
      throw new JwksError('jwks_invalid', `the JWKS at ${uri} is not JSON`, { cause });
    }
    const keys = (parsed as { keys?: unknown } | null)?.keys;
    if (
      !Array.isArray(keys) ||
      !keys.every((key) => key !== null && typeof key === 'object' && typeof (key as JWK).kty === 'string')
    ) {
      throw new JwksError('jwks_invalid', `the JWKS at ${uri} is not a JWK Set`);
    }
    this.#snapshot = { keys: keys as JWK[], fetchedAt: this.#clock() };
    return this.#snapshot;
  }
}
