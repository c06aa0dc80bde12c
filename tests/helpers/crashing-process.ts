/**
 * A Node process that installs the server's process-error handlers (as edge/runtime/node/main.ts
 * does, with SENTRY_DSN from its environment), then lets a promise reject unhandled and throws
 * an exception nothing catches. Both errors quote a visitor (SECRET), which must not be sent.
 */
import { consoleLogger } from '../../edge/ops/logger';
import { reportProcessErrors } from '../../edge/ops/process-errors';
import { reporterFor } from '../../edge/ops/reporting';

export const SECRET = 'my card 4242 4242 4242 4242 for ann.crash@mail.example';

if (process.argv[1]?.endsWith('crashing-process.ts')) {
  reportProcessErrors(reporterFor(process.env.SENTRY_DSN), consoleLogger());
  void Promise.reject(new TypeError(`rejected: ${SECRET}`));
  setTimeout(() => {
    throw new RangeError(`thrown: ${SECRET}`);
  }, 100);
  // Something to keep the process alive, as a server would be.
  setInterval(() => {}, 1000);
}
