import { InvalidArgumentError } from 'commander';

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0) || seconds > 2_000_000)
    throw new InvalidArgumentError('expected a number of seconds above 0');
  return seconds;
}

/** Commander prints an InvalidArgumentError as a one-line usage error; any other error escapes with its stack. */
export function asArgument<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`invalid port "${value}": expected 0-65535`);
  return port;
}
