/** An amount in cents as a locale writes it ("$279.00", "279,00 US$"); a currency Intl does not know as "279.00 XYZ". */
export function formatMoney(cents: number, currency: string, locale = 'en-US'): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}
