import { type Command, Option } from 'commander';
import { asArgument, parsePort, parseSeconds } from './arguments.js';

/** `mock-idp login`: kept apart so that a login, run once per case by the conformance kit, loads only the client. */
export function addLoginCommand(program: Command): Command {
  return program
    .command('login')
    .description(
      'log in at an OpenID Connect provider as a command-line tool would (RFC 8252 loopback ' +
        'redirect) and print the tokens and ID token claims as JSON',
    )
    .requiredOption('--issuer <url>', "the provider's issuer URL (discovery), e.g. http://127.0.0.1:9400/generic")
    .requiredOption('--client-id <id>', 'client_id of a native client with an http://127.0.0.1/callback redirect URI')
    .option('--client-secret <secret>', 'authenticate with client_secret_basic (default: a public client, PKCE only)')
    .option('--scope <scope>', 'space-separated scope', 'openid profile')
    .option('--login-hint <hint>', 'login_hint: which user to log in')
    .addOption(
      new Option('--timeout <seconds>', 'give up after this many seconds').default(120).argParser(parseSeconds),
    )
    .addOption(
      new Option('--port <port>', 'loopback port for the redirect; 0 picks a free one')
        .default(0)
        .argParser(asArgument(parsePort)),
    )
    .addHelpText(
      'after',
      `
The authorization URL is printed to stderr: open it in a browser. Nothing is launched.
On success stdout gets {"tokens": {...}, "claims": {...}} and the exit code is 0; on failure 1.

Example:
  $ mock-idp login --issuer http://127.0.0.1:9400/generic --client-id generic-cli --login-hint bob`,
    )
    .action(
      async (opts: {
        issuer: string;
        clientId: string;
        clientSecret?: string;
        scope: string;
        loginHint?: string;
        timeout: number;
        port: number;
      }) => {
        // Loaded here so that `serve` never pays for the client code.
        const { loopbackLogin, clientSecretBasic, none } = await import('../client/index.js');
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
      },
    );
}
