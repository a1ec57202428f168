import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, CookieStoreError, EncryptedCookieStore, MemoryStateStore } from '../../client/index.js';

describe('MemoryStateStore', () => {
  it('gets, sets, deletes and expires by TTL', async () => {
    let now = 1_000_000;
    const store = new MemoryStateStore({ clock: () => now });
    await store.set('a', { state: 'x' }, 10);
    expect(await store.get('a')).toEqual({ state: 'x' });
    now += 9_999;
    expect(await store.get('a')).toEqual({ state: 'x' });
    now += 1;
    expect(await store.get('a')).toBeUndefined();
    await store.set('b', 1, 10);
    await store.delete('b');
    expect(await store.get('b')).toBeUndefined();
  });

  it('hands out copies, and stays within its bound', async () => {
    const store = new MemoryStateStore({ maxEntries: 2 });
    await store.set('a', { n: 1 }, 60);
    (await store.get<{ n: number }>('a'))!.n = 2;
    expect(await store.get('a')).toEqual({ n: 1 });
    await store.set('b', 2, 60);
    await store.set('c', 3, 60);
    expect(store.size).toBe(2);
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('EncryptedCookieStore', () => {
  const secret = new Uint8Array(32).fill(1);
  const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');

  it('round-trips values through Set-Cookie and Cookie headers, unreadable in between', async () => {
    const cookies = new EncryptedCookieStore({ secret });
    const first = cookies.fromCookieHeader(undefined);
    await first.set('pending:browser', { state: 'the-state', codeVerifier: 'the-verifier' }, 600);
    const [setCookie] = first.setCookieHeaders();
    expect(setCookie).toMatch(/; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(setCookie).not.toContain('the-verifier');
    expect(setCookie!.split(';')[0]!.split('=')[1]!.split('.')).toHaveLength(5); // a compact JWE

    const next = cookies.fromCookieHeader(`other=1; ${cookieHeader([setCookie!])}`);
    expect(await next.get('pending:browser')).toEqual({ state: 'the-state', codeVerifier: 'the-verifier' });
    await next.delete('pending:browser');
    expect(await next.get('pending:browser')).toBeUndefined();
    expect(next.setCookieHeaders()[0]).toMatch(/=; Max-Age=0; Expires=Thu, 01 Jan 1970/);
  });

  it('treats tampered, foreign, moved and expired cookies as absent', async () => {
    let now = Date.now();
    const cookies = new EncryptedCookieStore({ secret, clock: () => now });
    const writer = cookies.fromCookieHeader('');
    await writer.set('session:a', { sub: 'alice' }, 60);
    const [name, value] = writer.setCookieHeaders()[0]!.split(';')[0]!.split('=') as [string, string];

    const tampered = value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA');
    expect(await cookies.fromCookieHeader(`${name}=${tampered}`).get('session:a')).toBeUndefined();
    const stranger = new EncryptedCookieStore({ secret: new Uint8Array(32).fill(2), clock: () => now });
    expect(await stranger.fromCookieHeader(`${name}=${value}`).get('session:a')).toBeUndefined();
    // The same sealed value under another key's cookie name does not open.
    expect(
      await cookies.fromCookieHeader(`${cookies.cookieName('session:b')}=${value}`).get('session:b'),
    ).toBeUndefined();
    now += 61_000;
    expect(await cookies.fromCookieHeader(`${name}=${value}`).get('session:a')).toBeUndefined();
  });

  it('bounds every TTL by maxTtlSeconds', async () => {
    const cookies = new EncryptedCookieStore({ secret, maxTtlSeconds: 3600 });
    const store = cookies.fromCookieHeader('');
    await store.set('session:a', 1, 30 * 24 * 3600);
    expect(store.setCookieHeaders()[0]).toContain('Max-Age=3600;');
  });

  it('decrypts with older secrets after a rotation', async () => {
    const old = new EncryptedCookieStore({ secret });
    const store = old.fromCookieHeader('');
    await store.set('k', 'v', 60);
    const rotated = new EncryptedCookieStore({ secret: [new Uint8Array(32).fill(9), base64url.encode(secret)] });
    expect(await rotated.fromCookieHeader(cookieHeader(store.setCookieHeaders())).get('k')).toBe('v');
  });

  it('refuses a secret that is not 32 bytes, and a value too large for a cookie', async () => {
    expect(() => new EncryptedCookieStore({ secret: new Uint8Array(16) })).toThrow(ConfigurationError);
    expect(() => new EncryptedCookieStore({ secret: 'dG9vIHNob3J0' })).toThrow(ConfigurationError);
    expect(() => new EncryptedCookieStore({ secret, sameSite: 'None', secure: false })).toThrow(ConfigurationError);
    const store = new EncryptedCookieStore({ secret }).fromCookieHeader('');
    const error = await store.set('big', 'x'.repeat(12_000), 60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CookieStoreError);
    expect((error as Error).message).toMatch(/would take \d cookies .* at most 3 fit in a request's headers/);
  });

  it('splits a value too large for one cookie over numbered cookies, each within 4096 bytes', async () => {
    const cookies = new EncryptedCookieStore({ secret });
    // A Keycloak session's size: JWT access and refresh tokens with roles.
    const session = { tokens: { accessToken: 'a'.repeat(2500), refreshToken: 'r'.repeat(2500) }, claims: { sub: 'k' } };
    const first = cookies.fromCookieHeader(undefined);
    await first.set('session:browser', session, 600);
    const written = first.setCookieHeaders();
    const name = cookies.cookieName('session:browser');
    // The chunks, then every other name of the key expired: a concurrent response may have left one behind.
    expect(written.map((c) => c.split('=')[0])).toEqual([`${name}.0`, `${name}.1`, name, `${name}.2`]);
    expect(written.slice(2).every((c) => c.includes('=; Max-Age=0;'))).toBe(true);
    for (const cookie of written) expect(Buffer.byteLength(cookie)).toBeLessThanOrEqual(4096);
    const set = written.slice(0, 2);
    expect(await cookies.fromCookieHeader(`other=1; ${cookieHeader(set)}`).get('session:browser')).toEqual(session);

    // Shrunk to one cookie: the chunks it held are expired with it.
    const next = cookies.fromCookieHeader(cookieHeader(set));
    await next.set('session:browser', { claims: { sub: 'k' } }, 600);
    const shrunk = next.setCookieHeaders();
    expect(shrunk.map((c) => c.split(';')[0]!.split('=')[0])).toEqual([name, `${name}.0`, `${name}.1`]);
    expect(shrunk.slice(1).every((c) => c.includes('=; Max-Age=0;'))).toBe(true);
    expect(await cookies.fromCookieHeader(cookieHeader(shrunk.slice(0, 1))).get('session:browser')).toEqual({
      claims: { sub: 'k' },
    });

    // Deleted: every cookie it held is expired.
    const last = cookies.fromCookieHeader(cookieHeader(set));
    await last.delete('session:browser');
    expect(last.setCookieHeaders().map((c) => c.split(';')[0])).toEqual([`${name}=`, `${name}.0=`, `${name}.1=`]);
  });

  it('leaves no stale cookie to shadow or corrupt a value when two responses race', async () => {
    const cookies = new EncryptedCookieStore({ secret });
    const jar = new Map<string, string>();
    const apply = (setCookies: string[]) => {
      for (const cookie of setCookies) {
        const [pair] = cookie.split(';');
        const [name, value] = pair!.split('=') as [string, string];
        if (value === '') jar.delete(name);
        else jar.set(name, value);
      }
    };
    const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const seed = cookies.fromCookieHeader('');
    await seed.set('session:browser', 'small', 600);
    apply(seed.setCookieHeaders());
    // Two requests left with the whole cookie; the one writing three chunks answers first, then the one writing two.
    const [three, two] = [cookies.fromCookieHeader(header()), cookies.fromCookieHeader(header())];
    await three.set('session:browser', 'y'.repeat(7000), 600);
    await two.set('session:browser', 'z'.repeat(5000), 600);
    apply(three.setCookieHeaders());
    apply(two.setCookieHeaders());
    expect(await cookies.fromCookieHeader(header()).get('session:browser')).toBe('z'.repeat(5000));
    // And the other way round: the whole cookie written last wins over the chunks.
    const [chunked, whole] = [cookies.fromCookieHeader(header()), cookies.fromCookieHeader(header())];
    await chunked.set('session:browser', 'w'.repeat(6000), 600);
    await whole.set('session:browser', 'last', 600);
    apply(chunked.setCookieHeaders());
    apply(whole.setCookieHeaders());
    expect(await cookies.fromCookieHeader(header()).get('session:browser')).toBe('last');
  });

  it('treats a chunked value with a chunk missing or out of order as absent', async () => {
    const cookies = new EncryptedCookieStore({ secret });
    const store = cookies.fromCookieHeader('');
    await store.set('session:browser', 'x'.repeat(5000), 60);
    const [zero, one] = store.setCookieHeaders().map((c) => c.split(';')[0]!) as [string, string, ...string[]];
    expect(await cookies.fromCookieHeader(`${zero}; ${one}`).get('session:browser')).toBe('x'.repeat(5000));
    expect(await cookies.fromCookieHeader(one).get('session:browser')).toBeUndefined();
    expect(await cookies.fromCookieHeader(zero).get('session:browser')).toBeUndefined();
    const swapped = `${zero.split('=')[0]}=${one.split('=')[1]}; ${one.split('=')[0]}=${zero.split('=')[1]}`;
    expect(await cookies.fromCookieHeader(swapped).get('session:browser')).toBeUndefined();
  });
});
