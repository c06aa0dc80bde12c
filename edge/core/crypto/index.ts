/** Encryption at rest: the key ring from `DATA_ENCRYPTION_KEY` and the AES-256-GCM field cipher. */
import { fieldCipher, type FieldCipher } from './cipher';
import { parseKeyRing } from './keyring';

export * from './cipher';
export * from './keyring';

/** The cipher for a validated `DATA_ENCRYPTION_KEY`; one that seals nothing when it is unset. */
export function cipherFor(dataEncryptionKey: string | undefined): FieldCipher {
  if (!dataEncryptionKey) return fieldCipher(null);
  const parsed = parseKeyRing(dataEncryptionKey);
  if (parsed.problems) throw new Error(`DATA_ENCRYPTION_KEY: ${parsed.problems.join('; ')}`);
  return fieldCipher(parsed.ring);
}
