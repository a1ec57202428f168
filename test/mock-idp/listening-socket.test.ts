import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.js';

/** A socket bound before mock-idp starts, as a process that hands out the URL early binds it. */
function earlySocket() {
  const accepted: Socket[] = [];
  const server = createServer({ pauseOnConnect: true }, (socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  return { server, accepted };
}

describe('startMockIdp({ listening }): a socket bound before the server', () => {
  it('answers the requests made before it was ready, then serves on the socket, and frees it at close', async () => {
    const early = earlySocket();
    await once(early.server, 'listening');
    const port = (early.server.address() as { port: number }).port;
    // Sent before startMockIdp is even called: the connection is accepted, paused, and held.
    const first = fetch(`http://127.0.0.1:${port}/generic/.well-known/openid-configuration`);
    while (early.accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const idp = await startMockIdp({ listening: early, profiles: ['generic'] });
    try {
      expect(idp.url).toBe(`http://127.0.0.1:${port}`);
      expect(idp.port).toBe(port);
      const answer = await first;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { issuer: string }).issuer).toBe(`http://127.0.0.1:${port}/generic`);
      // New connections reach the server itself.
      expect((await fetch(`${idp.issuers.generic}/.well-known/openid-configuration`)).status).toBe(200);
      expect(early.accepted).toEqual([]);
    } finally {
      await idp.close();
    }
    const refused = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
  });

  it('waits for a socket that is still binding', async () => {
    const early = earlySocket();
    const idp = await startMockIdp({ listening: early, profiles: ['generic'] });
    try {
      expect(idp.url).toBe(`http://127.0.0.1:${(early.server.address() as { port: number }).port}`);
      expect((await fetch(`${idp.issuers.generic}/.well-known/openid-configuration`)).status).toBe(200);
    } finally {
      await idp.close();
    }
  });

  it('a start that fails closes the socket and the connections it held', async () => {
    const early = earlySocket();
    await once(early.server, 'listening');
    const port = (early.server.address() as { port: number }).port;
    const held = fetch(`http://127.0.0.1:${port}/health`).then(
      () => 'answered',
      () => 'closed',
    );
    while (early.accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(
      startMockIdp({ listening: early, profiles: ['generic'], login: 'sideways' as 'page' }),
    ).rejects.toThrow(/login/);
    expect(await held).toBe('closed');
    expect(early.server.listening).toBe(false);
  });

  it('refuses a server that is not listening on TCP, and starts nothing', async () => {
    const unix = createServer();
    const path = `/tmp/mock-idp-listening-${process.pid}.sock`;
    await new Promise<void>((resolve) => unix.listen(path, resolve));
    try {
      await expect(startMockIdp({ listening: { server: unix, accepted: [] } })).rejects.toThrow(
        'listening.server is not listening on TCP',
      );
    } finally {
      unix.close();
    }
  });
});
