import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

/** A pino logger that keeps what is written to it, for tests that read mock-idp's log. */
export function captureLog(level: 'info' | 'warn'): { logger: Logger; text(): string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: pino({ level }, sink), text: () => text };
}
