// Whether the kiosk page is usable at the size it is shown: the kiosk's 1024×600 screen or a
// phone. Measured in the browser, on what is on screen now.
import type { Page } from 'playwright-core';

/** Smallest height of a button a finger can hit on a phone (WCAG 2.5.5, Apple's 44 pt). */
export const FINGER_PX = 44;

/**
 * The elements whose boxes must not cross: the header, the alerts, each panel and, inside the
 * patient panel, each form, list and button. Only those shown count.
 */
const KEY_ELEMENTS = [
  '#page-header',
  '#alerts',
  '#patient-panel',
  '#readings-panel',
  '#devices-panel',
  '#practitioner-row',
  '#nik-form',
  '#found',
  '#register-form',
  '#typed-height',
  '#typed-waist',
  '#typed-cholesterol',
  '#typed-uric-acid',
  '#typed-haemoglobin',
  '#finish',
  '#summary',
  '#take-home',
  '#print-summary',
  '#take-home-sheet',
  '#lock-title',
  '#pin-pad',
];

/**
 * What is wrong with the layout now, one line each: a page wider than the window, a key element
 * reaching past its width or crossing another, and (on a phone) a button shorter than a finger.
 */
export async function layoutProblems(page: Page, options: { phone: boolean }): Promise<string[]> {
  return page.evaluate(
    ({ selectors, finger, phone }) => {
      const problems: string[] = [];
      const width = window.innerWidth;
      const scrollWidth = document.scrollingElement?.scrollWidth ?? 0;
      if (scrollWidth > width)
        problems.push(`the page scrolls sideways: ${scrollWidth} px in a ${width} px window`);
      const shown = (node: Element) => {
        const box = node.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && node.checkVisibility();
      };
      // The lock covers the page: what lies under it is neither seen nor reached.
      const lock = document.getElementById('lock');
      const within = lock && shown(lock) ? lock : document.body;
      const boxes = selectors
        .map((selector) => ({ selector, node: document.querySelector(selector) }))
        .filter(
          (e): e is { selector: string; node: Element } =>
            e.node !== null && within.contains(e.node) && shown(e.node),
        )
        .map(({ selector, node }) => ({ selector, node, box: node.getBoundingClientRect() }));
      for (const { selector, node, box } of boxes) {
        if (box.left < 0 || box.right > width + 0.5)
          problems.push(`${selector} reaches outside the window: ${box.left}..${box.right} of ${width} px`);
        // Wider content than its box is cut off or runs over what is beside it.
        if (node.scrollWidth > node.clientWidth + 1)
          problems.push(
            `${selector} is too narrow for its content: ${node.scrollWidth} px in ${node.clientWidth}`,
          );
      }
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          // One inside the other (a form in its panel) is layout; two crossing is overlap.
          if (a.node.contains(b.node) || b.node.contains(a.node)) continue;
          const crossX = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
          const crossY = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
          if (crossX > 0.5 && crossY > 0.5) problems.push(`${a.selector} and ${b.selector} overlap`);
        }
      }
      for (const button of within.querySelectorAll('button')) {
        if (!shown(button)) continue;
        const box = button.getBoundingClientRect();
        const name = button.textContent?.trim();
        if (box.left < 0 || box.right > width + 0.5)
          problems.push(`button "${name}" reaches outside the window`);
        if (phone && box.height < finger)
          problems.push(`button "${name}" is ${box.height} px tall, under ${finger}`);
      }
      return problems;
    },
    { selectors: KEY_ELEMENTS, finger: FINGER_PX, phone: options.phone },
  );
}
