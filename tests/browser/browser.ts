import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * A real Chromium for the browser tests: the one `@sparticuz/chromium` ships inside its npm
 * package (so `npm ci` is enough), else Debian's. Null when neither starts; under CI that is a
 * failure, not a skip (see `requireBrowser`).
 */
export async function launchBrowser(): Promise<{ browser: Browser | null; why: string }> {
  const tries: { name: string; exe: () => Promise<string>; args: () => Promise<string[]> }[] = [
    {
      name: '@sparticuz/chromium',
      exe: async () => (await import('@sparticuz/chromium')).default.executablePath(),
      args: async () => {
        const { default: sparticuz } = await import('@sparticuz/chromium');
        // Its defaults are for AWS Lambda; these would change what the page is allowed to do.
        const unsafe = ['--disable-web-security', '--allow-running-insecure-content', '--single-process', '--no-zygote'];
        return sparticuz.args.filter((a) => !unsafe.includes(a));
      },
    },
    { name: '/usr/bin/chromium', exe: async () => '/usr/bin/chromium', args: async () => ['--no-sandbox'] },
  ];
  const errors: string[] = [];
  for (const t of tries) {
    try {
      const executablePath = await t.exe();
      if (!existsSync(executablePath)) throw new Error(`${executablePath} does not exist`);
      const browser = await chromium.launch({ executablePath, args: await t.args(), timeout: 20_000 });
      return { browser, why: t.name };
    } catch (err) {
      errors.push(`${t.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  return { browser: null, why: errors.join('; ') };
}

/** Under CI a missing browser fails the suite; elsewhere the browser tests skip with the reason. */
export function requireBrowser(browser: Browser | null, why: string): boolean {
  if (browser) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`no browser could start under CI: ${why}`);
  console.warn(`browser tests skipped: ${why}`);
  return false;
}
