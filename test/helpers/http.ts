import { createServer } from 'node:net';

/** A loopback port free right now, for a server that must be named before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** An HTTP Basic authorization header for a client, its id and secret form-encoded first (RFC 6749 2.3.1). */
export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export interface AdminRequest {
  method?: string;
  /** Sent as JSON, or as it is when already a string (to send what is not JSON). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls a mock-idp's admin API at `/_admin<path>` and reads its JSON answer. */
export async function adminFetch(
  idp: { url: string },
  path: string,
  init: AdminRequest = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const method = init.method ?? 'GET';
  const { body } = init;
  const response = await fetch(`${idp.url}/_admin${path}`, {
    method,
    headers: {
      ...(body === undefined && method === 'GET' ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A form-encoded POST; the answer's JSON body, or undefined when it has none. */
export async function formPost(url: string, data: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(data),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}
