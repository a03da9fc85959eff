// `pnpm screenshots`: pictures of each screen of the kiosk page for the README and docs, taken from
// the real stack (Mosquitto, the clinic server, the kiosk agent with a scale and an oximeter on
// socat ptys) driven through one check in headless Chromium, as the browser tests drive it.
import { mkdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: pnpm screenshots [--out <folder>]

Starts the real stack (Mosquitto, clinic server, kiosk agent, a scale and an oximeter on socat
ptys), walks the kiosk page through one check in headless Chromium at the kiosk's 1024×600 and on
a 360×740 phone, and writes a PNG of each screen. Needs socat, mosquitto and chromium
(apt-get install socat mosquitto chromium; CHROMIUM_PATH names another Chromium).

Options:
  --out <folder>  where the PNGs go (default: docs/images in the repository)
  -h, --help      this help`;

/** Read before anything is started: `--help` and a bad option must not start the stack. */
function options(): { out: string } {
  try {
    const { values } = parseArgs({
      strict: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return { out: values.out ?? '' };
  } catch (error) {
    // parseArgs says what was wrong in its first sentence ("Unknown option '--foo'").
    const what = (error as Error).message.split('. ')[0];
    process.stderr.write(`screenshots: ${what}; options: --out <folder>, --help\n`);
    process.exit(2);
  }
}

/** The screens pictured, and the file each goes to; the phone's are taken on the same walk. */
const KIOSK_PICTURES = {
  locked: 'kiosk-locked.png',
  'choose-practitioner': 'kiosk-start.png',
  'new-patient': 'kiosk-register.png',
  'find-patient': 'kiosk-patient.png',
  screening: 'kiosk-screening.png',
  summary: 'kiosk-summary.png',
} as const;
const PHONE_PICTURES = { screening: 'kiosk-phone.png', summary: 'kiosk-phone-summary.png' } as const;
const PRINT_PICTURE = 'kiosk-summary-print.png';

async function main(): Promise<void> {
  const { out } = options();
  // Loaded after the options: `--help` starts nothing and loads no browser driver.
  const { repoRoot } = await import('@klinik-desa/testkit');
  const { clinicStack } = await import('./clinic-stack.js');
  const { KIOSK_SCREEN, launchChromium, openKioskPage, PHONE_SCREEN } = await import('./kiosk-browser.js');
  const { walkKioskScreens } = await import('./kiosk-walk.js');
  const folder = resolve(out || join(repoRoot, 'docs/images'));
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  const { stack, clinic } = clinicStack({ practitioners: ['Bidan Sari', 'Perawat Dewi'] });
  const browser = await launchChromium();
  try {
    await stack.start();
    await stack.agent.waitForLine(/device oximeter-1 connected/);
    const page = await openKioskPage(browser, await stack.apiUrl());
    const shoot = async (file: string, full = false) => {
      const path = join(folder, file);
      await page.screenshot({ path, fullPage: full, animations: 'disabled', caret: 'hide' });
      written.push(path);
    };
    await walkKioskScreens({
      page,
      stack,
      clinic: clinic(),
      at: async (screen) => {
        // From the top, as the worker sees each screen arrive (the walk scrolled to its buttons).
        if (screen in KIOSK_PICTURES) {
          await page.evaluate(() => window.scrollTo(0, 0));
          await shoot(KIOSK_PICTURES[screen as keyof typeof KIOSK_PICTURES]);
        }
        if (screen in PHONE_PICTURES) {
          await page.setViewportSize(PHONE_SCREEN);
          await page.evaluate(() => window.scrollTo(0, 0));
          await shoot(PHONE_PICTURES[screen as keyof typeof PHONE_PICTURES]);
          await page.setViewportSize(KIOSK_SCREEN);
        }
      },
    });
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 600 });
    await shoot(PRINT_PICTURE, true);
  } finally {
    await browser.close();
    await stack.stop();
  }
  for (const path of written) {
    process.stdout.write(`${relative(process.cwd(), path)}  ${Math.round(statSync(path).size / 1024)} kB\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
