import type { GlucoseMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { dedupeKey, formerDedupeKeys } from './dedupe.js';

const record = (sequenceNumber: number, deviceAddress?: string): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value: 96, unit: 'mg/dL' },
  sequenceNumber,
  deviceTime: '2026-11-22T07:10',
  ...(deviceAddress === undefined ? {} : { extra: { deviceAddress } }),
});

describe('dedupeKey', () => {
  it('tells two meters behind one gateway apart when their sequence numbers overlap', () => {
    const a = dedupeKey('gateway-1', record(7, 'A0:11:22:33:44:02'));
    const b = dedupeKey('gateway-1', record(7, 'A0:11:22:33:44:03'));
    expect(a).not.toBe(b);
  });

  it('recognises the same meter record sent again, whatever the case of its address', () => {
    expect(dedupeKey('gateway-1', record(7, 'a0:11:22:33:44:02'))).toBe(
      dedupeKey('gateway-1', record(7, 'A0:11:22:33:44:02')),
    );
  });

  it('keys a device on its own cable by its configuration id, as before', () => {
    expect(dedupeKey('glucometer-1', record(7))).toBe('glucometer-1#seq:7');
  });

  it('names the device behind the gateway also when it keys by the device clock', () => {
    const { sequenceNumber: _, ...timed } = record(7, 'A0:11:22:33:44:02');
    expect(dedupeKey('gateway-1', timed)).toBe(
      'gateway-1@A0:11:22:33:44:02#t:2026-11-22T07:10#concentration=96mg/dL',
    );
  });

  it("names the key an agent before device addresses kept the same record under, and none for a cable's device", () => {
    expect(formerDedupeKeys('gateway-1', record(7, 'A0:11:22:33:44:02'))).toEqual(['gateway-1#seq:7']);
    expect(formerDedupeKeys('glucometer-1', record(7))).toEqual([]);
  });
});
