/**
 * The runner's slots for cases in flight: as many as the concurrency, one for a
 * client whose registration is fixed (its client_id carries one scenario at a
 * time). A case holds a slot while it acts on the client and gives it back
 * while it only waits (a key rotation waiting out the client's JWKS refetch
 * allowance), so the wait overlaps other cases instead of adding to the run.
 */
export class Lane {
  #free: number;
  readonly #queue: { first: boolean; take: () => void }[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  /** Resolves once the caller holds a slot; `first` goes ahead of callers that are not (a rotation near its end). */
  acquire(first = false): Promise<void> {
    if (this.#free > 0 && this.#queue.length === 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((take) => {
      const at = first ? this.#queue.findIndex((entry) => !entry.first) : -1;
      this.#queue.splice(at === -1 ? this.#queue.length : at, 0, { first, take });
    });
  }

  release(): void {
    const next = this.#queue.shift();
    if (next) next.take();
    else this.#free += 1;
  }
}
