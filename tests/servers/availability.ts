/**
 * Whether a suite that needs a system server (redis-server, PostgreSQL 15) runs. Outside CI a
 * missing server skips the suite and says why; under CI=true it fails the run instead, so a
 * broken CI image can never pass by skipping.
 */
import { inCi } from '../../scripts/local/free-port';
import { postgres15Missing } from './postgres15';
import { ensureRedisServer } from '../../scripts/local/redis';

/** Returns true when the suite should be skipped; throws under CI. */
export function skipWithout(what: string, problem: string | null): boolean {
  if (problem === null) return false;
  if (inCi()) throw new Error(`CI=true and ${what} is unavailable: ${problem}`);
  console.warn(`skipping ${what} tests: ${problem}`);
  return true;
}

/** For suites that need both redis-server (installed when we may) and PostgreSQL 15. */
export async function skipWithoutRedisAndPostgres15(): Promise<boolean> {
  const redis = await ensureRedisServer().then(
    () => null,
    (e: Error) => e.message,
  );
  return skipWithout('redis-server and PostgreSQL 15', redis ?? postgres15Missing());
}
