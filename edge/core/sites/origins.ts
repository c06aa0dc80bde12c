/** An origin as browsers send it (scheme, host, port), from what a person typed; `*` stays. */
export function normalizeOrigin(value: string): string {
  if (value === '*') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not an origin: write it as https://shop.example or http://localhost:5173`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${value}": an origin starts with https:// or http://`);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error(`"${value}": an origin has no path; did you mean ${url.origin}?`);
  return url.origin;
}

/** Site ids appear in URLs and the script tag: letters, digits, - and _. */
export const SITE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
