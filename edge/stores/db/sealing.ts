/**
 * Which columns hold visitor data and are sealed at rest (core/crypto), and what binds each
 * sealed value to its row. The repos seal on write and open on read, so everything above the
 * `Db` port (export, history, the agent's takeover) only ever sees plain text.
 */
import { fieldCipher, type FieldCipher } from '../../core/crypto';

export interface Sealing {
  cipher: FieldCipher;
  /**
   * Whether a site's message text is sealed (when a key is set). The seam for a per-site
   * setting: unset, every site's messages are sealed. May be async (it may read the site).
   */
  sealMessages?: (siteId: string) => boolean | Promise<boolean>;
}

/** No key: nothing sealed, values that merely look sealed escaped. */
export const PLAIN: Sealing = { cipher: fieldCipher(null) };

/** The associated data of each sealed column: its name and the row's key, never the value. */
export const aad = {
  message: (id: string) => `messages.text:${id}`,
  ticket: (id: string) => `tickets.reason:${id}`,
  ticketContact: (id: string) => `tickets.contact_email:${id}`,
  feedback: (conversationId: string, answerId: string) => `feedback.comment:${conversationId}:${answerId}`,
  order: (siteId: string, number: string) => `orders.email:${siteId}:${number}`,
};

export async function openNullable(cipher: FieldCipher, value: string | null, ad: string): Promise<string | null> {
  return value === null ? null : cipher.open(value, ad);
}

export async function sealNullable(cipher: FieldCipher, value: string | null, ad: string): Promise<string | null> {
  return value === null ? null : cipher.seal(value, ad);
}
