import { connect, createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  AuthorizationResponseError,
  LoopbackLoginError,
  type LoopbackLoginOptions,
  loopbackLogin,
  StateMismatchError,
} from '../../client/index.js';
import { UserAgent } from '../../mock-idp/index.js';
import { useIssuer } from '../helpers/idp.js';

const { idp, issuer } = useIssuer('generic');

/** Whether anything still accepts connections on 127.0.0.1:port. */
function connectResult(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const portOf = (authorizationUrl: string) =>
  Number(new URL(new URL(authorizationUrl).searchParams.get('redirect_uri')!).port);

/** A headless browser as openBrowser, keeping what it saw. */
function headlessBrowser() {
  const seen: { url?: string; page?: { status: number; url: string; html: string } } = {};
  const openBrowser = async (url: string) => {
    seen.url = url;
    const { url: last, response } = await new UserAgent().navigate(url);
    seen.page = { status: response!.status, url: last.href, html: await response!.text() };
  };
  return { seen, openBrowser };
}

const cli = (extra: Partial<LoopbackLoginOptions> = {}): LoopbackLoginOptions => ({
  issuer: issuer(),
  clientId: 'generic-cli',
  timeoutMs: 10_000,
  ...extra,
});

describe('loopbackLogin (RFC 8252 loopback redirect)', () => {
  it('logs a public native client in with PKCE, shows the success page and closes the port', async () => {
    const browser = headlessBrowser();
    const since = idp().requests.lastId;
    const { claims, tokens } = await loopbackLogin(cli({ openBrowser: browser.openBrowser }));

    expect(claims).toMatchObject({ iss: issuer(), aud: 'generic-cli', sub: 'alice' });
    expect(tokens.accessToken).toEqual(expect.any(String));
    const authorization = new URL(browser.seen.url!);
    expect(authorization.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    // loopbackLogin does not wait for openBrowser, only for the callback.
    await expect.poll(() => browser.seen.page).toBeDefined();
    expect(browser.seen.page).toMatchObject({
      status: 200,
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/),
    });
    expect(browser.seen.page!.html).toContain('Login complete');
    const [token] = idp().requests.list({ sinceId: since, route: 'token' });
    expect(token!.clientAuth?.method).toBe('none');
    expect(await connectResult(portOf(browser.seen.url!))).toBe('ECONNREFUSED');
  });

  it('logs in the user named by loginHint', async () => {
    const browser = headlessBrowser();
    const { claims } = await loopbackLogin(
      cli({ loginHint: 'bob', scope: 'openid email', openBrowser: browser.openBrowser }),
    );
    expect(claims).toMatchObject({ sub: 'bob', email: 'bob@example.com' });
    expect(new URL(browser.seen.url!).searchParams.get('scope')).toBe('openid email');
  });

  it('answers other paths and methods without using up the login', async () => {
    const answers: number[] = [];
    const browser = headlessBrowser();
    const { claims } = await loopbackLogin(
      cli({
        openBrowser: async (url) => {
          const base = new URL(new URL(url).searchParams.get('redirect_uri')!);
          for (const [path, method] of [
            ['/favicon.ico', 'GET'],
            ['/', 'GET'],
            ['//evil.example/callback', 'GET'],
            ['/callback', 'POST'],
          ] as const) {
            answers.push((await fetch(`${base.origin}${path}`, { method })).status);
          }
          await browser.openBrowser(url);
        },
      }),
    );
    expect(answers).toEqual([404, 404, 404, 405]);
    expect(claims!.sub).toBe('alice');
    await expect.poll(() => browser.seen.page?.status).toBe(200);
  });

  it('rejects with loopback_timeout when no browser comes back, and closes the port', async () => {
    let url = '';
    // Long enough for discovery to finish and the browser to be opened on a loaded machine: the port is in its URL.
    const login = loopbackLogin(
      cli({
        timeoutMs: 2_000,
        openBrowser: (u) => {
          url = u;
        },
      }),
    );
    await expect(login).rejects.toBeInstanceOf(LoopbackLoginError);
    await expect(login).rejects.toMatchObject({ code: 'loopback_timeout' });
    expect(url, 'the browser was opened before the timeout').not.toBe('');
    expect(await connectResult(portOf(url))).toBe('ECONNREFUSED');
  });

  it('rejects with loopback_aborted when the signal fires, and closes the port', async () => {
    const controller = new AbortController();
    let url = '';
    const login = loopbackLogin(
      cli({
        signal: controller.signal,
        openBrowser: (u) => {
          url = u;
          setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 20);
        },
      }),
    );
    await expect(login).rejects.toMatchObject({ code: 'loopback_aborted', cause: { message: 'user pressed Ctrl-C' } });
    expect(await connectResult(portOf(url))).toBe('ECONNREFUSED');
    await expect(loopbackLogin(cli({ signal: controller.signal }))).rejects.toMatchObject({ code: 'loopback_aborted' });
  });

  it('shows the failure page to a browser still waiting when the login is cancelled mid-exchange', async () => {
    const controller = new AbortController();
    const browser = headlessBrowser();
    // The token request never returns: the abort lands while the browser waits for its answer.
    const stalledTokenEndpoint: typeof fetch = (input, init) => {
      if (!String(input instanceof Request ? input.url : input).endsWith('/token')) return fetch(input, init);
      controller.abort();
      return new Promise<Response>(() => undefined);
    };
    const login = loopbackLogin(
      cli({
        signal: controller.signal,
        preset: (iss, options) => ({ issuer: iss, ...options, fetch: stalledTokenEndpoint }),
        openBrowser: browser.openBrowser,
      }),
    );
    await expect(login).rejects.toMatchObject({ code: 'loopback_aborted' });
    await expect.poll(() => browser.seen.page).toBeDefined();
    expect(browser.seen.page!.status).toBe(400);
    expect(browser.seen.page!.html).toContain('Login failed');
    expect(browser.seen.page!.html).toContain('the login was cancelled');
  });

  it('rejects an error callback with AuthorizationResponseError and shows its description escaped', async () => {
    let page: { status: number; html: string } | undefined;
    let url = '';
    const description = '<script>alert("x")</script> & more';
    const login = loopbackLogin(
      cli({
        openBrowser: async (u) => {
          url = u;
          const params = new URL(u).searchParams;
          const callback = new URL(params.get('redirect_uri')!);
          callback.search = new URLSearchParams({
            error: 'access_denied',
            error_description: description,
            state: params.get('state')!,
          }).toString();
          const response = await fetch(callback);
          page = { status: response.status, html: await response.text() };
        },
      }),
    );
    await expect(login).rejects.toBeInstanceOf(AuthorizationResponseError);
    await expect(login).rejects.toMatchObject({ error: 'access_denied', errorDescription: description });
    await expect.poll(() => page).toBeDefined();
    expect(page!.status).toBe(400);
    expect(page!.html).toContain('<code>access_denied</code>');
    expect(page!.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(page!.html).not.toContain('<script>');
    expect(await connectResult(portOf(url))).toBe('ECONNREFUSED');
  });

  it('rejects a callback whose state is not the one sent, with the failure page', async () => {
    let page: { status: number; html: string } | undefined;
    const login = loopbackLogin(
      cli({
        openBrowser: async (u) => {
          const callback = new URL(new URL(u).searchParams.get('redirect_uri')!);
          callback.search = 'code=forged&state=%3Cb%3Eother%3C%2Fb%3E';
          const response = await fetch(callback);
          page = { status: response.status, html: await response.text() };
        },
      }),
    );
    await expect(login).rejects.toBeInstanceOf(StateMismatchError);
    await expect(login).rejects.toMatchObject({ code: 'state_mismatch', reason: 'mismatch' });
    await expect.poll(() => page).toBeDefined();
    expect(page).toMatchObject({ status: 400, html: expect.stringContaining('<code>state_mismatch</code>') });
  });

  it('uses the port asked for, and says so when it is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(loopbackLogin(cli({ port: taken, openBrowser: () => undefined }))).rejects.toMatchObject({
        code: 'loopback_listen_failed',
        message: expect.stringContaining('EADDRINUSE'),
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const browser = headlessBrowser();
    await loopbackLogin(cli({ port: taken, openBrowser: browser.openBrowser }));
    expect(portOf(browser.seen.url!)).toBe(taken);
  });

  it('rejects with loopback_browser_failed when openBrowser throws, and closes the port', async () => {
    let url = '';
    const login = loopbackLogin(
      cli({
        openBrowser: (u) => {
          url = u;
          throw new Error('no display');
        },
      }),
    );
    await expect(login).rejects.toMatchObject({
      code: 'loopback_browser_failed',
      message: expect.stringContaining('no display'),
    });
    expect(await connectResult(portOf(url))).toBe('ECONNREFUSED');
  });

  it('takes its defaults from a preset', async () => {
    const browser = headlessBrowser();
    const { claims } = await loopbackLogin(cli({ preset: 'generic', openBrowser: browser.openBrowser }));
    expect(new URL(browser.seen.url!).searchParams.get('scope')).toBe('openid profile email offline_access');
    expect(claims!.email).toBe('alice@example.com');
  });

  it('refuses options that cannot work', async () => {
    await expect(loopbackLogin(cli({ preset: 'toString' as 'generic' }))).rejects.toMatchObject({
      code: 'invalid_configuration',
    });
    await expect(loopbackLogin(cli({ timeoutMs: 0 }))).rejects.toMatchObject({ code: 'invalid_configuration' });
    await expect(loopbackLogin(cli({ port: 70_000 }))).rejects.toMatchObject({ code: 'invalid_configuration' });
  });
});
