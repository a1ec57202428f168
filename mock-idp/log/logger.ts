import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(options: { level: LevelWithSilent; format: 'auto' | 'json' | 'pretty' }): Logger {
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  if (options.level === 'silent') return pino({ level: 'silent' });
  // pino-pretty as a stream, not a transport: no worker thread, so short-lived CLI runs flush their lines.
  return usePretty
    ? pino({ level: options.level }, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }))
    : pino({ level: options.level, base: undefined });
}
