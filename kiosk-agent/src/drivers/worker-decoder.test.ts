import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DRIVER_BUDGET } from './driver-budget.js';
import { WorkerDecoder } from './worker-decoder.js';

// A driver as a vendor's package would be, one behaviour per frame: `W<kg>` decodes, `X` is a bad
// frame, `T` throws a bug, `L` loops for ever, `M` allocates without end.
const DRIVER = `
class DecodeError extends Error {
  constructor(code, message) { super('tricky: ' + message); this.name = 'DecodeError'; this.code = code; }
}
const kept = [];
export default {
  id: 'tricky',
  decode(frame) {
    const text = new TextDecoder().decode(frame);
    if (text.startsWith('W')) return { kind: 'weight', weight: { value: Number(text.slice(1)), unit: 'kg' } };
    if (text === 'T') throw new TypeError('cannot read properties of undefined');
    if (text === 'L') for (;;) {}
    if (text === 'M') for (;;) kept.push(new Array(1e6).fill(kept.length));
    throw new DecodeError('BAD_CHECKSUM', 'checksum 00 does not match 4F');
  },
};
`;

const dir = mkdtempSync(join(tmpdir(), 'kd-worker-decoder-'));
const file = join(dir, 'tricky.mjs');
writeFileSync(file, DRIVER);
const open: WorkerDecoder[] = [];
const decoder = () => {
  const d = new WorkerDecoder(file, 'tricky', { ...DRIVER_BUDGET, memoryMb: 32 });
  open.push(d);
  return d;
};
const bytes = (text: string) => new TextEncoder().encode(text);

afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a vendor driver in its worker', () => {
  it('hands back measurements and bad frames as the driver gave them', async () => {
    const d = decoder();
    expect(await d.decode(bytes('W62.45'))).toEqual({
      ok: true,
      measurement: { kind: 'weight', weight: { value: 62.45, unit: 'kg' } },
    });
    const bad = await d.decode(bytes('X'));
    expect(bad).toMatchObject({
      ok: false,
      error: { name: 'DecodeError', code: 'BAD_CHECKSUM', protocol: 'tricky' },
    });
    expect(bad.ok === false && 'error' in bad && bad.error.message).toBe(
      'tricky: checksum 00 does not match 4F',
    );
  });

  it('reports a decode that throws a bug, and goes on', async () => {
    const d = decoder();
    expect(await d.decode(bytes('T'))).toMatchObject({
      ok: false,
      failure: { code: 'DRIVER_THREW', driverId: 'tricky', message: /cannot read properties/ },
    });
    expect(await d.decode(bytes('W70'))).toMatchObject({ ok: true });
  });

  it('stops a decode that never returns within the budget, and the next frame decodes in a new worker', async () => {
    const d = decoder();
    await d.decode(bytes('W1'));
    const started = performance.now();
    const [stuck, next] = await Promise.all([d.decode(bytes('L')), d.decode(bytes('W2'))]);
    expect(stuck).toMatchObject({ ok: false, failure: { code: 'DRIVER_TIMEOUT' } });
    expect(next).toMatchObject({ ok: true, measurement: { weight: { value: 2 } } });
    expect(performance.now() - started).toBeLessThan(DRIVER_BUDGET.decodeMs + 5000);
  });

  it('ends a decode that allocates without end at the memory budget', async () => {
    const d = decoder();
    expect(await d.decode(bytes('M'))).toMatchObject({
      ok: false,
      failure: { code: 'DRIVER_OUT_OF_MEMORY' },
    });
    expect(await d.decode(bytes('W3'))).toMatchObject({ ok: true });
  }, 30_000);

  it('reports a package that cannot be loaded in the worker', async () => {
    const d = new WorkerDecoder(join(dir, 'absent.mjs'), 'tricky', DRIVER_BUDGET);
    open.push(d);
    expect(await d.decode(bytes('W1'))).toMatchObject({
      ok: false,
      failure: { code: 'DRIVER_CRASHED', message: /failed to load/ },
    });
  });

  it('costs little per frame once running', async () => {
    const d = decoder();
    await d.decode(bytes('W1'));
    const frames = 2000;
    const started = performance.now();
    for (let i = 0; i < frames; i++) await d.decode(bytes(`W${i}`));
    const perFrameMs = (performance.now() - started) / frames;
    console.log(`worker decode: ${(perFrameMs * 1000).toFixed(0)} µs per frame, round trip included`);
    expect(perFrameMs).toBeLessThan(5);
  });
});
