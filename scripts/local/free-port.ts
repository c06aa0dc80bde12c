/** Loopback helpers shared by the local servers (`npm run dev:worker`, and the tests). */
import { createServer, type AddressInfo } from 'node:net';

/**
 * A port that was free a moment ago, for servers that cannot listen on port 0 themselves
 * (redis-server, postgres). Another process could take it in between; on loopback in a test
 * run that race is rare, and the server's own start then fails loudly.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it returns true or `ms` pass; a check that throws counts as "not yet".
 * `gone` reports a process that died, so a crash fails at once instead of at the timeout.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { ms?: number; gone?: () => string | null } = {},
): Promise<void> {
  const ms = opts.ms ?? 10_000;
  const until = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    const died = opts.gone?.();
    if (died !== null && died !== undefined) throw new Error(`${what}: ${died}`);
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True under CI, where a missing server must fail the run instead of skipping. */
export const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';
