/**
 * Where a scenario's attacker keeps what it plants in a token (a jku, an x5u): the issuer's own server under another
 * name for the loopback host. A client that follows such a URL then really reaches it, and the request log shows that
 * it did. A name that resolves nowhere (attacker.example) would make that client fail closed by accident, and pass.
 */
const OTHER_LOOPBACK_NAME = new Map([
  ['127.0.0.1', 'localhost'],
  ['localhost', '127.0.0.1'],
]);

/** Where no other name is known to reach the server. */
const UNREACHABLE_ORIGIN = 'https://attacker.example';

/** Where the attacker's key set and certificate are served, below the issuer's path. */
const FOREIGN_KEYS_PATH = '/attacker-keys';
export const FOREIGN_JWKS_FILE = 'jwks.json';
export const FOREIGN_CERT_FILE = 'cert.pem';

/**
 * The other name of the issuer's host, or undefined where none is known to reach the same server: off loopback (a
 * provider's real host through msw, a container's name), on [::1] (localhost is often 127.0.0.1 alone), and over
 * https (the server's certificate names one of the two).
 */
export function foreignHostname(issuer: string): string | undefined {
  const url = new URL(issuer);
  return url.protocol === 'http:' ? OTHER_LOOPBACK_NAME.get(url.hostname) : undefined;
}

/** The path below which the attacker's files of this issuer are served: `<issuer path>/attacker-keys`. */
export function foreignKeysPath(issuer: string): string {
  return `${new URL(issuer).pathname.replace(/\/$/, '')}${FOREIGN_KEYS_PATH}`;
}

/**
 * The URL of one of the attacker's files for a token of this issuer and client. The client_id is a path segment,
 * kept by any client that fetches the URL: the request log files the fetch under that client, which is how a case
 * armed on one client finds it among the issuer's requests.
 */
export function foreignKeysUrl(issuer: string, clientId: string, file: string): string {
  const url = new URL(issuer);
  const other = foreignHostname(issuer);
  const origin =
    other === undefined ? UNREACHABLE_ORIGIN : `${url.protocol}//${other}${url.port ? `:${url.port}` : ''}`;
  return `${origin}${foreignKeysPath(issuer)}/${encodeURIComponent(clientId)}/${file}`;
}
