import { CommanderError, type Command } from 'commander';

/** Parses argv with commander; a usage error or --help gives the exit code to return. */
export function parseCli(program: Command, argv: string[]): number | null {
  try {
    program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) }).parse(argv);
    return null;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}
