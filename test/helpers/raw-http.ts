import { connect } from 'node:net';

const SLOW_ANSWER_MS = 15_000;

export interface RawExchange {
  /** Every status line the server sent on the connection, in order. */
  statuses: number[];
  /** Response headers of the first answer, lowercased names. */
  headers: Record<string, string>;
  /** The whole text received. */
  text: string;
  /** True when the server closed the connection (rather than the test). */
  closedByServer: boolean;
}

/**
 * Writes raw bytes on one TCP connection and collects what comes back, until
 * the server closes it or `idleMs` pass without data. Tests use it for what
 * fetch cannot send: pipelined requests, bad Host headers, unread bodies.
 *
 * A test that expects the connection to stay open names how many answers it
 * waits for: until they have come, the wait is a slow machine's, so only the
 * silence after them is timed by `idleMs`.
 */
export function rawExchange(
  port: number,
  chunks: (string | Buffer)[],
  idleMs = 1500,
  answers = 1,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = true;
    let timer: NodeJS.Timeout;
    const answered = () => (text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= answers;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => {
          closedByServer = false;
          socket.destroy();
        },
        answered() ? idleMs : Math.max(idleMs, SLOW_ANSWER_MS),
      );
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      idle();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      const head = text.split('\r\n\r\n')[0] ?? '';
      const headers = Object.fromEntries(
        head
          .split('\r\n')
          .slice(1)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ statuses, headers, text, closedByServer });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      idle();
    });
  });
}
