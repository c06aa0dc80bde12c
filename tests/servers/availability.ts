/**
 * Whether a suite that needs a system server (redis-server, PostgreSQL 15) runs. Outside CI a
 * missing server skips the suite and says why; under CI=true it fails the run instead, so a
 * broken CI image can never pass by skipping.
 */
import { inCi } from './free-port';

/** Returns true when the suite should be skipped; throws under CI. */
export function skipWithout(what: string, problem: string | null): boolean {
  if (problem === null) return false;
  if (inCi()) throw new Error(`CI=true and ${what} is unavailable: ${problem}`);
  console.warn(`skipping ${what} tests: ${problem}`);
  return true;
}
