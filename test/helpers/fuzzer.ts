import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * A seeded HTTP fuzzer for mock-idp: the requests an attacker or a broken
 * client sends (wrong methods and content types, malformed forms and JSON,
 * forged and broken JWTs, bad percent-encoding, hostile Host and forwarding
 * headers, oversized bodies) against every route of every issuer and the admin
 * API. It checks what must always hold: no 5xx, no connection left hanging,
 * every error in the issuer's own shape. Same seed, same requests.
 */

export interface FuzzOptions {
  baseUrl: string;
  seed: number;
  requests: number;
  concurrency?: number;
  /** A request unanswered this long counts as stalled. */
  timeoutMs?: number;
  /** Bearer token for the admin API, when the server needs one. */
  adminToken?: string | undefined;
}

export interface FuzzFailure {
  kind: '5xx' | 'stalled' | 'shape' | 'transport';
  method: string;
  path: string;
  status?: number;
  detail: string;
}

export interface FuzzReport {
  requests: number;
  statuses: Record<string, number>;
  byIssuer: Record<string, number>;
  routes: number;
  failures: FuzzFailure[];
  stalled: number;
  fiveHundreds: number;
  badShape: number;
  ms: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Target {
  issuer: string;
  profile: string;
  mount: string;
  path: string;
  browser: boolean;
}

/** Which JSON error keys each profile's errors carry (its own shape, or OAuth's where the provider uses that). */
const ERROR_KEYS: Record<string, string[]> = {
  generic: ['error'],
  auth0: ['error'],
  okta: ['error', 'errorCode'],
  gitlab: ['error', 'message'],
  stackexchange: ['error_id', 'error'],
  stitch: ['error', 'errors'],
  apple: ['error'],
  // tokeninfo refuses a bad ID token with error_description alone.
  google: ['error', 'error_description'],
  // GitHub's OAuth errors are HTTP 200 (not judged here); its REST API and parse errors carry `message`.
  github: ['error', 'message'],
  // The token service answers `message`; mock-idp's own routing (scenario issuers, forwarded hosts) OAuth's error.
  'github-actions': ['error', 'message'],
  keycloak: ['error'],
  entra: ['error'],
  admin: ['error'],
  server: ['error'],
};

/** Routes a browser lands on: they may answer an HTML error page. */
const BROWSER = new RegExp(
  `/oauth$|/(${[
    'auth',
    'authorize',
    'oauth/authorize',
    'connect/authorize',
    'v1/authorize',
    'oauth/dialog',
    'interaction',
    'device',
    'session/end',
    'logout',
    'v2/logout',
    'v1/logout',
    'oauth/logout',
    'connect/endsession',
  ].join('|')})(/|$)`,
);

const PARAMS = [
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'token',
  'token_type_hint',
  'client_assertion',
  'client_assertion_type',
  'response_type',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'login_hint',
  'prompt',
  'request',
  'request_uri',
  'claims',
  'resource',
  'audience',
  'device_code',
  'user_code',
  'xsrf',
  'id_token_hint',
  'post_logout_redirect_uri',
  'max_age',
  'acr_values',
  'response_mode',
  'access_token',
  'key',
  'site',
  'query',
  'variables',
  'login',
  'confirm',
  'abort',
  'logout',
  '__proto__',
  'constructor',
];

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

function jwts(pick: <T>(a: readonly T[]) => T, int: (n: number) => number): string[] {
  const now = Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) =>
    b64u(JSON.stringify({ iss: 'x', sub: 'x', aud: 'x', exp: now + 60, iat: now, jti: String(int(1e9)), ...extra }));
  return [
    `${b64u('{"alg":"none"}')}.${claims()}.`,
    `${b64u('{"alg":"HS256","kid":"../../../etc/passwd"}')}.${claims()}.${b64u('sig')}`,
    `${b64u('{"alg":"RS256","jku":"http://127.0.0.1:1/jwks","x5u":"http://127.0.0.1:1/x"}')}.${claims()}.${b64u('x')}`,
    `${b64u(JSON.stringify({ alg: 'RS256', kid: 'x'.repeat(int(5000)) }))}.${claims({ exp: 1e20 })}.${b64u('x')}`,
    `${b64u('{"alg":"ES256"')}.${claims()}.x`,
    `a.b.c`,
    `...`,
    `${b64u('[]')}.${b64u('[]')}.`,
    `${b64u('{"alg":"dir","enc":"A128GCM"}')}..iv.ct.tag`,
    `${b64u(JSON.stringify({ alg: pick(['RS256', 'PS256', 'ES256', 'EdDSA', 'HS512']), crit: ['exp'] }))}.` +
      `${claims({ aud: [], exp: 'soon', nbf: -1 })}.${b64u('x'.repeat(int(600)))}`,
  ];
}

