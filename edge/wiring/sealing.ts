/**
 * How the runtimes' databases seal visitor data at rest, from validated config: one policy,
 * so Node, the CLIs and the Worker seal alike.
 */
import type { Config } from '../config/schema';
import { cipherFor } from '../core/crypto';
import type { Sealing } from '../stores/db/sealing';

export function sealingFor(config: Pick<Config, 'DATA_ENCRYPTION_KEY'>): Sealing {
  return {
    cipher: cipherFor(config.DATA_ENCRYPTION_KEY),
    // Message text follows each site's `encryptMessages` setting (createDb reads it); tickets,
    // feedback and order emails are sealed regardless.
  };
}
