import { base64url, EncryptJWT, jwtDecrypt } from 'jose';
import { ConfigurationError, CookieStoreError } from './errors.js';
import { type Clock, type StateStore, systemClock } from './state-store.js';

export interface EncryptedCookieStoreOptions {
  /**
   * 32 random bytes (or their base64url form). An array rotates secrets: the
   * first encrypts, all of them decrypt.
   */
  secret: Uint8Array | string | (Uint8Array | string)[];
  /** Cookie name prefix; each stored key becomes one cookie. */
  prefix?: string;
  /** Default true. Turn off only for plain-http development on localhost. */
  secure?: boolean;
  /** Lax (default) lets the cookie ride along the top-level redirect back from the provider. */
  sameSite?: 'Lax' | 'Strict' | 'None';
  path?: string;
  domain?: string;
  /** No cookie lives longer than this, whatever TTL a caller asks for. Default 7 days. */
  maxTtlSeconds?: number;
  clock?: Clock;
}

// Browsers drop cookies over 4096 bytes (name, value and attributes) silently: a larger value (a Keycloak or Entra
// session, whose tokens run to kilobytes) is split over numbered cookies. Past MAX_CHUNKS set() fails loudly, which
// beats a login that never finishes: all of them ride in every request, within the 16 KiB of headers Node's server
// (and most others) accept.
const MAX_COOKIE_BYTES = 4096;
const MAX_CHUNKS = 3;

const DECRYPT_OPTIONS = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] };

function secretBytes(secret: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = typeof secret === 'string' ? base64url.decode(secret) : secret;
  } catch (cause) {
    throw new ConfigurationError('cookie secret: a string secret must be base64url', { cause });
  }
  if (bytes.length !== 32)
    throw new ConfigurationError(`cookie secret must be 32 bytes (A256GCM), got ${bytes.length}`);
  return bytes;
}

function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    // The first cookie of a name wins, as in browsers' most-specific-path-first order.
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * A StateStore kept in the browser: each key is one cookie whose value is a
 * JWT encrypted with dir + A256GCM, so the user can neither read the PKCE
 * verifier nor forge a session. Framework-neutral: read the request's Cookie
 * header with fromCookieHeader(), use the returned store for that request,
 * then send its setCookieHeaders() as Set-Cookie.
 */
export class EncryptedCookieStore {
  readonly #secrets: Uint8Array[];
  readonly #prefix: string;
  readonly #attributes: string;
  readonly #maxTtl: number;
  readonly #clock: Clock;

