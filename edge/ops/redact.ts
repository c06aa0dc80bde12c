/**
 * What must never reach a log line, whatever code wrote it: credentials inside URLs, bearer
 * tokens and API keys, email addresses, card numbers and phone numbers. Applied to the whole
 * line by the logger, so an error message that quotes a visitor or a URL is covered too.
 * The replacements hold no quote or backslash, so a JSON line stays JSON.
 */
const RULES: [RegExp, string | ((m: string, ...g: string[]) => string)][] = [
  // scheme://user:password@host → scheme://***@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"]*(?::[^\s/@"]*)?@/gi, '$1***@'],
  [/\bBearer\s+[\w.~+/-]+=*/g, 'Bearer [token]'],
  // OpenAI-style keys, JWTs, and key=value pairs whose name says secret.
  [/\b(?:sk|pk|rk)-[\w-]{16,}/g, '[token]'],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, '[token]'],
  [/\b((?:api[_-]?key|access[_-]?token|token|secret|password|passwd|signature|sig)=)[^\s&"]+/gi, '$1[redacted]'],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[email]'],
  // 13–19 digits from 2–6 (card networks; a millisecond clock starts with 1), spaces or
  // dashes between: a card number when the Luhn check says so.
  [/\b[2-6](?:[ -]?\d){12,18}\b/g, (m) => (luhn(m.replace(/\D/g, '')) ? '[card]' : m)],
  // +44 20 7946 0958, (555) 123-4567, 555-123-4567: grouped digits, not plain numbers.
  [/(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\b\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}\b/g, '[phone]'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement as string);
  return out;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
