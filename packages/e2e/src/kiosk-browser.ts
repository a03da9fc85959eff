// The kiosk page in Debian's headless Chromium, driven by playwright-core: launched, opened with its
// script errors collected, and unlocked with the health worker's PIN as a finger would.
import { existsSync } from 'node:fs';
import { TEST_PAGE_PIN } from '@klinik-desa/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The kiosk's own screen, and a small phone's. */
export const KIOSK_SCREEN = { width: 1024, height: 600 } as const;
export const PHONE_SCREEN = { width: 360, height: 740 } as const;

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
  readonly code = 'CHROMIUM_MISSING';
  constructor(path: string) {
    super(
      `no Chromium at ${path}: run the test command from README.md, which installs it (or apt-get install chromium; CHROMIUM_PATH names another)`,
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new ChromiumMissingError(CHROMIUM);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page whose uncaught errors and console errors are kept, for `scriptErrors`. */
export async function openKioskPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = KIOSK_SCREEN,
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Answers such as 409 and 503 are part of the flows tested; Chromium logs each as a console error.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() === 404 && !new URL(r.url()).pathname.startsWith('/patients/'))
      errors.push(`404 ${r.url()}`);
  });
  Object.assign(page, { scriptErrors: errors });
  await page.goto(url);
  return page;
}

/** What went wrong in the page's scripts since it was opened. */
export const scriptErrors = (page: Page): string[] =>
  (page as Page & { scriptErrors?: string[] }).scriptErrors ?? [];

/** The health worker types the PIN on the lock screen's keypad. */
export async function unlockPage(page: Page, pin = TEST_PAGE_PIN): Promise<void> {
  const lock = page.getByTestId('lock');
  await lock.waitFor({ state: 'visible', timeout: 20_000 });
  for (const digit of pin) await page.locator(`#pin-pad [data-key="${digit}"]`).click();
  await page.locator('#pin-pad [data-key="open"]').click();
  await lock.waitFor({ state: 'hidden', timeout: 20_000 });
}
