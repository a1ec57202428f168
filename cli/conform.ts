import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientMetadata } from 'oidc-provider';
import { loginWindowMs } from '../conformance/adapters/spa.js';
import {
  type ClientAdapter,
  type ConformanceReport,
  cases,
  commandAdapter,
  type FixedClient,
  progressLine,
  type ReportLinks,
  runConformance,
  spaAdapter,
  summaryTable,
  type TokenEndpointAuthMethod,
  toHtml,
  toJson,
  toJUnit,
  toMarkdown,
  webAppAdapter,
} from '../conformance/index.js';
import { loginProfileNames, profileNames } from '../mock-idp/profiles/index.js';

/** The options of `mock-idp conform`, as commander parsed them. */
export interface ConformOptions {
  adapter: 'web' | 'spa' | 'command';
  url?: string;
  login: string;
  /** Press a sign-in form on the login page: its CSS selector, or true for the page's only POST form. */
  loginForm?: string | true;
  whoami?: string;
  successStatus?: number;
  successText?: string;
  successUrl?: string;
  backchannelLogout?: string;
  /** Where the app signs a user out: adds the RP-initiated logout cases. */
  logout?: string;
  logoutMethod?: 'GET' | 'POST';
  postLogoutRedirectUri?: string;
  /** The app's login initiation endpoint (OIDC Core 4): adds the third-party login cases. */
  initiateLogin?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  command?: string;
  /** spa: the sign-in button to click, what shows only when signed in, and the app's error message (CSS selectors). */
  signIn?: string;
  session?: string;
  failure?: string;
  /** spa: how long the app must be quiet before it is judged, in ms. */
  settle?: number;
  /** spa: the Chromium binary. */
  chromium?: string;
  profile: string;
  cases?: string[];
  concurrency?: number;
  timeout: number;
  /** Print the requests the IdP saw for every case, not only for failures and warnings. */
  verbose?: boolean;
  jwksRefetchInterval?: number;
  clockTolerance?: number;
  report: string[];
  port: number;
  wait: number;
}

/** A mistake in how the command was called: exit code 2, before anything runs. */
export class UsageError extends Error {}

/** The run could not happen (the app never answered): exit code 1, with this message. */
export class ConformRunError extends Error {}

