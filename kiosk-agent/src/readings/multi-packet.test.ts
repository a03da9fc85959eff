import type { BodyCompositionMeasurement, WeightMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { MultiPacketJoiner } from './multi-packet.js';

const SCALE = 'A0:11:22:33:44:05';
const OTHER = 'A0:11:22:33:44:06';
const packet = (
  fields: Partial<BodyCompositionMeasurement>,
  multiplePacket: boolean,
  deviceAddress = SCALE,
): BodyCompositionMeasurement => ({
  kind: 'body-composition',
  bodyFat: { value: 24.3, unit: '%' },
  ...fields,
  extra: multiplePacket ? { multiplePacket, deviceAddress } : { deviceAddress },
});

describe('MultiPacketJoiner', () => {
  it('holds the first packet and hands on one measurement with the fields of both', () => {
    const joiner = new MultiPacketJoiner();
    expect(joiner.accept(packet({ basalMetabolism: { value: 6500, unit: 'kJ' } }, true))).toEqual({});
    const { whole, lone } = joiner.accept(packet({ weight: { value: 70.2, unit: 'kg' } }, true));
    expect(lone).toBeUndefined();
    expect(whole).toEqual({
      kind: 'body-composition',
      bodyFat: { value: 24.3, unit: '%' },
      basalMetabolism: { value: 6500, unit: 'kJ' },
      weight: { value: 70.2, unit: 'kg' },
      extra: { deviceAddress: SCALE },
    });
  });

  it('joins packets per device behind the gateway', () => {
    const joiner = new MultiPacketJoiner();
    joiner.accept(packet({ basalMetabolism: { value: 6500, unit: 'kJ' } }, true, SCALE));
    joiner.accept(packet({ basalMetabolism: { value: 7100, unit: 'kJ' } }, true, OTHER));
    const other = joiner.accept(packet({ weight: { value: 81, unit: 'kg' } }, true, OTHER)).whole;
    expect(other).toMatchObject({ basalMetabolism: { value: 7100 }, weight: { value: 81 } });
    const scale = joiner.accept(packet({ weight: { value: 70.2, unit: 'kg' } }, true, SCALE)).whole;
    expect(scale).toMatchObject({ basalMetabolism: { value: 6500 }, weight: { value: 70.2 } });
  });

  it('reports a first packet whose second never came, and never hands it on', () => {
    const joiner = new MultiPacketJoiner();
    const first = packet({ basalMetabolism: { value: 6500, unit: 'kJ' } }, true);
    joiner.accept(first);
    const single = packet({ weight: { value: 70.2, unit: 'kg' } }, false);
    expect(joiner.accept(single)).toEqual({ whole: single, lone: first });
    joiner.accept(first);
    expect(joiner.expire()).toEqual([first]);
    expect(joiner.expire()).toEqual([]);
  });

  it('passes every other measurement through untouched', () => {
    const joiner = new MultiPacketJoiner();
    const weight: WeightMeasurement = { kind: 'weight', weight: { value: 70.2, unit: 'kg' } };
    expect(joiner.accept(weight)).toEqual({ whole: weight });
  });
});
