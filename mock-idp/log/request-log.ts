import type { DecodedToken } from './decoded-tokens.js';
import type { DecodedAssertion, Params } from './mask.js';

/** What a faulted response carried, as a report shows it: decoded, credentials masked, long values cut. */
export interface ServedFault {
  target: string;
  /** A faulted JWT, decoded (its signature is not shown). */
  token?: { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined;
  /** Parameters or members of the faulted answer. */
  values?: Record<string, unknown> | undefined;
}

/** What mock-idp saw of one request: the evidence tests and the conformance kit assert on. */
export interface RequestRecord {
  id: number;
  time: string;
  method: string;
  path: string;
  /** Name of the issuer that served it, when one did. */
  issuer?: string | undefined;
  /** Route name, e.g. "token", "authorization", "userinfo", "jwks", "discovery", "interaction". */
  route?: string | undefined;
  clientId?: string | undefined;
  /** Client authentication as presented: the method used and, for JWT methods, the decoded assertion. */
  clientAuth?: { method?: string | undefined; assertion?: DecodedAssertion | undefined } | undefined;
  query: Params;
  /** Parsed body parameters (form or JSON), secrets masked. */
  body: Params;
  bodyType: 'none' | 'form' | 'json' | 'other';
  headers: Record<string, string>;
  status?: number | undefined;
  durationMs?: number | undefined;
  /** OAuth error code of the response, if it was an error. */
  error?: string | undefined;
  /**
   * The targets of the scenario faults this response carried (id_token,
   * token_response, jwks, ...): the proof that a fault was served, set only
   * where the response was a success before the fault changed it.
   */
  faults?: string[] | undefined;
  /** What those faulted responses carried, decoded and masked: what a report shows as served. */
  served?: ServedFault[] | undefined;
  /** The error_description of an error response: often the rule the request broke. */
  errorDescription?: string | undefined;
  /** JWTs the request carried or its response issued, decoded without their signatures. */
  tokens?: DecodedToken[] | undefined;
  /** Free-form markers set by quirks and scenarios. */
  notes?: string[] | undefined;
  /** Which replica served it, in the merged log of a shared (Redis) store. */
  replica?: string | undefined;
}

export interface RequestLogFilter {
  issuer?: string | undefined;
  route?: string | undefined;
  clientId?: string | undefined;
  sinceId?: number | undefined;
}

/** A bounded ring of recent requests: old entries drop off, memory stays flat. */
export class RequestLog {
  readonly #entries: RequestRecord[] = [];
  readonly #finished = new Set<(record: RequestRecord) => void>();
  #nextId = 1;

  constructor(readonly capacity: number) {}

  open(partial: Omit<RequestRecord, 'id'>): RequestRecord {
    const record: RequestRecord = { id: this.#nextId++, ...partial };
    if (this.capacity === 0) return record;
    this.#entries.push(record);
    // shift(), not splice(0, 1): V8 drops an array's first element in place, where splice
    // copies the other entries down, which cost more than the rest of the record on a full log.
    while (this.#entries.length > this.capacity) this.#entries.shift();
    return record;
  }

  list(filter: RequestLogFilter = {}): RequestRecord[] {
    return this.#entries.filter(
      (r) =>
        (filter.issuer === undefined || r.issuer === filter.issuer) &&
        (filter.route === undefined || r.route === filter.route) &&
        (filter.clientId === undefined || r.clientId === filter.clientId) &&
        (filter.sinceId === undefined || r.id > filter.sinceId),
    );
  }

  clear(filter: Pick<RequestLogFilter, 'issuer' | 'clientId'> = {}): number {
    const before = this.#entries.length;
    const keep = this.#entries.filter(
      (r) =>
        !(
          (filter.issuer === undefined || r.issuer === filter.issuer) &&
          (filter.clientId === undefined || r.clientId === filter.clientId)
        ),
    );
    this.#entries.splice(0, this.#entries.length, ...keep);
    return before - keep.length;
  }

  /** Called once a record's response has been sent: live views (the console's stream) hear of it then. */
  finish(record: RequestRecord): void {
    for (const listener of this.#finished) listener(record);
  }

  /** Hears of every finished request until the returned function is called. */
  onFinish(listener: (record: RequestRecord) => void): () => void {
    this.#finished.add(listener);
    return () => {
      this.#finished.delete(listener);
    };
  }

  /** The id of the newest record: pass it as sinceId to see only what follows. */
  get lastId(): number {
    return this.#nextId - 1;
  }
}
