import type { IdGen } from './ports';

const ID_BYTES = 16;
// Every answer takes three ids; one call for the random bytes of 256 of them costs less than a call each.
const pool = new Uint8Array(ID_BYTES * 256);
let used = pool.length;

/** 128 random bits, URL-safe: session ids are capabilities, so they must not be guessable. */
export const randomId: IdGen = (prefix) => {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let s = '';
  for (let i = used; i < used + ID_BYTES; i++) s += String.fromCharCode(pool[i]);
  // Each byte is handed out once.
  pool.fill(0, used, (used += ID_BYTES));
  return `${prefix}_${btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
};
