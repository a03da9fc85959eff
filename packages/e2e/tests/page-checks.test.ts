// The checks the kiosk page's screens are held to catch what they are there to catch: axe finds a
// nameless button and unreadable text, the layout check finds sideways scroll, overlap and
// buttons too small for a finger. Plain pages in real Chromium, no stack.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../src/axe.js';
import { launchChromium, PHONE_SCREEN } from '../src/kiosk-browser.js';
import { layoutProblems } from '../src/layout.js';

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE_SCREEN });
});
afterAll(async () => {
  await browser?.close();
});

const html = (body: string) =>
  `<!doctype html><html lang="id"><head><title>t</title></head><body><main>${body}</main></body></html>`;

describe('the page checks', () => {
  it('axe: a clean page passes, a nameless button and grey-on-grey text do not', async () => {
    await page.setContent(html('<h1>Cek</h1><button type="button">Cari</button>'));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.setContent(
      html('<h1>Cek</h1><button type="button"></button><p style="color:#bbb;background:#ccc">Hasil</p>'),
    );
    const found = await seriousAxeViolations(page);
    expect(found.some((v) => v.startsWith('critical button-name'))).toBe(true);
    expect(found.some((v) => v.startsWith('serious color-contrast'))).toBe(true);
  });

  it('layout: sideways scroll, crossing panels and small buttons on a phone are named', async () => {
    await page.setContent(
      html(
        '<header id="page-header" style="height:50px">x</header>' +
          '<section id="patient-panel" style="margin-top:-20px;height:40px">y</section>' +
          '<div style="width:500px">wide</div><button style="height:30px">Simpan</button>',
      ),
    );
    const problems = await layoutProblems(page, { phone: true });
    expect(problems).toContainEqual(
      expect.stringMatching(/^the page scrolls sideways: \d+ px in a 360 px window/),
    );
    expect(problems).toContain('#page-header and #patient-panel overlap');
    expect(problems).toContain('button "Simpan" is 30 px tall, under 44');
    // The kiosk's screen asks no finger size.
    expect(await layoutProblems(page, { phone: false })).not.toContainEqual(expect.stringMatching(/tall/));
  });
});
