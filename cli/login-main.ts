import { Command, CommanderError } from 'commander';
import { addLoginCommand } from './login.js';

// The same command as in the whole program, with the program's error handling: usage errors exit 2.
const program = new Command('mock-idp').showHelpAfterError('(add --help to see the options)').exitOverride();
addLoginCommand(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  process.stderr.write(`mock-idp: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
