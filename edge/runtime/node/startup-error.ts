/**
 * A start that cannot go on because of one setting (a server it names is unreachable, lacks
 * an extension…). `main` prints the message as one line and exits non-zero, no stack trace:
 * the operator needs the variable and the reason, nothing else.
 */
export class StartupError extends Error {
  constructor(
    /** The environment variable to look at, e.g. `POSTGRES_URL`. */
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'StartupError';
  }
}
