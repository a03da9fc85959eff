import type { LiveValue } from '@klinik-desa/devices';
import type { DeviceMeasurement, MeasurementKind } from '@klinik-desa/protocol';

/**
 * A value on its way to a reading, as the health worker's page shows it live: a cuff's pressure as
 * it inflates, an oximeter's value as it settles. Never kept, never published.
 */
export interface LiveReading {
  deviceId: string;
  /** The device behind a gateway that reported it. */
  deviceAddress?: string;
  kind: MeasurementKind;
  values: { name: string; value: number | null; unit: string }[];
}

/** A dialogue's live values (one per notification) as the page shows them. */
export function liveFromDialogue(deviceId: string, values: readonly LiveValue[]): LiveReading[] {
  return values.map(({ kind, name, value, deviceAddress }) => ({
    deviceId,
    ...(deviceAddress === undefined ? {} : { deviceAddress }),
    kind,
    values: [{ name, value: value.value, unit: value.unit }],
  }));
}

/** A measurement still settling (an oximeter's value before it holds steady) as the page shows it. */
export function liveFromMeasurement(deviceId: string, m: DeviceMeasurement): LiveReading {
  const values: LiveReading['values'] = [];
  for (const [name, field] of Object.entries(m)) {
    if (typeof field === 'object' && field !== null && 'unit' in field && 'value' in field)
      values.push({ name, value: field.value as number | null, unit: field.unit as string });
  }
  const address = m.extra?.['deviceAddress'];
  return {
    deviceId,
    ...(typeof address === 'string' ? { deviceAddress: address } : {}),
    kind: m.kind,
    values,
  };
}
