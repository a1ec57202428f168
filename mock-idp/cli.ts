#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=160
// The V8 flags above bound the server's resident memory: by default V8 keeps a
// large young generation and grows the old one lazily, so RSS climbed past 170 MB
// under sustained logins while live data stayed near 40 MB (see bench/). Stores
// and the request log are bounded, so 160 MB of old space leaves ample headroom.
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, ENV_VARS } from './config/load.js';
import { renderBanner } from './banner.js';
import { profileNames } from './profiles/index.js';

const program = new Command('mock-idp')
  .description('A local OAuth 2.0 / OpenID Connect identity provider that imitates real providers, for testing clients.')
  .showHelpAfterError()
  .addHelpText('after', `
Environment variables (a flag wins over its variable, a variable over the config file):
  MOCK_IDP_CONFIG        the config file (as --config)
${Object.entries(ENV_VARS).map(([name, field]) => `  ${name.padEnd(22)} ${field}`).join('\n')}

Examples:
  $ mock-idp serve                                  every profile on http://127.0.0.1:9400
  $ mock-idp serve --profile generic --port 0       one issuer on a free port
  $ mock-idp serve --host 0.0.0.0 --public-url http://localhost:9400 --admin-token "$TOKEN"`);

program
  .command('serve', { isDefault: true })
  .description('run the identity provider (the default command)')
  .addOption(new Option('-p, --port <port>', 'port to listen on; 0 picks a free one (default: 9400)').argParser(parsePort))
  .option('-H, --host <address>', 'address to bind; use 0.0.0.0 only when other machines must reach it (default: 127.0.0.1)')
  .option('-c, --config <file>', 'YAML or JSON config file')
  .addOption(new Option('--profile <name...>', `serve only these profiles (${profileNames().join(', ')})`))
  .option('--public-url <url>', 'base URL browsers and tokens use, e.g. http://localhost:9400')
  .addOption(new Option('--login <mode>', 'headless: log in without a page; page: show the login page').choices(['headless', 'page']))
  .option('--admin-token <token>', 'bearer token for /_admin (required when bound beyond loopback)')
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
  .addOption(new Option('--log-format <format>', 'log format; auto is pretty on a terminal, JSON otherwise').choices(['auto', 'json', 'pretty']))
  .action(async (opts: {
    port?: number; host?: string; config?: string; profile?: string[]; publicUrl?: string;
    login?: 'headless' | 'page'; adminToken?: string; logLevel?: 'info'; logFormat?: 'auto';
  }) => {
    // The server (oidc-provider and friends) loads only for `serve`: `login`, `schema`
    // and `--help` stay quick and quiet.
    const { startMockIdp } = await import('./server/start.js');
    const idp = await startMockIdp({
      configFile: opts.config ?? process.env.MOCK_IDP_CONFIG,
      env: process.env,
      port: opts.port,
      host: opts.host,
      profiles: opts.profile,
      publicBaseUrl: opts.publicUrl,
      login: opts.login,
      adminToken: opts.adminToken,
      logLevel: opts.logLevel ?? (process.env.MOCK_IDP_LOG_LEVEL ? undefined : 'info'),
      logFormat: opts.logFormat,
    });
    const loopbackOnly = ['127.0.0.1', 'localhost', '::1'].includes(idp.config.host);
    process.stdout.write(`${renderBanner(idp.url, idp.describe(), { adminOpen: !!idp.config.adminToken || loopbackOnly, loopbackOnly: !idp.config.adminToken })}\n`);
    const stop = () => {
      idp.close().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('schema')
  .description('print the JSON Schema of the config file (for editor completion of YAML and JSON config)')
  .action(async () => {
    const { configJsonSchema } = await import('./config/json-schema.js');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

program
  .command('login')
  .description('log in at an OpenID Connect provider as a command-line tool would (RFC 8252 loopback redirect) and print the tokens and ID token claims as JSON')
  .requiredOption('--issuer <url>', 'the provider\'s issuer URL (discovery), e.g. http://127.0.0.1:9400/generic')
  .requiredOption('--client-id <id>', 'client_id of a native client with an http://127.0.0.1/callback redirect URI')
  .option('--client-secret <secret>', 'authenticate with client_secret_basic (default: a public client, PKCE only)')
  .option('--scope <scope>', 'space-separated scope', 'openid profile')
  .option('--login-hint <hint>', 'login_hint: which user to log in')
  .addOption(new Option('--timeout <seconds>', 'give up after this many seconds').default(120).argParser(parseSeconds))
  .addOption(new Option('--port <port>', 'loopback port for the redirect; 0 picks a free one').default(0).argParser(asArgument(parsePort)))
  .addHelpText('after', `
The authorization URL is printed to stderr: open it in a browser. Nothing is launched.
On success stdout gets {"tokens": {...}, "claims": {...}} and the exit code is 0; on failure 1.

Example:
  $ mock-idp login --issuer http://127.0.0.1:9400/generic --client-id generic-cli --login-hint bob`)
  .action(async (opts: {
    issuer: string; clientId: string; clientSecret?: string; scope: string; loginHint?: string; timeout: number; port: number;
  }) => {
    // Loaded here so that `serve` never pays for the client code.
    const [{ loopbackLogin }, { clientSecretBasic, none }] = await Promise.all([
      import('../client/loopback-login.js'),
      import('../client/client-auth.js'),
    ]);
    try {
      const result = await loopbackLogin({
        issuer: opts.issuer,
        clientId: opts.clientId,
        clientAuth: opts.clientSecret === undefined ? none() : clientSecretBasic(opts.clientSecret),
        scope: opts.scope,
        ...(opts.loginHint !== undefined ? { loginHint: opts.loginHint } : {}),
        timeoutMs: opts.timeout * 1000,
        port: opts.port,
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } catch (error) {
      const err = error as Error & { code?: unknown };
      const code = typeof err.code === 'string' ? ` [${err.code}]` : '';
      process.stderr.write(`mock-idp login: ${err.message ?? String(error)}${code}\n`);
      process.exitCode = 1;
    }
  });

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0) || seconds > 2_000_000) throw new InvalidArgumentError('expected a number of seconds above 0');
  return seconds;
}

/** Commander prints an InvalidArgumentError as a one-line usage error; any other error escapes with its stack. */
function asArgument<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`invalid port "${value}": expected 0-65535`);
  return port;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`mock-idp: ${error.message}\n`);
    process.exit(2);
  }
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') {
    process.stderr.write(`mock-idp: port already in use (${err.message}); pick another with --port\n`);
    process.exit(1);
  }
  process.stderr.write(`mock-idp: ${err.stack ?? String(err)}\n`);
  process.exit(1);
});