function hostile(pick: <T>(a: readonly T[]) => T, int: (n: number) => number): string {
  return pick([
    '',
    ' ',
    '%',
    '%E0%A4%A',
    '%00',
    '\u0000',
    '💥'.repeat(int(20)),
    'a'.repeat(int(9000)),
    '../'.repeat(int(10)),
    '<script>alert(1)</script>',
    '{"$gt":""}',
    '[]',
    '{}',
    'null',
    'true',
    '-1',
    '1e309',
    String(2 ** 53 + 1),
    'javascript:alert(1)',
    'http://127.0.0.1:1/',
    'data:,x',
    'openid profile email offline_access',
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    'S256',
    'plain',
    'code',
    'code id_token',
    'none',
    'query { user { id } }',
    '\r\nSet-Cookie: x=1',
    'ä',
    '\uFEFF',
    '\uD800',
    '+',
    ' %20 ',
    'a=b&c=d',
    '%2e%2e%2f',
    '__proto__',
  ]);
}

export async function discoverTargets(baseUrl: string, adminHeaders: Record<string, string>): Promise<Target[]> {
  const { issuers } = (await (await fetch(`${baseUrl}/_admin/issuers`, { headers: adminHeaders })).json()) as {
    issuers: {
      name: string;
      profile: string;
      issuer: string;
      discovery?: string;
      endpoints?: Record<string, string>;
    }[];
  };
  const targets: Target[] = [];
  const add = (issuer: string, profile: string, mount: string, url: string) => {
    const path = new URL(url, baseUrl).pathname;
    if (!targets.some((t) => t.path === path))
      targets.push({ issuer, profile, mount, path, browser: BROWSER.test(path.slice(mount.length)) });
  };
  for (const issuer of issuers) {
    const mount = new URL(issuer.issuer).pathname.replace(/\/$/, '');
    const base = `${baseUrl}${mount}`;
    const urls = new Set<string>([
      `${base}/.well-known/openid-configuration`,
      `${base}/.well-known/oauth-authorization-server`,
      `${base}/nope`,
      `${base}/interaction/xyz`,
      `${base}/interaction/xyz/login`,
      `${base}/s/id-token-aud-wrong~fuzz/token`,
      `${base}/s/no-such-scenario/token`,
      `${base}/s/jwks-kid-unknown~fuzz/jwks`,
    ]);
    if (issuer.discovery) {
      const doc = (await (await fetch(issuer.discovery.replace(/^https?:\/\/[^/]+/, baseUrl))).json()) as Record<
        string,
        unknown
      >;
      for (const [key, value] of Object.entries(doc))
        if ((key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string') urls.add(value);
    }
    for (const value of Object.values(issuer.endpoints ?? {})) urls.add(value);
    const extras: Record<string, string[]> = {
      stitch: ['/graphql'],
      google: ['/oauth2/v1/certs', '/tokeninfo', '/oauth2/v3/tokeninfo'],
      gitlab: ['/api/v4/user', '/oauth/token/info', '/oauth/device', '/oauth/revoke'],
      stackexchange: [
        '/2.3/me',
        '/2.3/access-tokens/abc',
        '/2.3/access-tokens/a;b/invalidate',
        '/oauth/access_token/json',
      ],
      github: ['/user', '/user/emails', '/login/device/code', '/login/device', '/login/oauth/access_token'],
      'github-actions': ['/idtoken/deploy-production', '/idtoken/%E0%A4%A', '/idtoken/'],
    };
    for (const extra of extras[issuer.profile] ?? []) urls.add(`${base}${extra}`);
    for (const url of urls) add(issuer.name, issuer.profile, mount, url.replace(/^https?:\/\/[^/]+/, baseUrl));
  }
  for (const path of [
    '/_admin/requests',
    '/_admin/issuers',
    '/_admin/issuers/generic',
    '/_admin/issuers/generic/users/fuzz-user',
    '/_admin/issuers/generic/users/fuzz-user/claims',
    '/_admin/issuers/generic/clients/fuzz-client',
    '/_admin/issuers/generic/keys',
    '/_admin/issuers/%E0%A4%A/keys',
    '/_admin/issuers/generic/clock',
    '/_admin/issuers/generic/clients/fuzz-client/scenario',
    '/_admin/scenarios',
    '/_admin/nope',
  ]) {
    targets.push({ issuer: 'admin', profile: 'admin', mount: '', path, browser: false });
  }
  // The console's event stream is left out: it stays open by design, which the fuzzer would count as a stall.
  for (const path of [
    '/',
    '/health',
    '/healthz',
    '/favicon.ico',
    '/%',
    '/..%2f..%2fetc%2fpasswd',
    '/_console/logins',
    '/_console/callback',
    '/_console/secret',
    '/_console/nope',
  ])
    targets.push({ issuer: 'server', profile: 'server', mount: '', path, browser: false });
  return targets;
}

function fixtureClients(): { client_id: string; client_secret?: string }[] {
  const dir = new URL('../../fixtures/clients/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap(
      (f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { client_id: string; client_secret?: string }[],
    );
}

interface Built {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

function builder(seed: number, targets: Target[], bearer: string[]) {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
  const chance = (p: number) => rand() < p;
  const clients = fixtureClients();
  const tokens = jwts(pick, int);

  const value = (): string => {
    const r = rand();
    if (r < 0.2) return pick(tokens);
    if (r < 0.35) return pick(clients).client_id;
    if (r < 0.4 && bearer.length) return pick(bearer);
    return hostile(pick, int);
  };
  const form = () => {
    const params = new URLSearchParams();
    for (let i = int(8); i >= 0; i--) params.append(pick(PARAMS), value());
    let text = params.toString();
    if (chance(0.1)) text += `&${pick(['%', '%zz', '=%E0%A4%A', '&&&', '=', 'a[b]=c', 'a[__proto__][x]=1'])}`;
    return text;
  };
  const json = () => {
    if (chance(0.1))
      return pick([
        '{',
        '[1,',
        'null',
        '"str"',
        '1e999',
        '{"a":'.repeat(int(400)),
        '\uFEFF{}',
        '{"__proto__":{"admin":true}}',
      ]);
    const obj: Record<string, unknown> = {};
    for (let i = int(6); i >= 0; i--)
      obj[pick(PARAMS)] = pick([value(), int(1e6), -1, null, true, [value()], { [pick(PARAMS)]: value() }, 1e308]);
    return JSON.stringify(obj);
  };
  const authorization = () => {
    const client = pick(clients);
    return pick([
      `Basic ${b64u(`${client.client_id}:${client.client_secret ?? ''}`)}`,
      `Basic ${Buffer.from(`${client.client_id}:wrong`).toString('base64')}`,
      `Basic ${pick(['', '!!!', '=', 'Og==', b64u(':'), b64u('%E0%A4%A:x'), 'a'.repeat(int(3000))])}`,
      `Bearer ${bearer.length ? pick(bearer) : 'x'}`,
      `Bearer ${pick(tokens)}`,
      `Bearer ${hostile(pick, int)}`,
      `DPoP ${pick(tokens)}`,
      'Bearer',
      'Negotiate abc',
      '',
    ]);
  };
  const pathFor = (target: Target) => {
    let path = target.path;
    if (chance(0.08))
      path = path.replace(
        /\/[^/]*$/,
        `/${pick(['%', '%E0%A4%A', '..', '%2e%2e', 'x'.repeat(int(2000)), '%00', ';a=b', '~', '.well-known'])}`,
      );
    if (chance(0.5)) {
      const query = chance(0.7)
        ? form()
        : pick([
            '%',
            '%%',
            '=&=',
            'a=%E0%A4%A',
            'client_id=a&client_id=b',
            `response_type=code&client_id=${pick(clients).client_id}&redirect_uri=http://` +
              `127.0.0.1:3000/callback&scope=openid`,
          ]);
      path += `?${query}`;
    }
    return path;
  };

  // Body shapes: the share of bodies below each bound, the content types one is sent with, and the body
  // (made after the type is picked, so the same seed keeps giving the same requests).
  const BODY_SHAPES: { upTo: number; types: string[]; make: () => Buffer }[] = [
    {
      upTo: 0.5,
      types: ['', '; charset=utf-8', ';charset=latin1'].map((charset) => `application/x-www-form-urlencoded${charset}`),
      make: () => Buffer.from(form()),
    },
    {
      upTo: 0.8,
      types: ['application/json', 'application/json; charset=utf-8', 'application/jwt', 'application/graphql+json'],
      make: () => Buffer.from(json()),
    },
    {
      upTo: 0.93,
      types: ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', '*/*', 'garbage', ''],
      make: () => Buffer.from(chance(0.5) ? form() : json()),
    },
    {
      upTo: 1,
      types: ['application/x-www-form-urlencoded', 'application/json'],
      make: () => Buffer.alloc(60_000 + int(150_000), 'a'),
    },
  ];

  return (): Built => {
    const target = pick(targets);
    const method = chance(0.55)
      ? 'POST'
      : chance(0.6)
        ? 'GET'
        : pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE']);
    const headers: Record<string, string> = {};
    if (chance(0.5)) headers.authorization = authorization();
    if (chance(0.08))
      headers.host = pick([
        'attacker.example',
        'a b',
        '[::1',
        'localhost:99999',
        '127.0.0.1:1',
        'xn--80ak6aa92e.com',
        '',
      ]);
    if (chance(0.08))
      headers['x-forwarded-host'] = pick(['evil.example', '[::1', 'a b', 'x,y', 'secure.stitch.money', 'gitlab.com']);
    if (chance(0.08)) headers['x-forwarded-proto'] = pick(['https', 'http', 'javascript', 'https, http', 'ftp', '']);
    if (chance(0.08)) headers.origin = pick(['http://attacker.example', 'null', 'http://127.0.0.1:3000', 'bad origin']);
    if (chance(0.1))
      headers.cookie = pick([
        'x=y',
        'mockidp_generic_session=abc; mockidp_generic_interaction=xyz',
        '=; ;;',
        `a=${'x'.repeat(int(3000))}`,
      ]);
    if (chance(0.05)) headers.dpop = pick(tokens);
    let body: Buffer | undefined;
    if (method !== 'GET' && method !== 'HEAD' && chance(0.85)) {
      const kind = rand();
      const shape = BODY_SHAPES.find((b) => kind < b.upTo)!;
      headers['content-type'] = pick(shape.types);
      body = shape.make();
      if (chance(0.05)) headers['content-encoding'] = pick(['gzip', 'br', 'deflate', 'identity', 'x']);
    }
    // Framed, as any real client frames a body: Node's client sends DELETE, OPTIONS and TRACE bodies without a length
    // otherwise.
    if (body) headers['content-length'] = String(body.length);
    if (target.issuer === 'admin' && !headers['content-type'] && method !== 'GET' && chance(0.5))
      headers['content-type'] = 'application/json';
    return { method, path: pathFor(target), headers, body, target } as Built & { target: Target };
  };
}

function send(port: number, agent: Agent, built: Built, timeoutMs: number) {
  return new Promise<{ status?: number | undefined; type?: string; text?: string; error?: string; stalled?: boolean }>(
    (resolve) => {
      let settled = false;
      const done = (result: Parameters<typeof resolve>[0]) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(result);
        }
      };
      // Header values as bytes on the wire: what Node's client refuses to send (CR, LF, NUL, non-Latin-1) is dropped.
      const headers = Object.fromEntries(
        Object.entries(built.headers).map(([k, v]) => [k, v.replace(/[^\t\x20-\x7e]/g, '')]),
      );
      const req = request(
        { host: '127.0.0.1', port, method: built.method, path: built.path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size < 200_000) chunks.push(c);
          });
          res.on('end', () => {
            let raw = Buffer.concat(chunks);
            // Stack Exchange gzips every answer, as the real API does.
            if (res.headers['content-encoding'] === 'gzip' && size < 200_000) {
              try {
                raw = gunzipSync(raw);
              } catch {
                /* reported as a shape problem below if it matters */
              }
            }
            done({
              status: res.statusCode,
              type: String(res.headers['content-type'] ?? ''),
              text: raw.toString('utf8'),
            });
          });
          res.on('error', (e) => done({ status: res.statusCode, error: e.message }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        done({ stalled: true, error: `no answer in ${timeoutMs} ms` });
      }, timeoutMs);
      req.on('socket', (socket) => {
        if (!socket.listenerCount('error')) socket.on('error', () => undefined);
        const tagged = socket as typeof socket & { lastFuzz?: string };
        if (process.env.FUZZ_DEBUG) (built as Built & { previous?: string | undefined }).previous = tagged.lastFuzz;
        tagged.lastFuzz =
          `${built.method} ${built.path.slice(0, 100)} ` +
          `${JSON.stringify(built.headers).slice(0, 300)} ` +
          `body=${built.body?.length ?? 0}:${built.body?.subarray(0, 100).toString()}`;
      });
      req.on('error', (e) => done({ error: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}` }));
      if (built.body) req.write(built.body);
      req.end();
    },
  );
}

function shapeProblem(target: Target, status: number, type: string, text: string, method: string): string | undefined {
  if (status < 400 || method === 'HEAD') return undefined;
  if (/json/.test(type)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `invalid JSON: ${text.slice(0, 80)}`;
    }
    const keys = ERROR_KEYS[target.profile] ?? ['error'];
    if (!body || typeof body !== 'object' || !keys.some((k) => k in (body as object)))
      return `no ${keys.join('/')} in ${text.slice(0, 120)}`;
    return undefined;
  }
  if (/html/.test(type) && target.browser) return undefined;
  // Stack Exchange's token endpoint answers errors form-encoded, as the real one does (JSON only at /json).
  if (
    target.profile === 'stackexchange' &&
    /x-www-form-urlencoded/.test(type) &&
    new URLSearchParams(text).has('error')
  )
    return undefined;
  return `${type || 'no content-type'} answer: ${text.slice(0, 80)}`;
}

/** Runs the fuzz against a live server and reports what it saw; it never throws for a server failure. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const port = Number(new URL(options.baseUrl).port);
  const adminHeaders: Record<string, string> = options.adminToken
    ? { authorization: `Bearer ${options.adminToken}` }
    : {};
  const targets = await discoverTargets(options.baseUrl, adminHeaders);
  // A few real access tokens, so the fuzz also reaches the resource APIs past their token check.
  const bearer: string[] = [];
  for (const c of fixtureClients().filter((c) => c.client_secret)) {
    for (const t of targets.filter((t) => /\/(token|oauth\/token|connect\/token|v1\/token)$/.test(t.path))) {
      const r = await fetch(`${options.baseUrl}${t.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      }).catch(() => undefined);
      const json = (await r?.json().catch(() => undefined)) as { access_token?: string } | undefined;
      if (json?.access_token) bearer.push(json.access_token);
    }
  }
  const next = builder(options.seed, targets, bearer);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 16 });
  const report: FuzzReport = {
    requests: 0,
    statuses: {},
    byIssuer: {},
    routes: targets.length,
    failures: [],
    stalled: 0,
    fiveHundreds: 0,
    badShape: 0,
    ms: 0,
  };
  const fail = (failure: FuzzFailure) => {
    if (report.failures.length < 50) report.failures.push(failure);
  };
  let issued = 0;
  const worker = async () => {
    while (issued < options.requests) {
      issued += 1;
      const built = next() as Built & { target: Target };
      const result = await send(port, agent, built, options.timeoutMs ?? 10_000);
      report.requests += 1;
      report.byIssuer[built.target.issuer] = (report.byIssuer[built.target.issuer] ?? 0) + 1;
      const key = result.status ? String(result.status) : result.stalled ? 'stalled' : 'transport-error';
      report.statuses[key] = (report.statuses[key] ?? 0) + 1;
      if (result.stalled) {
        report.stalled += 1;
        fail({ kind: 'stalled', method: built.method, path: built.path.slice(0, 200), detail: result.error ?? '' });
      } else if (result.status === undefined) {
        // A reset after a body the server refused to read is the documented answer; anything else is a failure.
        if (!(built.body && built.body.length > 56 * 1024))
          fail({ kind: 'transport', method: built.method, path: built.path.slice(0, 200), detail: result.error ?? '' });
      } else if (result.status >= 500) {
        report.fiveHundreds += 1;
        fail({
          kind: '5xx',
          method: built.method,
          path: built.path.slice(0, 200),
          status: result.status,
          detail:
            `${(result.text ?? '').slice(0, 200)} ` +
            `headers=${JSON.stringify(built.headers).slice(0, 400)} ` +
            `body=${built.body?.subarray(0, 200).toString() ?? ''}`,
        });
      } else {
        const problem = shapeProblem(built.target, result.status, result.type ?? '', result.text ?? '', built.method);
        if (problem) {
          report.badShape += 1;
          fail({
            kind: 'shape',
            method: built.method,
            path: built.path.slice(0, 200),
            status: result.status,
            detail:
              `${problem}` +
              (process.env.FUZZ_DEBUG ? ` after ${(built as Built & { previous?: string }).previous}` : ''),
          });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  agent.destroy();
  report.ms = Date.now() - started;
  return report;
}
