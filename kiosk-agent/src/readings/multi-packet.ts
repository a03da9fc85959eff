import { mergeBodyCompositionPackets } from '@klinik-desa/devices';
import type { BodyCompositionMeasurement, DeviceMeasurement } from '@klinik-desa/protocol';

/** What one packet did: a whole measurement to take, a first packet held for its second, or a lone first. */
export interface JoinedPackets {
  /** A measurement whole now: a single packet, or two packets joined. */
  whole?: DeviceMeasurement;
  /** A first packet whose second never came (the device sent something else): reported, never kept half. */
  lone?: BodyCompositionMeasurement;
}

/**
 * A body-composition scale (GATT 0x2A9C) that has more fields than one notification holds sends a
 * measurement as two packets, each marked "multiple packet". This joins them, per device behind a
 * gateway, into the one measurement they are. Pure: the agent decides how long a first packet may
 * wait for its second (`expire`).
 */
export class MultiPacketJoiner {
  private readonly firsts = new Map<string, BodyCompositionMeasurement>();

  accept(m: DeviceMeasurement): JoinedPackets {
    const source = sourceOf(m);
    const first = this.firsts.get(source);
    if (m.kind !== 'body-composition' || m.extra?.['multiplePacket'] !== true) {
      if (first === undefined || m.kind !== 'body-composition') return { whole: m };
      this.firsts.delete(source);
      return { whole: m, lone: first };
    }
    if (first === undefined) {
      this.firsts.set(source, m);
      return {};
    }
    this.firsts.delete(source);
    return { whole: mergeBodyCompositionPackets(first, m) };
  }

  /** Whether a first packet waits for its second. */
  holding(): boolean {
    return this.firsts.size > 0;
  }

  /** The first packets still waiting: their seconds will not come now. */
  expire(): BodyCompositionMeasurement[] {
    const lone = [...this.firsts.values()];
    this.firsts.clear();
    return lone;
  }
}

function sourceOf(m: DeviceMeasurement): string {
  const address = m.extra?.['deviceAddress'];
  return typeof address === 'string' ? address.toUpperCase() : '';
}
