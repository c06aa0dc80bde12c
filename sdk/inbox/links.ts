/** An href a citation may use: http(s) only, anything else (javascript:, data:) is shown as text. */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(url)) return null;
  return /^https?:\/\//i.test(url) ? url : null;
}