  constructor(options: EncryptedCookieStoreOptions) {
    const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
    if (secrets.length === 0) throw new ConfigurationError('cookie secret: at least one is required');
    this.#secrets = secrets.map(secretBytes);
    this.#prefix = options.prefix ?? 'rp';
    if (!/^[A-Za-z0-9_-]+$/.test(this.#prefix))
      throw new ConfigurationError('cookie prefix must be letters, digits, - or _');
    const sameSite = options.sameSite ?? 'Lax';
    const secure = options.secure ?? true;
    if (sameSite === 'None' && !secure) throw new ConfigurationError('SameSite=None cookies must be Secure');
    this.#attributes = [
      `Path=${options.path ?? '/'}`,
      ...(options.domain ? [`Domain=${options.domain}`] : []),
      'HttpOnly',
      ...(secure ? ['Secure'] : []),
      `SameSite=${sameSite}`,
    ].join('; ');
    this.#maxTtl = options.maxTtlSeconds ?? 7 * 24 * 3600;
    if (!(this.#maxTtl > 0)) throw new ConfigurationError('maxTtlSeconds must be positive');
    this.#clock = options.clock ?? systemClock;
  }

  /** A store for one request, reading the cookies it came with. */
  fromCookieHeader(cookieHeader: string | null | undefined): CookieStateStore {
    return new CookieStateStore(this, parseCookieHeader(cookieHeader));
  }

  /** @internal */
  cookieName(key: string): string {
    // Keys like "session:alice" hold characters a cookie name cannot.
    return `${this.#prefix}.${base64url.encode(key)}`;
  }

  /** @internal Every cookie name a key's value may occupy: whole, or split in numbered chunks. */
  cookieNames(key: string): string[] {
    const name = this.cookieName(key);
    return [name, ...Array.from({ length: MAX_CHUNKS }, (_, index) => `${name}.${index}`)];
  }

  /** @internal The Set-Cookie values that hold the value: one cookie, or its chunks in order. */
  async seal(key: string, value: unknown, ttlSeconds: number): Promise<{ name: string; cookie: string }[]> {
    const now = Math.floor(this.#clock() / 1000);
    const maxAge = Math.max(1, Math.min(Math.floor(ttlSeconds), this.#maxTtl));
    // The key is sealed in, so a cookie cannot be replayed under another name.
    const jwt = await new EncryptJWT({ k: key, v: value })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt(now)
      .setExpirationTime(now + maxAge)
      .encrypt(this.#secrets[0]!);
    const name = this.cookieName(key);
    const attributes = `; Max-Age=${maxAge}; ${this.#attributes}`;
    const whole = `${name}=${jwt}${attributes}`;
    if (Buffer.byteLength(whole) <= MAX_COOKIE_BYTES) return [{ name, cookie: whole }];
    // A compact JWE is ASCII: its length is its byte count.
    const room = MAX_COOKIE_BYTES - Buffer.byteLength(`${name}.${MAX_CHUNKS - 1}=${attributes}`);
    const chunks = Math.ceil(jwt.length / room);
    if (chunks > MAX_CHUNKS)
      throw new CookieStoreError(
        'cookie_too_large',
        `the "${key}" value would take ${chunks} cookies of ${MAX_COOKIE_BYTES} bytes (${jwt.length} bytes sealed); ` +
          `at most ${MAX_CHUNKS} fit in a request's headers: keep it in a server-side StateStore`,
      );
    return Array.from({ length: chunks }, (_, index) => ({
      name: `${name}.${index}`,
      cookie: `${name}.${index}=${jwt.slice(index * room, (index + 1) * room)}${attributes}`,
    }));
  }

  /** @internal The sealed value as the request carried it, whole or joined from its chunks. */
  sealedIn(cookies: ReadonlyMap<string, string>, key: string): string | undefined {
    const [whole, ...chunkNames] = this.cookieNames(key);
    const single = cookies.get(whole!);
    if (single) return single;
    const chunks: string[] = [];
    for (const name of chunkNames) {
      const chunk = cookies.get(name);
      if (!chunk) break;
      chunks.push(chunk);
    }
    // A chunk missing or out of place leaves a JWE that no longer decrypts: the value is absent.
    return chunks.length ? chunks.join('') : undefined;
  }

  /** @internal Undefined for anything not sealed by us, for this key, and still fresh. */
  async open(key: string, sealed: string): Promise<unknown> {
    for (const secret of this.#secrets) {
      try {
        const { payload } = await jwtDecrypt(sealed, secret, {
          ...DECRYPT_OPTIONS,
          currentDate: new Date(this.#clock()),
          // Bounded even if a cookie was sealed with a longer TTL by an older configuration.
          maxTokenAge: this.#maxTtl,
          requiredClaims: ['iat', 'exp'],
        });
        return payload.k === key ? payload.v : undefined;
      } catch {
        // Try the next secret; a cookie no secret opens is treated as absent.
      }
    }
    return undefined;
  }

  /** @internal */
  expiredCookie(name: string): string {
    return `${name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${this.#attributes}`;
  }
}

/** The StateStore of one request; collect its Set-Cookie headers at the end of the request. */
export class CookieStateStore implements StateStore {
  readonly #owner: EncryptedCookieStore;
  readonly #incoming: Map<string, string>;
  // What this request changed: a value and the cookies that hold it (set), or null (deleted). Reads see these first.
  readonly #changes = new Map<string, { value: unknown; cookies: { name: string; cookie: string }[] } | null>();

  constructor(owner: EncryptedCookieStore, incoming: Map<string, string>) {
    this.#owner = owner;
    this.#incoming = incoming;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const change = this.#changes.get(key);
    if (change !== undefined) return change === null ? undefined : (structuredClone(change.value) as T);
    const sealed = this.#owner.sealedIn(this.#incoming, key);
    if (!sealed) return undefined;
    return (await this.#owner.open(key, sealed)) as T | undefined;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const cookies = await this.#owner.seal(key, value, ttlSeconds);
    this.#changes.set(key, { value: JSON.parse(JSON.stringify(value)) as unknown, cookies });
  }

  async delete(key: string): Promise<void> {
    this.#changes.set(key, null);
  }

  /**
   * Set-Cookie header values for everything this request set or deleted, each key's stale cookies expired with it.
   * A chunked value expires every other name of its key, whether this request carried it or not: a response to a
   * concurrent request may have left the browser a whole cookie, which reads first, or a chunk past this value's
   * last. A whole cookie reads first, so it needs to expire only the chunks the request carried.
   */
  setCookieHeaders(): string[] {
    return [...this.#changes].flatMap(([key, change]) => {
      const [whole, ...chunks] = this.#owner.cookieNames(key);
      const written = change?.cookies ?? [];
      const chunked = written.length > 1;
      const stale = [whole!, ...chunks].filter(
        (name) =>
          !written.some((c) => c.name === name) &&
          (this.#incoming.has(name) || (name === whole && change === null) || chunked),
      );
      return [...written.map((c) => c.cookie), ...stale.map((name) => this.#owner.expiredCookie(name))];
    });
  }
}