function httpUrl(option: string, value: string | undefined): void {
  if (value === undefined) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} ${value}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${option} ${value}: not an http(s) URL`);
}

const WRITERS: Record<string, (report: ConformanceReport, links: ReportLinks) => string> = {
  '.xml': toJUnit,
  '.json': toJson,
  '.md': toMarkdown,
  '.html': toHtml,
};

/** The options only one adapter takes, by their camelCase names. */
const ADAPTER_OPTIONS = {
  web: [
    'loginForm',
    'whoami',
    'clientSecret',
    'successStatus',
    'successText',
    'successUrl',
    'backchannelLogout',
    'logout',
    'logoutMethod',
    'postLogoutRedirectUri',
    'initiateLogin',
  ],
  spa: ['signIn', 'session', 'failure', 'settle', 'chromium'],
  // A client the kit reaches through a browser, a web app's or a single-page app's.
  browser: ['url', 'clientId', 'redirectUri', 'tokenEndpointAuthMethod'],
} as const satisfies Record<string, readonly (keyof ConformOptions)[]>;

/** Options given that the adapter does not take: a usage error naming them and who takes them. */
function refuseOthers(options: ConformOptions, groups: readonly (keyof typeof ADAPTER_OPTIONS)[], forWhom: string) {
  const given = groups.flatMap((group) => ADAPTER_OPTIONS[group]).filter((o) => options[o] !== undefined);
  if (given.length)
    throw new UsageError(
      `--${given.map((o) => o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(', --')}: only for ${forWhom}`,
    );
}

function checkUsage(options: ConformOptions): void {
  if (options.adapter === 'spa') {
    if (!options.url) throw new UsageError("--adapter spa needs --url, the app's page that starts a login");
    if (!options.session)
      throw new UsageError('--adapter spa needs --session, a CSS selector the app shows only when signed in');
    for (const option of ['signIn', 'failure'] as const)
      if (options[option] === '')
        throw new UsageError(`--${option === 'signIn' ? 'sign-in' : option} takes a CSS selector, not nothing`);
    if (options.tokenEndpointAuthMethod !== undefined && options.tokenEndpointAuthMethod !== 'none')
      throw new UsageError('--adapter spa tests a public client: its --token-endpoint-auth-method is none');
    if (options.settle !== undefined && options.settle * 2 >= loginWindowMs(options.timeout * 1000))
      throw new UsageError(
        `--settle ${options.settle} leaves the app no time to log in within --timeout ${options.timeout}: ` +
          'raise --timeout',
      );
    if (options.command) throw new UsageError('--command is for --adapter command');
    refuseOthers(options, ['web'], '--adapter web');
    httpUrl('--url', options.url);
    httpUrl('--redirect-uri', options.redirectUri);
  } else if (options.adapter === 'web') {
    if (!options.url) throw new UsageError("--adapter web needs --url, the app's base URL");
    refuseOthers(options, ['spa'], '--adapter spa');
    if (!options.clientId && (options.clientSecret !== undefined || options.tokenEndpointAuthMethod)) {
      throw new UsageError(
        '--client-secret and --token-endpoint-auth-method describe your --client-id: give it too ' +
          "(without all three, the profile's web client is assumed)",
      );
    }
    if (options.successUrl !== undefined && options.whoami)
      throw new UsageError('--success-url judges the page the login ends on; --whoami judges its own page: give one');
    if (options.command) throw new UsageError('--command is for --adapter command');
    if (options.loginForm === '')
      throw new UsageError("--login-form takes a form's CSS selector, or nothing for the page's only POST form");
    httpUrl('--url', options.url);
    httpUrl('--redirect-uri', options.redirectUri);
    httpUrl('--post-logout-redirect-uri', options.postLogoutRedirectUri);
    if (!options.logout && (options.logoutMethod || options.postLogoutRedirectUri))
      throw new UsageError("--logout-method and --post-logout-redirect-uri describe the app's --logout: give it too");
    if (options.successUrl !== undefined && !options.successUrl.startsWith('/'))
      httpUrl('--success-url', options.successUrl);
  } else {
    if (!options.command) throw new UsageError('--adapter command needs --command, the command line that logs in');
    refuseOthers(options, ['browser'], '--adapter web or spa');
    refuseOthers(options, ['web'], '--adapter web');
    refuseOthers(options, ['spa'], '--adapter spa');
  }
  if (!profileNames().includes(options.profile))
    throw new UsageError(`unknown profile "${options.profile}" (profiles: ${loginProfileNames().join(', ')})`);
  if (!(loginProfileNames() as string[]).includes(options.profile))
    throw new UsageError(
      `the ${options.profile} profile has no login for a client to go through ` +
        `(profiles: ${loginProfileNames().join(', ')})`,
    );
  const unknown = (options.cases ?? []).filter((id) => !cases.some((c) => c.id === id));
  if (unknown.length) throw new UsageError(`unknown case(s): ${unknown.join(', ')} (see mock-idp conform --list)`);
  for (const file of options.report) {
    if (!WRITERS[extname(file).toLowerCase()])
      throw new UsageError(`--report ${file}: name it .xml (JUnit), .json, .md or .html`);
  }
}

/** The app under test may start after us (it needs our issuer) or before: wait until it answers at all. */
async function waitForApp(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new ConformRunError(
          `the app at ${url} did not answer within ${seconds} s (${cause}); start it, or raise --wait`,
        );
      }
      await sleep(250);
    }
  }
}

/**
 * The profile's own confidential web client (generic-basic, okta-web, ...,
 * from fixtures/clients/<profile>.json): what an app is set up with after
 * `docker compose up`, so `--client-id` can be left out.
 */
function defaultWebClient(clients: readonly ClientMetadata[], publicClient = false): ClientMetadata | undefined {
  return clients.find(
    (c) =>
      (publicClient
        ? c.token_endpoint_auth_method === 'none'
        : typeof c.client_secret === 'string' &&
          ['client_secret_basic', 'client_secret_post'].includes(
            c.token_endpoint_auth_method ?? 'client_secret_basic',
          )) &&
      c.application_type !== 'native' &&
      (c.grant_types ?? ['authorization_code']).includes('authorization_code') &&
      (c.redirect_uris ?? []).length > 0,
  );
}

/**
 * `alsoRedirectUris`: an assumed fixture client keeps the redirect URIs it is
 * registered with (127.0.0.1 and localhost), so an app configured from the
 * fixture still matches when --url names the other host.
 */
function adapterFor(
  options: ConformOptions,
  alsoRedirectUris: readonly string[] = [],
): { adapter: ClientAdapter; client?: FixedClient } {
  if (options.adapter === 'command') return { adapter: commandAdapter({ command: options.command! }) };
  const url = options.url!;
  if (options.adapter === 'spa')
    return {
      adapter: spaAdapter({
        url,
        session: options.session!,
        ...(options.signIn ? { signIn: options.signIn } : {}),
        ...(options.failure ? { failure: options.failure } : {}),
        ...(options.settle !== undefined ? { settleMs: options.settle } : {}),
        ...(options.chromium ? { browser: { executablePath: options.chromium } } : {}),
      }),
      client: {
        clientId: options.clientId!,
        tokenEndpointAuthMethod: options.tokenEndpointAuthMethod ?? 'none',
        redirectUris: [...new Set([options.redirectUri ?? new URL('/callback', url).href, ...alsoRedirectUris])],
      },
    };
  const success = {
    ...(options.successStatus !== undefined ? { status: options.successStatus } : {}),
    ...(options.successText !== undefined ? { text: options.successText } : {}),
    ...(options.successUrl !== undefined ? { url: options.successUrl } : {}),
  };
  return {
    adapter: webAppAdapter({
      url,
      loginPath: options.login,
      ...(options.loginForm !== undefined ? { loginForm: options.loginForm } : {}),
      ...(options.whoami ? { whoami: options.whoami } : {}),
      ...(options.backchannelLogout ? { backchannelLogoutPath: options.backchannelLogout } : {}),
      ...(options.logout ? { logoutPath: options.logout, logoutMethod: options.logoutMethod ?? 'GET' } : {}),
      ...(options.initiateLogin ? { initiateLoginPath: options.initiateLogin } : {}),
      success,
    }),
    client: {
      clientId: options.clientId!,
      ...(options.clientSecret !== undefined ? { clientSecret: options.clientSecret } : {}),
      ...(options.tokenEndpointAuthMethod ? { tokenEndpointAuthMethod: options.tokenEndpointAuthMethod } : {}),
      redirectUris: [...new Set([options.redirectUri ?? new URL('/callback', url).href, ...alsoRedirectUris])],
      ...(options.backchannelLogout ? { backchannelLogoutUri: new URL(options.backchannelLogout, url).href } : {}),
      ...(options.logout ? { postLogoutRedirectUris: [options.postLogoutRedirectUri ?? new URL('/', url).href] } : {}),
    },
  };
}

export interface ConformIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * `mock-idp conform`: starts mock-idp with the profile's issuer, runs the
 * catalog against the client, prints progress and the summary, writes the
 * reports, and returns the exit code (1 when a MUST case failed).
 */
export async function conform(options: ConformOptions, io: ConformIo = process): Promise<number> {
  checkUsage(options);
  // The server loads only once the command line is known to be right: a usage error stays instant.
  const { startMockIdp } = await import('../mock-idp/server/start.js');
  // Its own IdP, so a roomy request log: every case is judged on its records.
  const idp = await startMockIdp({
    port: options.port,
    host: '127.0.0.1',
    profiles: [options.profile],
    logLevel: 'silent',
    requestLogSize: 20_000,
  });
  try {
    const issuer = idp.issuers[options.profile]!;
    let assumed: ClientMetadata | undefined;
    if (options.adapter !== 'command' && !options.clientId) {
      // A single-page app is a public client; a web app keeps a secret.
      const spa = options.adapter === 'spa';
      assumed = defaultWebClient(idp.issuer(options.profile).clients, spa);
      if (!assumed)
        throw new UsageError(
          `the ${options.profile} profile has no ${spa ? 'public' : 'confidential web'} client to assume: ` +
            'give --client-id',
        );
    }
    const { adapter, client } = adapterFor(
      assumed
        ? {
            ...options,
            clientId: assumed.client_id,
            ...(assumed.client_secret === undefined ? {} : { clientSecret: String(assumed.client_secret) }),
            tokenEndpointAuthMethod: (assumed.token_endpoint_auth_method ??
              'client_secret_basic') as TokenEndpointAuthMethod,
          }
        : options,
      assumed?.redirect_uris ?? [],
    );
    io.stderr.write(`mock-idp conform: ${adapter.name} against ${issuer}\n`);
    if (assumed) {
      io.stderr.write(
        `  no --client-id: assuming the ${options.profile} profile's ${options.adapter === 'spa' ? 'public' : 'web'} ` +
          `client ${assumed.client_id} (` +
          `${assumed.client_secret === undefined ? '' : `secret ${String(assumed.client_secret)}, `}` +
          `${assumed.token_endpoint_auth_method ?? 'client_secret_basic'}), from ` +
          `fixtures/clients/${options.profile}.json\n`,
      );
    }
    if (client) {
      io.stderr.write(
        `  the app must use issuer ${issuer}, client_id ${client.clientId}, redirect URI ` +
          `${client.redirectUris.join(' or ')}` +
          `${client.postLogoutRedirectUris ? `, post-logout redirect URI ${client.postLogoutRedirectUris[0]}` : ''}\n`,
      );
      await waitForApp(options.url!, options.wait);
    }
    const report = await runConformance({
      idp,
      issuer: options.profile,
      adapter,
      ...(client ? { client } : {}),
      ...(options.cases ? { only: options.cases } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      timeoutMs: options.timeout * 1000,
      ...(options.jwksRefetchInterval !== undefined
        ? { jwksRefetchIntervalMs: options.jwksRefetchInterval * 1000 }
        : {}),
      ...(options.clockTolerance !== undefined ? { clockToleranceSeconds: options.clockTolerance } : {}),
      onResult: (result, done, total) => io.stderr.write(`${progressLine(result, done, total, !!io.stderr.isTTY)}\n`),
    });
    const width = Math.max(80, (io.stdout as { columns?: number }).columns ?? 120);
    io.stdout.write(`\n${summaryTable(report, { colour: !!io.stdout.isTTY, verbose: !!options.verbose, width })}\n`);
    for (const file of options.report) {
      await mkdir(dirname(file), { recursive: true });
      // A JUnit report names the HTML one beside it, so a CI page links to the readable version.
      const html = options.report.find((f) => extname(f).toLowerCase() === '.html');
      await writeFile(
        file,
        WRITERS[extname(file).toLowerCase()]!(report, html ? { html: relative(dirname(file), html) } : {}),
      );
      io.stderr.write(`report written: ${file}\n`);
    }
    return report.passed ? 0 : 1;
  } finally {
    await idp.close();
  }
}
