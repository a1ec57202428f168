import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { NavigationError, UserAgent } from '../../mock-idp/index.js';
import { navigationHeaders } from '../../mock-idp/navigation.js';
import { mockIdp } from '../../mock-idp/vitest.js';
import { REDIRECT_URI } from '../helpers/idp.js';

// Read-only use of the generic issuer: the run's shared mock-idp.
const idp = mockIdp();
const issuer = idp.issuers.generic!;

const WRONG = 'http://127.0.0.1:3000/calback';
const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
const authorize = (redirectUri: string) => {
  const query = new URLSearchParams({
    client_id: 'generic-basic',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri,
    ...PKCE,
  });
  return `${issuer}/auth?${query}`;
};

/**
 * A site on 127.0.0.1 that records each request's headers: / redirects to `to`, /form auto-posts to /posted,
 * /json-error is a JSON 401.
 */
async function recordingSite(to?: () => string) {
  const seen: { path: string; method: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', method: req.method ?? '', headers: req.headers });
    if (req.url === '/' && to) {
      res.writeHead(302, { location: to() }).end();
    } else if (req.url === '/form') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<form method="post" action="/posted" data-autosubmit><input name="a" value="1"></form>');
    } else if (req.url === '/json-error') {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>done</p>');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { seen, port, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('UserAgent.navigate stopped by an error page', () => {
  it('throws a NavigationError quoting the page when until never matches', async () => {
    const error = await new UserAgent()
      .navigate(authorize(WRONG), { until: (u) => u.href.startsWith(WRONG) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NavigationError);
    const stopped = error as NavigationError;
    expect(stopped.status).toBe(400);
    expect(stopped.url.pathname).toBe('/generic/auth');
    expect(stopped.message).toContain('(400) before reaching the redirect URI');
    expect(stopped.message).toContain("redirect_uri did not match any of the client's registered redirect_uris");
    expect(stopped.page).toContain(WRONG);
    expect(stopped.page).toContain(
      `Registered for generic-basic\n${REDIRECT_URI} closest\nhttp://localhost:3000/callback\n`,
    );
    expect(stopped.page).toContain('issuers:\n  - name: "generic"\n    clients:');
    expect(stopped.page).toContain(
      `curl -X POST '${idp.url}/_admin/issuers/generic/clients/generic-basic/redirect_uris'`,
    );
    expect(stopped.page).not.toContain('mock-idp · a local identity provider');
  });

  it('quotes a JSON error answer as sent', async () => {
    const site = await recordingSite();
    try {
      const error = (await new UserAgent()
        .navigate(`http://127.0.0.1:${site.port}/json-error`, { until: () => false })
        .catch((e: unknown) => e)) as NavigationError;
      expect(error).toBeInstanceOf(NavigationError);
      expect(error.status).toBe(401);
      expect(error.page).toBe('{"error":"invalid_token"}');
    } finally {
      await site.close();
    }
  });

  it('returns the page instead with throwOnError: false, or without until', async () => {
    const kept = await new UserAgent().navigate(authorize(WRONG), {
      until: (u) => u.href.startsWith(WRONG),
      throwOnError: false,
    });
    expect(kept.response?.status).toBe(400);
    expect(await kept.response!.text()).toContain('invalid_redirect_uri');
    const plain = await new UserAgent().navigate(authorize(WRONG));
    expect(plain.response?.status).toBe(400);
  });

  it('still reaches until on a good login', async () => {
    const { url } = await new UserAgent().navigate(authorize(REDIRECT_URI), {
      until: (u) => u.href.startsWith(REDIRECT_URI),
    });
    expect(url.searchParams.get('code')).toBeTruthy();
  });
});

describe('UserAgent.navigate sends what a browser sends with a navigation', () => {
  it('marks each hop as a navigation, with the site relation of its redirect chain', async () => {
    const target = await recordingSite();
    // localhost and 127.0.0.1 are different sites: the redirect chain crosses sites.
    const start = await recordingSite(() => `http://localhost:${target.port}/form`);
    try {
      await new UserAgent().navigate(`http://127.0.0.1:${start.port}/`);
      const [first] = start.seen;
      expect(first?.headers['sec-fetch-mode']).toBe('navigate');
      expect(first?.headers['sec-fetch-dest']).toBe('document');
      expect(first?.headers['sec-fetch-site']).toBe('none');
      expect(first?.headers['sec-fetch-user']).toBe('?1');
      expect(first?.headers.accept).toMatch(/^text\/html,/);
      const [form, posted] = target.seen;
      // A navigation a person started stays 'none' through every redirect, whatever sites it crosses.
      expect(form?.headers['sec-fetch-site']).toBe('none');
      expect(form?.headers['sec-fetch-user']).toBe('?1');
      // The page's own script posts its form: a new navigation from that page, no person's action.
      expect(posted?.method).toBe('POST');
      expect(posted?.headers['sec-fetch-mode']).toBe('navigate');
      expect(posted?.headers['sec-fetch-site']).toBe('same-origin');
      expect(posted?.headers['sec-fetch-user']).toBeUndefined();
      expect(posted?.headers.origin).toBe(`http://localhost:${target.port}`);
    } finally {
      await start.close();
      await target.close();
    }
  });

  it("relates each hop of a page's navigation to that page and to the redirects before it", async () => {
    const target = await recordingSite();
    // The same host on another port is another origin of the same site.
    const start = await recordingSite(() => `http://127.0.0.1:${target.port}/page`);
    try {
      const referer = new URL(`http://127.0.0.1:${start.port}/links`);
      await new UserAgent().navigate(`http://127.0.0.1:${start.port}/`, { referer });
      expect(start.seen[0]?.headers['sec-fetch-site']).toBe('same-origin');
      expect(start.seen[0]?.headers.referer).toBe(referer.href);
      expect(target.seen[0]?.headers['sec-fetch-site']).toBe('same-site');
      const crossing = new URL('http://localhost/links');
      await new UserAgent().navigate(`http://127.0.0.1:${target.port}/page`, { referer: crossing });
      expect(target.seen[1]?.headers['sec-fetch-site']).toBe('cross-site');
    } finally {
      await start.close();
      await target.close();
    }
  });

  it("posts a form given without its page as one of the target's own origin, never from nowhere", async () => {
    const site = await recordingSite();
    try {
      await new UserAgent().navigate(`http://127.0.0.1:${site.port}/signin`, { form: new URLSearchParams({ a: '1' }) });
      const [posted] = site.seen;
      expect(posted?.method).toBe('POST');
      expect(posted?.headers.origin).toBe(`http://127.0.0.1:${site.port}`);
      expect(posted?.headers['sec-fetch-site']).toBe('same-origin');
      // A person pressed its button; no page URL is known to send as Referer.
      expect(posted?.headers['sec-fetch-user']).toBe('?1');
      expect(posted?.headers.referer).toBeUndefined();
    } finally {
      await site.close();
    }
  });

  it('tells sites apart by the public suffix list, as a browser does', () => {
    const site = (from: string, to: string) =>
      navigationHeaders({ url: new URL(to), before: [], initiator: new URL(from), userActivated: false }).headers[
        'sec-fetch-site'
      ];
    expect(site('https://app.example.co.uk/', 'https://idp.example.co.uk/')).toBe('same-site');
    expect(site('https://app.example.co.uk/', 'https://idp.other.co.uk/')).toBe('cross-site');
    // github.io is a private suffix: each user's pages are a site of their own.
    expect(site('https://alice.github.io/', 'https://bob.github.io/')).toBe('cross-site');
    expect(site('https://app.acme.okta.com/', 'https://acme.okta.com/')).toBe('same-site');
    expect(site('http://app.localhost:3000/', 'http://localhost:9400/')).toBe('cross-site');
    expect(site('http://a.app.localhost/', 'http://b.app.localhost/')).toBe('same-site');
  });

  it('sends no Fetch Metadata to a URL that is not potentially trustworthy (plain http off loopback)', () => {
    const hop = { before: [], userActivated: true };
    const docker = navigationHeaders({ ...hop, url: new URL('http://app:8080/login') });
    expect(docker.fetchMetadata).toBe(false);
    // A DNS name that starts like a loopback address is no loopback address.
    expect(navigationHeaders({ ...hop, url: new URL('http://127.example.com/') }).fetchMetadata).toBe(false);
    expect(Object.keys(docker.headers).filter((name) => name.startsWith('sec-fetch-'))).toEqual([]);
    expect(docker.headers.accept).toMatch(/^text\/html,/);
    for (const url of ['https://app.example/login', 'http://localhost:8080/', 'http://[::1]:8080/'])
      expect(navigationHeaders({ ...hop, url: new URL(url) }).fetchMetadata, url).toBe(true);
  });

  it('leaves request(), a script-like call, as fetch sends it', async () => {
    const site = await recordingSite();
    try {
      await new UserAgent().request(`http://127.0.0.1:${site.port}/page`);
      expect(site.seen[0]?.headers['sec-fetch-mode']).toBe('cors');
      expect(site.seen[0]?.headers['sec-fetch-dest']).toBeUndefined();
    } finally {
      await site.close();
    }
  });
});
