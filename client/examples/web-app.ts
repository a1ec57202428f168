/**
 * A minimal web app that logs people in with the reference client: the
 * pattern to copy. It keeps the login state in an encrypted cookie, so it
 * needs no server-side session store.
 *
 *   npm start                 # mock-idp on :9400, in another terminal
 *   npm run example           # this app on http://127.0.0.1:3000
 *
 * Settings: ISSUER, CLIENT_ID, CLIENT_SECRET, PORT, COOKIE_SECRET (see below).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import { clientSecretBasic, EncryptedCookieStore, FlowManager, presets, RelyingPartyError } from '../index.js';

export interface ExampleAppOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** 0 picks a free port; the redirect URI follows the port actually bound. */
  port?: number;
  cookieSecret?: string | undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta ` +
  `charset="utf-8"><title>${escapeHtml(title)}</title></head><body ` +
  `style="font-family:system-ui;max-width:720px;margin:40px auto">${body}</body></html>`;
// One login per browser: the cookie store already belongs to exactly one browser.
const USER = 'browser';
const RETURN_TO_COOKIE = 'example.return_to';

/**
 * Where to go after the login: a path on this app, never another origin. "//evil.example"
 * and "/\evil.example" are paths to a parser but hosts to a browser, so only a plain
 * absolute path passes (RFC 9700 4.11: an open redirect hands the login to an attacker).
 */
function safeReturnTo(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : undefined;
}

function cookieValue(header: string, name: string): string | undefined {
  const found = header
    .split(';')
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${name}=`));
  try {
    return found === undefined ? undefined : decodeURIComponent(found.slice(name.length + 1));
  } catch {
    return undefined; // not ours: a malformed value is no return address
  }
}

/** A form body of at most 64 KiB (a logout token is one JWT), or undefined when larger. */
async function readBody(req: NodeJS.ReadableStream): Promise<string | undefined> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 64 * 1024) return undefined;
  }
  return body;
}

