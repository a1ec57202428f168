import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserAgent } from '../../mock-idp/helpers.js';
import type { Capability, CaseContext, ClientAdapter, ClientDefaults, ClientOutcome } from '../types.js';
import { waitingHint } from '../waiting.js';
import { offIssuerAuthorization } from './off-issuer.js';
import { urlsIn } from './printed-urls.js';

export interface CommandAdapterOptions {
  /**
   * The command line that logs in, run by the shell once per login. The case's
   * client is in its environment (MOCK_IDP_ISSUER, MOCK_IDP_CLIENT_ID, ...) and
   * in placeholders, substituted shell-quoted: {issuer} {client_id}
   * {client_secret} {redirect_uri} {token_endpoint_auth_method} {case}
   * {id_token_signed_response_alg} {userinfo_signed_response_alg} {response_mode}.
   * The redirect URI is a loopback one registered for a native client: any
   * port is accepted (RFC 8252 7.3), so each login listens on a free port of
   * its own choosing and sends that port in its redirect_uri.
   */
  command: string;
  name?: string;
  cwd?: string;
  /** More environment for the command. */
  env?: Readonly<Record<string, string>>;
  /** How each case's client is registered; default a public native client with a loopback redirect. */
  registration?: ClientDefaults;
  /** Default ['issuer-url', 'native']: the command takes its issuer from the environment. Not third-party-login. */
  capabilities?: readonly Capability[];
}

/**
 * Everything the case registered for its client, as the command receives it:
 * MOCK_IDP_<NAME> in its environment and {name} in its command line. A value
 * the registration leaves unset is empty (the issuer's default applies).
 */
function registrationOf(context: CaseContext): Record<string, string> {
  return {
    issuer: context.issuer,
    client_id: context.clientId,
    client_secret: context.tokenEndpointAuthMethod === 'none' ? '' : context.clientSecret,
    redirect_uri: context.redirectUri,
    token_endpoint_auth_method: context.tokenEndpointAuthMethod,
    id_token_signed_response_alg: context.idTokenSignedResponseAlg ?? '',
    userinfo_signed_response_alg: context.userinfoSignedResponseAlg ?? '',
    response_mode: context.responseMode ?? '',
    case: context.caseId,
  };
}

/** The kit's own registration for a command-line client: RFC 8252 public native client. */
export const NATIVE_CLIENT: ClientDefaults = {
  applicationType: 'native',
  tokenEndpointAuthMethod: 'none',
  redirectUris: ['http://127.0.0.1/callback'],
};

const LAST_LINE = 300;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What the command said last: its error message, as CLIs print it. */
function lastLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? '';
  return line.length > LAST_LINE ? `${line.slice(0, LAST_LINE)}…` : line;
}

