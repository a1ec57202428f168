import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A relying party's back-channel logout endpoint on a free loopback port, up for the tests of the file: it
 * records each logout_token posted to it, in order. `url()` is known once its beforeAll has run.
 */
export function useLogoutReceiver(): { received: string[]; url: () => string } {
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  beforeAll(() => new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise((resolve) => receiver.close(resolve)));
  return {
    received,
    url: () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel-logout`,
  };
}
