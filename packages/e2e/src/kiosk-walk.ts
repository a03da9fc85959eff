// One walk through every screen of the kiosk page, as a health worker goes through a check: the
// lock (and a wrong PIN), choosing their name, a patient the clinic does not know, one it does,
// the open check with results (one urgent, one to measure again, a typed value that is no number),
// and the take-home summary once it is finished. At each screen the caller looks (axe, layout,
// a screenshot). The page is found by ids and test ids only, so the walk runs in either language.
import type { Page } from 'playwright-core';
import { type Clinic, NEW_NIK, NIK, oximetry } from './clinic-stack.js';
import { unlockPage } from './kiosk-browser.js';
import { type Stack, weighing } from './stack.js';

export const KIOSK_SCREENS = [
  'locked',
  'wrong-pin',
  'choose-practitioner',
  'new-patient',
  'find-patient',
  'practitioner-needed',
  'typed-error',
  'screening',
  'summary',
] as const;
export type KioskScreen = (typeof KIOSK_SCREENS)[number];

export interface KioskWalk {
  /** Opened on the agent's page and still locked. */
  page: Page;
  stack: Stack;
  clinic: Clinic;
  /** Looks at the screen the walk is on; the walk goes on when it returns. */
  at: (screen: KioskScreen) => Promise<void>;
}

/** Waits until `condition`, run in the browser, is true; a timeout names `what` was awaited. */
async function until(page: Page, what: string, condition: (arg: string) => boolean, arg = ''): Promise<void> {
  try {
    await page.waitForFunction(condition, arg, { timeout: 20_000, polling: 100 });
  } catch (error) {
    throw new Error(`the kiosk page did not show ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}

const hasText = (id: string) => (document.getElementById(id)?.textContent?.trim() ?? '') !== '';
const shows = (selector: string) => document.querySelector(selector) !== null;

export async function walkKioskScreens({ page, stack, clinic, at }: KioskWalk): Promise<void> {
  await page.getByTestId('lock').waitFor({ state: 'visible' });
  await at('locked');
  for (const digit of '0000') await page.locator(`#pin-pad [data-key="${digit}"]`).click();
  await page.locator('#pin-pad [data-key="open"]').click();
  await until(page, 'the wrong PIN message', hasText, 'lock-message');
  await at('wrong-pin');

  await unlockPage(page);
  await until(page, 'the health workers, the link and the devices', () => {
    const devices = document.querySelectorAll('[data-testid="device"][data-state="connected"]').length;
    const names = document.querySelectorAll('#practitioner option').length;
    return devices === 2 && names > 1 && document.querySelector('#link.ok') !== null;
  });
  await at('choose-practitioner');

  await page.locator('#nik').fill(NEW_NIK);
  await page.locator('#nik-form button[type="submit"]').click();
  await page.getByTestId('register-form').waitFor({ state: 'visible' });
  await page.locator('#reg-name').fill('Budi Santoso');
  await page.locator('#reg-birth').fill('1988-04-25');
  await page.locator('#register-form input[value="male"]').check();
  await at('new-patient');

  await page.locator('#nik').fill(NIK);
  await page.locator('#nik-form button[type="submit"]').click();
  const card = page.getByTestId('patient');
  await card.waitFor({ state: 'visible' });
  await at('find-patient');
  // Nobody's name chosen yet: the check does not start, and the page says why.
  await card.locator('button.start').click();
  await until(page, 'the message to choose a name first', hasText, 'find-message');
  await at('practitioner-needed');

  await page.locator('#practitioner').selectOption({ index: 1 });
  await card.locator('input[value="fasting"]').check();
  await card.locator('button.start').click();
  await page.getByTestId('in-session').waitFor({ state: 'visible' });
  stack.write(weighing(58.2));
  await until(page, 'the weighing', shows, '[data-testid="reading"]');
  stack.write(weighing(450));
  await until(page, 'the request to weigh again', shows, '[data-testid="remeasure"]');
  await page.locator('#typed-height').fill('1,58 m');
  await page.locator('[data-testid="typed-height"] button').click();
  await until(page, 'the typed-value error', shows, '#typed-message.error');
  await at('typed-error');

  await page.getByTestId('remeasure').getByRole('button').click();
  oximetry(clinic.oximeter, 85, 112);
  for (const [form, value] of [
    ['typed-height', '158,5'],
    ['typed-waist', '86'],
  ] as const) {
    await page.getByTestId(form).locator('input').fill(value);
    await page.getByTestId(form).locator('button').click();
  }
  await until(page, 'four results at the clinic, one urgent', () => {
    const received = document.querySelectorAll('[data-testid="reading"][data-state="received"]').length;
    return received === 4 && document.querySelector('[data-testid="urgent"]') !== null;
  });
  await at('screening');

  await page.locator('#finish').click();
  await page.getByTestId('take-home').waitFor({ state: 'visible' });
  await at('summary');
}
