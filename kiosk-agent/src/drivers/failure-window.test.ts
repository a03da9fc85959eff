import { describe, expect, it } from 'vitest';
import { FailureWindow } from './failure-window.js';

describe('FailureWindow', () => {
  it('trips at the max-th failure within the window, and forgets older ones', () => {
    let now = 0;
    const window = new FailureWindow(3, 1000, () => now);
    expect(window.note()).toBe(false);
    now = 600;
    expect(window.note()).toBe(false);
    now = 1100; // the first has left the window
    expect(window.note()).toBe(false);
    now = 1200;
    expect(window.note()).toBe(true);
  });
});
