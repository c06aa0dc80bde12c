/** How the admin page writes its numbers: counts, shares and money, in the reader's locale. */
export type ValueFormat = 'count' | 'percent' | 'usd';

/** The reader's locale, unless Intl rejects it (a POSIX default such as "en-US@posix" throws). */
const LOCALE = (() => {
  try {
    new Intl.NumberFormat();
    return undefined;
  } catch {
    return 'en';
  }
})();

const count = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 });
// Cents hide what a cheap model costs a day: up to four decimals below a dollar.
const usdSmall = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
const usd = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });

export function formatValue(v: number, format: ValueFormat): string {
  if (format === 'percent') return percent.format(v);
  if (format === 'usd') return (Math.abs(v) < 1 ? usdSmall : usd).format(v);
  return count.format(v);
}

const when = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

export function formatWhen(iso: string): string {
  return when.format(new Date(iso));
}
