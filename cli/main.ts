import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { renderBanner, renderBannerJson } from '../mock-idp/banner.js';
// mock-idp's modules one by one, not its index, which loads them all: each
// command loads what it runs, and `--help`, `login` and `schema` never load oidc-provider.
import { ConfigError, ENV_VARS } from '../mock-idp/config/load.js';
import { isLoopbackName } from '../mock-idp/loopback.js';
import { packageRoot } from '../mock-idp/paths.js';
import { loginProfileNames, profileNames } from '../mock-idp/profiles/index.js';
import type { StartOptions } from '../mock-idp/server/start.js';
import { asArgument, parsePort, parseSeconds } from './arguments.js';
import { addLoginCommand } from './login.js';

const program = new Command('mock-idp')
  .description(
    'A local OAuth 2.0 / OpenID Connect identity provider that imitates real providers, for testing clients.',
  )
  .version(
    (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version,
    '-V, --version',
  )
  .showHelpAfterError('(add --help to see the options)')
  // Thrown rather than exited, so that usage errors exit 2 (see the end of this file).
  .exitOverride()
  .addHelpText(
    'after',
    `
Environment variables (a flag wins over its variable, a variable over the config file):
  MOCK_IDP_CONFIG        the config file (as --config)
${Object.entries(ENV_VARS)
  .map(([name, field]) => `  ${name.padEnd(22)} ${field}`)
  .join('\n')}

Examples:
  $ mock-idp serve                                  every profile on http://127.0.0.1:9400
  $ mock-idp serve --profile generic --port 0       one issuer on a free port
  $ mock-idp serve --host 0.0.0.0 --public-url http://localhost:9400 --admin-token "$TOKEN"`,
  );

program
  .command('serve', { isDefault: true })
  .description('run the identity provider (the default command)')
  .addOption(
    new Option('-p, --port <port>', 'port to listen on; 0 picks a free one (default: 9400)').argParser(parsePort),
  )
  .option(
    '-H, --host <address>',
    'address to bind; use 0.0.0.0 only when other machines must reach it (default: 127.0.0.1)',
  )
  .option('-c, --config <file>', 'YAML or JSON config file')
  .addOption(new Option('--profile <name...>', `serve only these profiles (${profileNames().join(', ')})`))
  .option('--public-url <url>', 'base URL browsers and tokens use, e.g. http://localhost:9400')
  .addOption(
    new Option('--login <mode>', 'headless: log in without a page; page: show the login page').choices([
      'headless',
      'page',
    ]),
  )
  .option('--admin-token <token>', 'bearer token for /_admin (required when bound beyond loopback)')
  .addOption(
    new Option(
      '--allowed-host <host...>',
      "host names /_admin answers for besides loopback and the public URL's (e.g. mock-idp in compose)",
    ),
  )
  .addOption(
    new Option('--log-level <level>', 'log level').choices([
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
  )
  .addOption(
    new Option('--log-format <format>', 'log format; auto is pretty on a terminal, JSON otherwise').choices([
      'auto',
      'json',
      'pretty',
    ]),
  )
  .action(
    async (opts: {
      port?: number;
      host?: string;
      config?: string;
      profile?: string[];
      publicUrl?: string;
      login?: 'headless' | 'page';
      adminToken?: string;
      allowedHost?: string[];
      logLevel?: 'info';
      logFormat?: 'auto';
    }) => {
      // The server (oidc-provider and friends) loads only for `serve`: `login`, `schema`
      // and `--help` stay quick and quiet.
      const { startMockIdp } = await import('../mock-idp/server/start.js');
      const idp = await startMockIdp({
        // A socket the vitest globalSetup's server process bound before this bundle loaded
        // (integrations/server-child.cts).
        listening: (globalThis as Record<symbol, unknown>)[
          Symbol.for('mock-idp.listening')
        ] as StartOptions['listening'],
        configFile: opts.config ?? process.env.MOCK_IDP_CONFIG,
        env: process.env,
        port: opts.port,
        host: opts.host,
        profiles: opts.profile,
        publicBaseUrl: opts.publicUrl,
        login: opts.login,
        adminToken: opts.adminToken,
        allowedHosts: opts.allowedHost,
        logLevel: opts.logLevel ?? (process.env.MOCK_IDP_LOG_LEVEL ? undefined : 'info'),
        logFormat: opts.logFormat,
      });
      const loopbackOnly = isLoopbackName(idp.config.host);
      const render = idp.config.logFormat === 'json' ? renderBannerJson : renderBanner;
      const access = { adminOpen: !!idp.config.adminToken || loopbackOnly, loopbackOnly: !idp.config.adminToken };
      process.stdout.write(`${render(idp.url, idp.describe(), access)}\n`);
      // A stop drains: requests in flight are answered (up to 10 s), then the process exits; a second signal exits at
      // once.
      const stop = () => {
        process.once('SIGINT', () => process.exit(1));
        process.once('SIGTERM', () => process.exit(1));
        idp.close({ deadlineMs: 10_000 }).finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  );

program
  .command('schema')
  .description('print the JSON Schema of the config file (for editor completion of YAML and JSON config)')
  .action(async () => {
    const { configJsonSchema } = await import('../mock-idp/config/json-schema.js');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

addLoginCommand(program);

program
  .command('conform')
  .description(
    'test a client with the conformance kit: a web app or a single-page app (black box), or a command-line client, ' +
      'against every case of the catalog',
  )
  .addOption(
    new Option(
      '--adapter <kind>',
      'how to drive the client: web (the kit is the browser), spa (a single-page app, in Chromium) or command ' +
        '(the kit runs it)',
    ).choices(['web', 'spa', 'command']),
  )
  .option(
    '--url <url>',
    "web: the app's base URL, e.g. http://127.0.0.1:3000; spa: the page that starts a login, e.g. " +
      'http://127.0.0.1:5173/',
  )
  .option('--sign-in <selector>', 'spa: the sign-in button to click (a CSS selector); none if the page logs in itself')
  .option('--session <selector>', 'spa: what the app shows only when signed in, e.g. #user (a CSS selector)')
  .option('--failure <selector>', "spa: the app's error message (a CSS selector): a refusal is judged at once")
  .addOption(
    new Option('--settle <ms>', 'spa: how long the app must be quiet before it is judged (default 500)').argParser(
      asArgument(parseMilliseconds),
    ),
  )
  .option('--chromium <path>', "spa: the Chromium binary, e.g. /usr/bin/chromium (default: playwright-core's)")
  .option('--login <path>', 'web: the path that starts a login', '/login')
  .option(
    '--login-form [selector]',
    'web: the login page has a sign-in button to press: submit this form (a CSS selector; default: its only POST form)',
  )
  .option('--whoami <path>', 'web: a page that answers 2xx only when logged in, e.g. /me (the surest rule)')
  .addOption(
    new Option(
      '--success-status <code>',
      'web, without --whoami: the final status that means logged in (default: any 2xx)',
    ).argParser(asArgument(parseStatus)),
  )
  .option('--success-text <text>', 'web: text the page shows only when logged in')
  .option(
    '--success-url <path>',
    'web, without --whoami: where the browser ends when logged in, a path prefix (/dashboard) or URL prefix',
  )
  .option(
    '--backchannel-logout <path>',
    "web: the app's back-channel logout endpoint, e.g. /backchannel-logout (adds the logout token cases)",
  )
  .option('--logout <path>', 'web: where the app signs a user out, e.g. /logout (adds the RP-initiated logout cases)')
  .addOption(
    new Option('--logout-method <method>', 'web: how --logout is asked for: GET, or POST for a form button').choices([
      'GET',
      'POST',
    ]),
  )
  .option(
    '--post-logout-redirect-uri <uri>',
    "web: where the issuer sends the browser after the app's logout (default: <url>/)",
  )
  .option(
    '--initiate-login <path>',
    "web: the app's login initiation endpoint (initiate_login_uri), e.g. /login/initiate (adds the third-party " +
      'login cases)',
  )
  .option(
    '--client-id <id>',
    "web, spa: the client_id the app is configured with (default: the profile's web client, e.g. generic-basic; " +
      'for spa its public client, e.g. generic-spa)',
  )
  .option('--client-secret <secret>', 'web: its client secret (omit for a public client)')
  .option('--redirect-uri <uri>', 'web, spa: its redirect URI (default: <url origin>/callback)')
  .addOption(
    new Option(
      '--token-endpoint-auth-method <method>',
      'web: how the app authenticates (default: client_secret_basic with a secret, none without); spa: none',
    ).choices(['client_secret_basic', 'client_secret_post', 'none']),
  )
  .option(
    '--command <command line>',
    'command: what logs in, run by the shell per login; gets MOCK_IDP_ISSUER, ' +
      'MOCK_IDP_CLIENT_ID, ... and {issuer} {client_id} placeholders',
  )
  .addOption(
    new Option('--profile <name>', `the provider to imitate (${loginProfileNames().join(', ')})`).default('generic'),
  )
  .addOption(
    new Option('--cases <ids>', 'only these case ids, comma-separated (see --list)').argParser((value: string) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  )
  .option('--list', 'print the case catalog and exit')
  .addOption(
    new Option('--concurrency <n>', "cases in flight at once (a web app's fixed client runs one at a time)").argParser(
      asArgument(parseCount),
    ),
  )
  .addOption(
    new Option('--timeout <seconds>', 'give up on one login after this long').default(10).argParser(parseSeconds),
  )
  .addOption(
    new Option(
      '--jwks-refetch-interval <seconds>',
      'how long the client may hold off refetching the JWKS for an unknown kid; a key rotation ' +
        'reaches it this long after its last JWKS fetch (default 10; openid-client needs 61; 0: at ' +
        'once)',
    ).argParser(asArgument(parseSecondsOrZero)),
  )
  .addOption(
    new Option(
      '--clock-tolerance <seconds>',
      'the clock skew the client accepts (default 60): skew cases within it expect acceptance, beyond it rejection',
    ).argParser(asArgument(parseSecondsOrZero)),
  )
  .option('--verbose', 'show the requests the IdP saw for every case in the table, not only for failures and warnings')
  .addOption(
    new Option(
      '--report <file>',
      'write a report: .xml (JUnit), .json, .md or .html (one self-contained page); repeatable',
    )
      .default([])
      .argParser((value: string, previous: string[]) => [...previous, value]),
  )
  .addOption(
    new Option('-p, --port <port>', 'port for mock-idp; the app must use its issuer URL')
      .default(9400)
      .argParser(parsePort),
  )
  .addOption(
    new Option('--wait <seconds>', 'web, spa: wait this long for the app to answer before starting')
      .default(30)
      .argParser(parseSeconds),
  )
  .addHelpText(
    'after',
    `
Exit code: 0 when no MUST case failed and every fault was delivered, 1 otherwise, 2 on a usage error.
Progress goes to stderr, the summary table to stdout.

Examples:
  $ mock-idp conform --adapter web --url http://127.0.0.1:3000 --login /login --whoami /me \\
      --client-id my-app --client-secret my-secret --report junit.xml --report conformance.md
  $ mock-idp conform --adapter web --url http://localhost:3000 --login /login --profile okta   # the app uses okta-web
  $ mock-idp conform --adapter spa --url http://127.0.0.1:5173/ --sign-in '#login' --session '#user' \\
      --chromium /usr/bin/chromium                        # the app uses generic-spa, a public client
  $ mock-idp conform --adapter command --command 'my-cli login --issuer {issuer} --client-id {client_id}'
  $ mock-idp conform --list`,
  )
  .action(async function (this: Command, opts: ConformCliOptions) {
    const [{ conform, UsageError, ConformRunError }, { cases, catalogListing }] = await Promise.all([
      import('./conform.js'),
      import('../conformance/index.js'),
    ]);
    if (opts.list) {
      process.stdout.write(`${catalogListing(cases)}\n`);
      return;
    }
    if (!opts.adapter)
      this.error("error: required option '--adapter <kind>' not specified (web, spa or command)", { exitCode: 2 });
    // --login has a default, so only where it came from tells a --login given to another adapter.
    if (opts.adapter !== 'web' && this.getOptionValueSource('login') === 'cli')
      this.error(
        `error: --login: only for --adapter web${
          opts.adapter === 'spa' ? ' (spa: --url is the page that starts a login)' : ''
        }`,
        { exitCode: 2 },
      );
    try {
      process.exitCode = await conform({ ...opts, adapter: opts.adapter });
    } catch (error) {
      if (error instanceof UsageError) this.error(`error: ${error.message}`, { exitCode: 2 });
      if (error instanceof ConformRunError) {
        process.stderr.write(`mock-idp conform: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw error;
    }
  });

type ConformCliOptions = Omit<import('./conform.js').ConformOptions, 'adapter'> & {
  adapter?: 'web' | 'spa' | 'command';
  list?: boolean;
};

function parseStatus(value: string): number {
  const status = Number(value);
  if (!/^\d{3}$/.test(value) || status < 100 || status > 599)
    throw new InvalidArgumentError('expected an HTTP status, 100-599');
  return status;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > 64)
    throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return count;
}

function parseMilliseconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 60_000)
    throw new InvalidArgumentError('expected a whole number of milliseconds from 1 to 60000');
  return Number(value);
}

function parseSecondsOrZero(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) > 2_000_000)
    throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return Number(value);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander has printed the message (or the help); help exits 0, a usage error 2.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof ConfigError) {
    process.stderr.write(`mock-idp: ${error.message}\n`);
    process.exit(2);
  }
  const err = error as NodeJS.ErrnoException;
  if (
    ['ENOTFOUND', 'EADDRNOTAVAIL', 'EAI_AGAIN', 'EAI_FAIL', 'EINVAL', 'EACCES'].includes(err.code ?? '') &&
    err.syscall !== undefined
  ) {
    process.stderr.write(`mock-idp: cannot listen: ${err.message}; check --host (MOCK_IDP_HOST) and --port\n`);
    process.exit(1);
  }
  if (err.code === 'EADDRINUSE') {
    process.stderr.write(`mock-idp: port already in use (${err.message}); pick another with --port\n`);
    process.exit(1);
  }
  process.stderr.write(`mock-idp: ${err.stack ?? String(err)}\n`);
  process.exit(1);
});
