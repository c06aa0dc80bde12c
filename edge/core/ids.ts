import type { IdGen } from './ports';

/** 128 random bits, URL-safe: session ids are capabilities, so they must not be guessable. */
export const randomId: IdGen = (prefix) => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `${prefix}_${btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
};
