// `pnpm demo` is the README's first command: a newcomer's first sight of the project. It runs here
// as the README runs it, so a change that breaks it fails the tests, not the newcomer.
import { repoRoot, startTsProcess } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';

describe('pnpm demo', () => {
  it('takes one screening from the devices to the SATUSEHAT stand-in and exits 0 by itself', async () => {
    const demo = startTsProcess('demo', `${repoRoot}examples/demo/src/demo.ts`, []);
    const code = await Promise.race([
      demo.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 100_000)),
    ]);
    if (code !== 0) await demo.stop();
    const output = demo.output();
    expect(code, output).toBe(0);
    expect(output).toMatch(/finds Siti Aminah \(\d+\) by NIK/);
    expect(output).toMatch(/^ {3}weight +weight 62\.45 kg$/m);
    expect(output).toMatch(/^ {3}blood-pressure +systolic 134 mm\[Hg\], diastolic 86 mm\[Hg\]/m);
    expect(output).toMatch(/^ {3}pulse-oximetry +spo2 93 %, pulseRate 78 \/min\n +\[attention\]/m);
    expect(output).toMatch(/^ {3}glucose +glucose 112 mg\/dL\n +\[attention\] Prediabetes/m);
    expect(output).toMatch(/^ {3}height +height 158\.5 cm$/m);
    expect(output).toMatch(/^ {3}bmi 24\.9 kg\/m2, and sent it to SATUSEHAT/m);
    expect(output).toContain('number P02478375538 was found by her NIK');
    expect(output).toContain("and Bidan Sari's (Practitioner/10009880728) by hers");
    expect(output).toMatch(/the stand-in holds 1 Encounter and [1-9]\d* Observations for her/);
    expect(output).toContain('the kiosk outbox is empty');
    expect(output).toMatch(/demo finished\.\n$/);
  });
});
