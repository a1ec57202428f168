import { type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger };

export async function createLogger(options: {
  level: LevelWithSilent;
  format: 'auto' | 'json' | 'pretty';
}): Promise<Logger> {
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  if (options.level === 'silent') return pino({ level: 'silent' });
  if (!usePretty) return pino({ level: options.level, base: null });
  // Loaded only for terminals: it is a noticeable share of start-up. As a stream,
  // not a transport: no worker thread, so short-lived CLI runs flush their lines.
  const { default: pretty } = await import('pino-pretty');
  return pino(
    { level: options.level },
    pretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
  );
}
