import { request } from 'node:http';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockIdp } from '../../mock-idp/index.js';
import { startTestIdp } from '../helpers/idp.js';
import { codeFlow, discover } from '../helpers/login.js';

let idp: MockIdp;
let guarded: MockIdp;
const TOKEN = 'console-test-admin-token-0123456789';

beforeAll(async () => {
  [idp, guarded] = await Promise.all([
    startTestIdp({ profiles: ['generic', 'okta'] }),
    startTestIdp({ profiles: ['generic'], adminToken: TOKEN }),
  ]);
});
afterAll(async () => {
  await Promise.all([idp?.close(), guarded?.close()]);
});

interface Answer {
  status: number;
  type: string;
  json: Record<string, unknown> | undefined;
  text: string;
}

/** node:http rather than fetch: the tests set Host and Origin as a hostile page or a rebinding attack would. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), json, text });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Reads Server-Sent Events until one satisfies `until`; returns every event read. */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  until: (event: { id?: string; event?: string; data: string }) => boolean,
) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { id?: string; event?: string; data: string }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: { id?: string; event?: string; data: string } = { data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) event.id = line.slice(4);
          else if (line.startsWith('event: ')) event.event = line.slice(7);
          else if (line.startsWith('data: ')) event.data += line.slice(6);
        }
        events.push(event);
        if (until(event)) return events;
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}

