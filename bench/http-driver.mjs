// The load driver both servers get: node:http over keep-alive sockets, and for
// logins a cookie jar that follows redirects as a browser would.
//
// Not fetch: Node 20's fetch (undici) costs about 0.4 ms of client CPU per request,
// more than mock-idp's whole token endpoint, and the driver shares this machine's
// two cores with the server, so a fetch driver mostly measured itself.
// BENCH_DRIVER=fetch runs the former driver (fetch plus mock-idp's UserAgent).
import http from 'node:http';
import { CookieJar } from 'tough-cookie';
import { UserAgent } from '../dist/mock-idp/index.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, text: string }>} */
function send(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const httpDriver = {
  name: 'node:http keep-alive',
  async postForm(url, headers, form) {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: String(form),
    });
    return JSON.parse(response.text);
  },
  /** Follows redirects with a fresh cookie jar until `until` matches; returns that URL. */
  async navigate(start, until) {
    const jar = new CookieJar();
    let url = new URL(start);
    for (let hop = 0; hop < 20; hop++) {
      if (until(url)) return url;
      const cookie = await jar.getCookieString(url.href);
      const response = await send(url, { headers: cookie ? { cookie } : {} });
      for (const setCookie of [response.headers['set-cookie'] ?? []].flat())
        await jar.setCookie(setCookie, url.href, { ignoreError: true });
      const { location } = response.headers;
      if (response.status < 300 || response.status >= 400 || !location)
        throw new Error(`login stopped at ${url.href} with ${response.status}`);
      url = new URL(location, url);
    }
    throw new Error(`more than 20 redirects from ${start}`);
  },
};

const fetchDriver = {
  name: 'fetch + UserAgent',
  async postForm(url, headers, form) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: String(form),
    });
    return response.json();
  },
  async navigate(start, until) {
    return (await new UserAgent().navigate(start, { until })).url;
  },
};

export const driver = process.env.BENCH_DRIVER === 'fetch' ? fetchDriver : httpDriver;
