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

/**
 * Runs a command's `main` and sets the exit code from it; a crash prints the command's name
 * and the stack on stderr and exits 1 (usage and known failures return their own codes).
 */
export function runMain(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