describe('the console page', () => {
  it('is HTML at / with every issuer, and no client secret in it', async () => {
    const page = await send(idp.url, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    for (const issuer of idp.describe()) expect(page.text).toContain(`id="issuer-${issuer.name}"`);
    expect(page.text).not.toContain('generic-basic-secret');
    expect((await send(idp.url, 'POST', '/', JSON_TYPE, '{}')).status).toBe(405);
  });
});

describe('the event stream', () => {
  it('sends the backlog, then each request as it finishes, decoded and with secrets masked', async () => {
    const since = idp.requests.lastId;
    const config = await discover(
      idp.issuers.generic!,
      'generic-basic',
      client.ClientSecretBasic('generic-basic-secret'),
    );
    const streamed = readEvents(
      `${idp.url}/_console/events?since=${since}`,
      {},
      (e) => e.event === 'request' && JSON.parse(e.data).route === 'userinfo',
    );
    const { tokens } = await codeFlow(config);
    await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    const events = await streamed;
    const views = events
      .filter((e) => e.event === 'request')
      .map(
        (e) =>
          JSON.parse(e.data) as {
            id: number;
            route?: string;
            jwts: { kind: string; facts: { label: string; ok?: boolean }[] }[];
          },
      );
    expect(views.every((v) => v.id > since)).toBe(true);
    const token = views.find((v) => v.route === 'token')!;
    const idToken = token.jwts.find((j) => j.kind === 'id token')!;
    expect(idToken.facts.filter((f) => f.ok === false)).toEqual([]);
    expect(idToken.facts.map((f) => f.label)).toEqual(expect.arrayContaining(['key', 'exp', 'aud', 'iss']));
    const all = events.map((e) => e.data).join('\n');
    expect(all).not.toContain('generic-basic-secret');
    expect(all).not.toContain(tokens.access_token);
    expect(all).not.toContain(tokens.id_token!);
  });

  it('resumes after Last-Event-ID', async () => {
    await send(idp.url, 'GET', '/healthz');
    const last = idp.requests.lastId;
    await send(idp.url, 'GET', '/health?marker=resume');
    const events = await readEvents(
      `${idp.url}/_console/events`,
      { 'last-event-id': String(last) },
      (e) => e.event === 'ready',
    );
    const paths = events.filter((e) => e.event === 'request').map((e) => JSON.parse(e.data).path);
    expect(paths).toEqual(['/health']);
  });

  it('shows the rule and the fix for a refused request', async () => {
    const since = idp.requests.lastId;
    const refused = await send(
      idp.url,
      'POST',
      '/generic/token',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'grant_type=authorization_code&code=abc&client_id=nobody',
    );
    expect(refused.status).toBe(401);
    const events = await readEvents(`${idp.url}/_console/events?since=${since}`, {}, (e) => e.event === 'ready');
    const view = events
      .filter((e) => e.event === 'request')
      .map((e) => JSON.parse(e.data))
      .find((v) => v.path === '/generic/token');
    expect(view.help.rule).toMatch(/registered/);
    expect(view.help.details.join(' ')).toContain('known client_ids');
  });

  it('needs the admin token when one is set, and refuses a rebinding Host', async () => {
    expect((await send(guarded.url, 'GET', '/_console/events')).status).toBe(401);
    expect((await send(guarded.url, 'GET', '/_console/secret?issuer=generic&client_id=generic-basic')).status).toBe(
      401,
    );
    const events = await readEvents(
      `${guarded.url}/_console/events`,
      { authorization: `Bearer ${TOKEN}` },
      (e) => e.event === 'ready',
    );
    expect(events.at(-1)!.event).toBe('ready');
    const rebound = await send(idp.url, 'GET', '/_console/events', { host: 'attacker.example:80' });
    expect(rebound.status).toBe(403);
    expect(rebound.json?.error_description).toContain('Host');
  });
});

describe('console actions', () => {
  it('reveals a client secret only through the admin gate', async () => {
    const shown = await send(idp.url, 'GET', '/_console/secret?issuer=generic&client_id=generic-basic');
    expect(shown.json).toEqual({ client_id: 'generic-basic', client_secret: 'generic-basic-secret' });
    const crossSite = await send(idp.url, 'GET', '/_console/secret?issuer=generic&client_id=generic-basic', {
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).not.toContain('generic-basic-secret');
    expect((await send(idp.url, 'GET', '/_console/secret?issuer=generic&client_id=generic-spa')).status).toBe(404);
  });

  it('refuses a cross-origin or text/plain POST (CSRF) to start a login or to reset', async () => {
    const startLogin = (headers: Record<string, string>) =>
      send(idp.url, 'POST', '/_console/logins', headers, '{"issuer":"generic","client_id":"generic-basic"}');
    const crossOrigin = await startLogin({ 'content-type': 'text/plain', origin: 'http://attacker.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.json?.error).toBe('access_denied');
    const plain = await startLogin({ 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const reset = await send(
      idp.url,
      'POST',
      '/_admin/reset',
      { 'content-type': 'text/plain', origin: 'http://attacker.example' },
      '{}',
    );
    expect(reset.status).toBe(403);
  });

  it('answers bad input with clear JSON errors, never a 5xx', async () => {
    const cases: [string, string, Record<string, string>, string | undefined, number, RegExp][] = [
      ['POST', '/_console/logins', JSON_TYPE, '{"issuer":', 400, /not JSON/],
      ['POST', '/_console/logins', JSON_TYPE, '[1]', 400, /JSON object/],
      ['POST', '/_console/logins', JSON_TYPE, '{"issuer":"generic"}', 400, /client_id/],
      ['POST', '/_console/logins', JSON_TYPE, '{"issuer":"nope","client_id":"x"}', 404, /no issuer named "nope"/],
      ['POST', '/_console/logins', JSON_TYPE, '{"issuer":"generic","client_id":"nope"}', 400, /no client "nope"/],
      [
        'POST',
        '/_console/logins',
        JSON_TYPE,
        '{"issuer":"generic","client_id":"generic-basic"}',
        400,
        /not registered for generic-basic: add it first/,
      ],
      ['POST', '/_console/logins', JSON_TYPE, '{"issuer":"okta","client_id":"okta-pkjwt"}', 400, /private key/],
      [
        'POST',
        '/_console/logins',
        JSON_TYPE,
        `{"issuer":"generic","client_id":"${'x'.repeat(20_000)}"}`,
        400,
        /over 16 KiB/,
      ],
      ['GET', '/_console/logins', {}, undefined, 405, /GET is not allowed/],
      ['DELETE', '/_console/events', {}, undefined, 405, /not allowed/],
      ['GET', '/_console/callback', {}, undefined, 400, /no console login is waiting/],
      ['GET', '/_console/callback?state=forged&code=x', {}, undefined, 400, /no console login is waiting/],
      ['GET', '/_console/secret', {}, undefined, 404, /issuer=/],
      ['GET', '/_console/nope', {}, undefined, 404, /no console route/],
    ];
    for (const [method, path, headers, body, status, description] of cases) {
      const answer = await send(idp.url, method, path, headers, body);
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(answer.json?.error, `${method} ${path}`).toEqual(expect.any(String));
      expect(answer.json?.error_description, `${method} ${path}`).toMatch(description);
    }
  });

  it('starts a login once the console callback is registered through the admin API', async () => {
    const callback = `${idp.url}/_console/callback`;
    const added = await send(
      idp.url,
      'POST',
      '/_admin/issuers/generic/clients/generic-basic/redirect_uris',
      JSON_TYPE,
      JSON.stringify({ redirect_uri: callback }),
    );
    expect(added.status).toBe(200);
    const started = await send(
      idp.url,
      'POST',
      '/_console/logins',
      { ...JSON_TYPE, origin: idp.url },
      '{"issuer":"generic","client_id":"generic-basic"}',
    );
    expect(started.status).toBe(200);
    const url = new URL(started.json!.authorization_url as string);
    expect(url.searchParams.get('redirect_uri')).toBe(callback);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('client_id')).toBe('generic-basic');
  });
});

describe('shutting down', () => {
  it('ends an open event stream when the server closes, well before the close deadline', async () => {
    const own = await startTestIdp({ profiles: ['generic'] });
    const res = await fetch(`${own.url}/_console/events`);
    const reader = res.body!.getReader();
    await reader.read();
    const ended = (async () => {
      while (!(await reader.read()).done);
      return 'ended';
    })();
    // With the stream left open, close() would only return at its deadline, cutting the connection.
    await own.close({ deadlineMs: 60_000 });
    expect(await ended).toBe('ended');
  });
});
