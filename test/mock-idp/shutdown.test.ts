import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serveCli } from '../helpers/cli.js';
import { startTestIdp } from '../helpers/idp.js';

/** Opens a token request and sends its headers and half its body: a request in flight. */
function halfRequest(port: number) {
  const body = 'grant_type=client_credentials&scope=openid';
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => {
    text += d;
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(
    `POST /generic/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ` +
      `application/x-www-form-urlencoded\r\nContent-Length: ` +
      `${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  return { socket: socket as Socket, rest: body.slice(10), closed, text: () => text };
}

/** Waits until the dispatcher has opened the request's log record: it is in flight. */
async function untilInFlight(url: string, since: number) {
  for (;;) {
    const { requests } = (await (await fetch(`${url}/_admin/requests?route=token&since=${since}`)).json()) as {
      requests: unknown[];
    };
    const all = (await (await fetch(`${url}/_admin/requests?since=${since}`)).json()) as {
      requests: { path: string }[];
    };
    if (requests.length || all.requests.some((r) => r.path === '/generic/token')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function untilRefused(port: number): Promise<void> {
  return new Promise((resolve) => {
    const attempt = () => {
      const probe = connect(port, '127.0.0.1');
      probe.on('connect', () => {
        probe.destroy();
        setTimeout(attempt, 20);
      });
      probe.on('error', () => resolve());
    };
    attempt();
  });
}

describe('stopping drains requests in flight', () => {
  it('SIGTERM lets a request in flight finish with its answer, then exits 0', async () => {
    const served = await serveCli(['--port', '0', '--profile', 'generic'], { MOCK_IDP_LOG_LEVEL: 'silent' });
    const port = Number(new URL(served.url).port);
    const request = halfRequest(port);
    await untilInFlight(served.url, 0);
    const exited = new Promise<number | null>((resolve) => served.child.once('exit', (code) => resolve(code)));
    served.child.kill('SIGTERM');
    // The rest of the body goes once the server has stopped listening: the stop is under way.
    await untilRefused(port);
    request.socket.write(request.rest);
    await request.closed;
    expect(request.text()).toMatch(/^HTTP\/1\.1 (400|401) /);
    expect(await exited).toBe(0);
  });

  it('close() cuts a request that never finishes at its deadline', async () => {
    const idp = await startTestIdp({ profiles: ['generic'] });
    const request = halfRequest(idp.port);
    await untilInFlight(idp.url, 0);
    await idp.close({ deadlineMs: 200 });
    await request.closed;
    expect(request.text()).toBe('');
  });
});