/** `{"claims": {...}}` as stdout or its last line (what `mock-idp login` prints) becomes the outcome's claims. */
function claimsFrom(stdout: string): Record<string, unknown> | undefined {
  const last =
    stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? '';
  for (const candidate of [stdout, last]) {
    try {
      const parsed = JSON.parse(candidate) as { claims?: unknown } | null;
      if (parsed?.claims !== null && typeof parsed?.claims === 'object')
        return parsed.claims as Record<string, unknown>;
    } catch {
      // Not JSON: the command's own output format.
    }
  }
  return undefined;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || !running(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * A stand-in browser for commands that launch one through $BROWSER: it hands
 * the URL to the kit, which logs in headlessly. Written once per process,
 * since a browser must be an executable file.
 */
let browserScript: string | undefined;
function standInBrowser(): string {
  if (browserScript) return browserScript;
  const dir = mkdtempSync(join(tmpdir(), 'mock-idp-browser-'));
  const file = join(dir, 'browser');
  const js =
    'fetch(process.env.MOCK_IDP_BROWSER_INBOX,{method:"POST",body:process.argv.slice(1).join(" ' +
    '")}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))';
  writeFileSync(
    file,
    `#!/bin/sh\n# mock-idp conformance kit: hands the URL to the kit, which logs in ` +
      `headlessly.\nexec ${shellQuote(process.execPath)} -e ${shellQuote(js)} -- "$@"\n`,
  );
  chmodSync(file, 0o755);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  browserScript = file;
  return file;
}

interface Login {
  /** The case it logs in for: where the browser may go, and whose authorization requests are its own. */
  context: Pick<CaseContext, 'issuer' | 'clientId'>;
  child: ChildProcess;
  browser: UserAgent;
  /** Authorization URLs already opened: a command that prints the URL and launches a browser opens it once. */
  opened: Set<string>;
  /** Ends the login early: the IdP showed a page instead of sending the browser back. */
  abandon(message: string): void;
  /** Ends the login early: the command sent the browser to authorize somewhere other than the issuer. */
  leave(message: string): void;
  /** Something the browser could not do; part of the reason only if the command then fails or hangs. */
  note(message: string): void;
  /**
   * How far the kit's browser got: the reason of a login that did not finish in time says so, since the command
   * itself never said anything.
   */
  progress: 'nothing opened' | 'at the issuer' | { redirectSentTo: string } | { redirectDeliveredTo: string };
  /** The first note, the likeliest cause of what followed. */
  browserNote?: string;
  /** The first authorization request the command showed that was not the case's: another issuer, another client. */
  notFollowed?: string;
  /** Its outcome is settled: what the command does after that is not followed. */
  judged?: boolean;
}

/** How long a command the kit stopped (SIGTERM) may take to clean up before its verdict is given without it. */
const STOP_GRACE_MS = 1_000;

/** What the kit saw of a login that never finished, for its reason. */
function unfinishedReason(login: Login): string | undefined {
  if (login.browserNote) return login.browserNote;
  const { progress } = login;
  if (progress === 'nothing opened')
    return login.notFollowed
      ? `it showed no authorization request for this case at its issuer, only ${login.notFollowed.slice(0, 200)}`
      : 'it showed no authorization request at the issuer: none on stdout or stderr, none handed to $BROWSER';
  if (progress === 'at the issuer') return waitingHint(login.browser);
  if ('redirectSentTo' in progress)
    return `the kit's browser sent the redirect to ${progress.redirectSentTo} and got no answer`;
  return `the kit's browser delivered the redirect to ${progress.redirectDeliveredTo}, and it did not exit`;
}

/** Keeps the last `limit` characters: what a chatty command said last is what matters. */
function appendCapped(text: string, chunk: string, limit = 256 * 1024): string {
  const joined = text + chunk;
  return joined.length > limit ? joined.slice(-limit) : joined;
}

/**
 * Any command-line client, in any language: spawned once per login with the
 * case's issuer and client in its environment, and judged by its exit code.
 * The kit is its browser: it opens the authorization URL the command prints
 * (on stdout or stderr) or hands to $BROWSER, logs in headlessly, and
 * delivers the redirect to the command's loopback listener (RFC 8252).
 */
export function commandAdapter(options: CommandAdapterOptions): ClientAdapter {
  // The command never sees a third party's parameters: the cases would pass on what it was never shown.
  if (options.capabilities?.includes('third-party-login'))
    throw new TypeError('commandAdapter: a command has no login initiation endpoint (third-party-login)');
  // Every login of a client still to release, the last one last: a case may log in more than once.
  const logins = new Map<string, Login[]>();
  const inboxes = new Map<string, Login>();
  let inbox: Promise<{ server: Server; url: string }> | undefined;

  /** `via`: how the command showed the URL, for the note when it is none. */
  async function open(login: Login, href: string, via: 'printed' | 'handed the browser'): Promise<void> {
    // A command judged already (one deaf to SIGTERM may still print) must not act in a later case's name.
    if (login.judged || login.opened.has(href)) return;
    login.opened.add(href);
    const idpOrigin = new URL(login.context.issuer).origin;
    if (!URL.canParse(href)) {
      login.note(`it ${via} ${JSON.stringify(href.slice(0, 100))}, which is no URL`);
      return;
    }
    const target = new URL(href);
    if (target.origin !== idpOrigin) {
      // Where the case's discovery sent it (plain http on another host): no browser of the kit's goes there,
      // and the command would wait for a callback that never comes. Any other page elsewhere is not the login's.
      const left = offIssuerAuthorization(target, login.context);
      if (left) login.leave(`${left.message}; the kit's browser stops there`);
      else login.notFollowed ??= href;
      return;
    }
    login.progress = 'at the issuer';
    try {
      const stop = await login.browser.navigate(href, {
        until: (url) => url.origin !== idpOrigin,
        throwOnError: false,
      });
      if (stop.response) {
        const page = (await stop.response.text())
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200);
        login.abandon(`the login stopped at the identity provider (${stop.response.status}): ${page}`);
        return;
      }
      login.progress = { redirectSentTo: stop.url.origin };
      const callback = await login.browser.request(
        stop.url,
        stop.form
          ? { method: 'POST', body: stop.form.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
          : {},
      );
      await callback.arrayBuffer();
      login.progress = { redirectDeliveredTo: stop.url.origin };
    } catch (error) {
      // A command that got its callback may close its listener before answering: its exit code says more.
      login.note(`the browser could not deliver the redirect: ${(error as Error).message}`);
    }
  }

  function inboxServer(): Promise<{ server: Server; url: string }> {
    inbox ??= new Promise((resolve) => {
      const server = createServer((req, res) => {
        const target = inboxes.get(req.url?.slice(1) ?? '');
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => {
          if (body.length < 64 * 1024) body += chunk;
        });
        req.on('end', () => {
          res.writeHead(target ? 204 : 404).end();
          if (target) void open(target, body.trim(), 'handed the browser');
        });
      });
      server.listen(0, '127.0.0.1', () => {
        server.unref();
        resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      });
    });
    return inbox;
  }

  function environment(context: CaseContext, inboxUrl: string): NodeJS.ProcessEnv {
    const registration = Object.fromEntries(
      Object.entries(registrationOf(context)).map(([name, value]) => [`MOCK_IDP_${name.toUpperCase()}`, value]),
    );
    return {
      ...process.env,
      ...options.env,
      ...registration,
      MOCK_IDP_BROWSER_INBOX: inboxUrl,
      BROWSER: standInBrowser(),
    };
  }

  function commandLine(context: CaseContext): string {
    const values = registrationOf(context);
    return options.command.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
      name in values ? shellQuote(values[name]!) : whole,
    );
  }

  return {
    name: options.name ?? options.command,
    capabilities: options.capabilities ?? ['issuer-url', 'native'],
    registration: options.registration ?? NATIVE_CLIENT,
    async run(context): Promise<ClientOutcome> {
      const { url: inboxUrl } = await inboxServer();
      const token = randomBytes(12).toString('base64url');
      const child = spawn(commandLine(context), {
        // Its own process group, so that stopping it stops what the shell started too.
        shell: true,
        detached: true,
        cwd: options.cwd,
        env: environment(context, `${inboxUrl}/${token}`),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let abandoned: string | undefined;
      let left: string | undefined;
      // Resolved when the kit stops the login itself: its verdict stands even if the command ignores SIGTERM.
      let stopped!: () => void;
      const stoppedByKit = new Promise<void>((resolve) => {
        stopped = resolve;
      });
      const stop = () => {
        killGroup(child, 'SIGTERM');
        stopped();
      };
      const login: Login = {
        context,
        child,
        browser: new UserAgent(),
        opened: new Set(),
        abandon(message) {
          abandoned ??= message;
          stop();
        },
        leave(message) {
          left ??= message;
          stop();
        },
        note(message) {
          login.browserNote ??= message;
        },
        progress: 'nothing opened',
      };
      // Logins that are over hold their output and browser: only those still running wait for release().
      const earlier = (logins.get(context.clientId) ?? []).filter((other) => running(other.child));
      logins.set(context.clientId, [...earlier, login]);
      inboxes.set(token, login);

      const issuerPrefix = context.issuer.replace(/\/?$/, '/');
      const issuerOrigin = new URL(context.issuer).origin;
      let stdout = '';
      let stderr = '';
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
        child.once('error', () => resolve([127, null]));
        child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
      });
      const scan = (line: string) => {
        for (const href of urlsIn(line)) {
          // Only the authorization request: a command may print its issuer and other URLs too.
          if (!/[?&](response_type|request_uri|request)=/.test(href)) continue;
          // At another origin, open() takes only the command's own request (discovery named an endpoint there).
          if (href.startsWith(issuerPrefix) || !href.startsWith(`${issuerOrigin}/`)) void open(login, href, 'printed');
          else login.notFollowed ??= href;
        }
      };
      // Whole lines, since a URL may arrive split across two chunks; a last line without its
      // newline ("Open this URL: ...", then waiting) is read once the command falls silent.
      const watcher = () => {
        let partial = '';
        let quiet: NodeJS.Timeout | undefined;
        return (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = appendCapped('', lines.pop() ?? '', 64 * 1024);
          lines.forEach(scan);
          clearTimeout(quiet);
          if (partial) quiet = setTimeout(() => scan(partial), 100).unref();
        };
      };
      const watchStdout = watcher();
      const watchStderr = watcher();
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = appendCapped(stdout, chunk);
        watchStdout(chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = appendCapped(stderr, chunk);
        watchStderr(chunk);
      });

      try {
        const [code, signal] = await Promise.race([
          exited,
          // A command stopped by the kit gets a moment to clean up, then its verdict (abandoned or left) stands
          // whether it exited or not: the signal here is never read, since those two are judged first.
          stoppedByKit.then(() => Promise.race([exited, sleep(STOP_GRACE_MS).then(() => [null, 'SIGTERM'] as const)])),
        ]);
        // Abandoned only at a page of mock-idp's own: it refused the command's request, so no fault reached it.
        if (abandoned !== undefined) return { ok: false, code: 'abandoned', refusedByIdp: true, message: abandoned };
        if (left !== undefined) return { ok: false, code: 'left-issuer', message: left };
        if (code === 0) return { ok: true, claims: claimsFrom(stdout) };
        const said = lastLine(stderr) || lastLine(stdout);
        const how = signal ? `killed by ${signal}` : `exited with ${code}`;
        return {
          ok: false,
          code: signal ? `signal-${signal}` : `exit-${code}`,
          message: `${how}${said ? `: ${said}` : ''}${login.browserNote ? ` (${login.browserNote})` : ''}`,
        };
      } finally {
        login.judged = true;
        inboxes.delete(token);
        // Still running after the grace: no later case meets it.
        killGroup(child, 'SIGKILL');
      }
    },
    unfinished(context) {
      const login = logins.get(context.clientId)?.at(-1);
      return login && unfinishedReason(login);
    },
    release(context) {
      // A command still waiting for its callback (the case timed out) is not left behind, nor an earlier login's.
      for (const login of logins.get(context.clientId) ?? []) killGroup(login.child, 'SIGKILL');
      logins.delete(context.clientId);
    },
  };
}