export async function startExampleApp(
  options: ExampleAppOptions,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  // The redirect URI names the port actually bound, so listen first, then build the client.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 3000, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const flows = new FlowManager(
    presets.generic(options.issuer, {
      clientId: options.clientId,
      clientAuth: clientSecretBasic(options.clientSecret),
      redirectUri: `${url}/callback`,
    }),
  );
  const cookies = new EncryptedCookieStore({
    secret: options.cookieSecret ?? randomBytes(32).toString('base64url'),
    prefix: 'example',
    secure: false, // plain http on loopback; use true behind https
  });

  // Sessions live in each browser's cookie, which the provider's back-channel POST does not
  // carry: remember which provider sessions (sid) ended, and for a logout by sub alone, when.
  const endedSids = new Set<string>();
  const subLoggedOutAt = new Map<string, number>();
  const endedByLogout = (claims: { sub?: unknown; sid?: unknown; iat?: unknown } | undefined) => {
    if (!claims) return false;
    if (typeof claims.sid === 'string' && endedSids.has(claims.sid)) return true;
    // In whole seconds, like iat: only sessions begun before the logout's second end.
    const at = subLoggedOutAt.get(String(claims.sub));
    return at !== undefined && typeof claims.iat === 'number' && claims.iat < at;
  };

  const app = new Koa();
  app.use(async (ctx) => {
    const store = cookies.fromCookieHeader(ctx.get('cookie'));
    const session = flows.withStore(store);
    const sendCookies = () => ctx.set('set-cookie', store.setCookieHeaders());
    let signingOut = false;
    try {
      switch (ctx.path) {
        case '/':
          // This page is also the post-logout redirect URI: back from the provider's logout, the browser must bring
          // the state /logout sent (a forged link to this page brings another, or one with no logout pending).
          if (ctx.query.state !== undefined) {
            signingOut = true;
            await session.finishLogout(USER, `${url}${ctx.url}`);
            sendCookies();
          }
          ctx.body = page(
            'Example app',
            '<h1>Example app</h1><p><a href="/login">Log in</a> · <a href="/login?return_to=/me">Log ' +
              'in, then who am I</a> · <a href="/me">Who am I</a> · <a href="/logout">Log out</a></p>',
          );
          return;
        case '/login': {
          ctx.redirect(
            (
              await session.start(USER, {
                ...(typeof ctx.query.login_hint === 'string' ? { loginHint: ctx.query.login_hint } : {}),
              })
            ).href,
          );
          const returnTo = safeReturnTo(ctx.query.return_to);
          ctx.set('set-cookie', [
            ...store.setCookieHeaders(),
            `${RETURN_TO_COOKIE}=${returnTo ? encodeURIComponent(returnTo) : ''}; Path=/; HttpOnly; ` +
              `SameSite=Lax${returnTo ? '' : '; Max-Age=0'}`,
          ]);
          return;
        }
        case '/login/initiate': {
          // OIDC Core 4: a third party (the provider's app dashboard) starts a login here, naming the issuer, by a
          // link or by a form it posts. The flow refuses another issuer and keeps target_link_uri only when it points
          // back at this app.
          const form = ctx.method === 'POST' ? await readBody(ctx.req) : ctx.querystring;
          if (form === undefined) {
            ctx.status = 413;
            return;
          }
          const start = await session.startFromThirdParty(USER, new URLSearchParams(form));
          ctx.redirect(start.href);
          ctx.set('set-cookie', [...store.setCookieHeaders(), `${RETURN_TO_COOKIE}=; Path=/; Max-Age=0`]);
          return;
        }
        case '/callback': {
          const { targetLinkUri } = await session.finish(USER, `${url}${ctx.url}`);
          sendCookies();
          ctx.redirect(targetLinkUri ?? safeReturnTo(cookieValue(ctx.get('cookie'), RETURN_TO_COOKIE)) ?? '/me');
          return;
        }
        case '/backchannel-logout': {
          // OIDC Back-Channel Logout 1.0: the provider's server posts a logout token here.
          if (ctx.method !== 'POST') {
            ctx.status = 405;
            return;
          }
          const body = await readBody(ctx.req);
          if (body === undefined) {
            ctx.status = 413;
            return;
          }
          const answer = await flows.backchannelLogout(body);
          const { sid, sub } = answer.logout ?? {};
          if (sid) endedSids.add(sid);
          else if (sub) subLoggedOutAt.set(sub, Math.floor(Date.now() / 1000));
          // Bounded: the oldest entries belong to sessions long expired.
          if (endedSids.size > 10_000) endedSids.delete(endedSids.values().next().value!);
          if (subLoggedOutAt.size > 10_000) subLoggedOutAt.delete(subLoggedOutAt.keys().next().value!);
          ctx.status = answer.status;
          ctx.set(answer.headers);
          ctx.body = answer.body;
          return;
        }
        case '/me': {
          const current = await session.session(USER);
          if (current && endedByLogout(current.claims)) await session.logout(USER);
          if (!current || endedByLogout(current.claims)) {
            ctx.status = 401;
            ctx.body = page('Not logged in', '<h1>Not logged in</h1><p><a href="/login">Log in</a></p>');
            return;
          }
          const userinfo = await session.userinfo(USER);
          sendCookies();
          ctx.type = ctx.accepts('html', 'json') === 'json' ? 'json' : 'html';
          ctx.body = ctx.type.includes('json')
            ? { claims: current.claims, userinfo }
            : page(
                'Who am I',
                `<h1>Hello ${escapeHtml(current.claims?.name ?? current.claims?.sub)}</h1><pre>` +
                  `${escapeHtml(JSON.stringify({ claims: current.claims, userinfo }, null, 2))}</pre>`,
              );
          return;
        }
        case '/logout': {
          const { url: logoutUrl } = await session.logout(USER, { postLogoutRedirectUri: `${url}/` });
          sendCookies();
          ctx.redirect(logoutUrl?.href ?? '/');
          return;
        }
        default:
          ctx.status = 404;
          ctx.body = page('Not found', '<h1>Not found</h1>');
      }
    } catch (error) {
      // The reference client fails with typed errors: show the code, never a stack.
      sendCookies();
      ctx.status = error instanceof RelyingPartyError ? 400 : 500;
      const code = error instanceof RelyingPartyError ? error.code : 'internal_error';
      const title = signingOut ? 'Logout not confirmed' : 'Login failed';
      ctx.body = page(
        title,
        `<h1>${title}</h1><p><code>${escapeHtml(code)}</code>: ` +
          `${escapeHtml((error as Error).message)}</p><p><a href="/login">Try again</a></p>`,
      );
    }
  });

  server.on('request', app.callback());
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startExampleApp({
    issuer: process.env.ISSUER ?? 'http://127.0.0.1:9400/generic',
    clientId: process.env.CLIENT_ID ?? 'generic-basic',
    clientSecret: process.env.CLIENT_SECRET ?? 'generic-basic-secret',
    port: Number(process.env.PORT ?? 3000),
    cookieSecret: process.env.COOKIE_SECRET,
  });
  process.stdout.write(`example app on ${url}: open ${url}/login\n`);
}
