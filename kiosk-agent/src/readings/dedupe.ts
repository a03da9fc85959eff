import type { DeviceMeasurement } from '@klinik-desa/protocol';

/**
 * How a record is recognised when a device hands it over again (a glucometer dumps its whole memory
 * at every connection): by the device's sequence number when it has one, else by the device's own
 * time plus the values. Live measurements without either (a scale) have no key: each is new.
 * Behind a gateway the key names the device behind it (its address), as the HL7 PHD guide's
 * de-duplication identifier names the device: two meters counting records from 1 are two devices.
 */
export function dedupeKey(deviceId: string, m: DeviceMeasurement): string | undefined {
  const address = m.extra?.['deviceAddress'];
  const device = typeof address === 'string' ? `${deviceId}@${address.toUpperCase()}` : deviceId;
  if (m.sequenceNumber !== undefined) return `${device}#seq:${m.sequenceNumber}`;
  if (m.deviceTime === undefined) return undefined;
  const values = Object.entries(m)
    .filter(([, v]) => typeof v === 'object' && v !== null && 'unit' in v)
    .map(
      ([name, v]) =>
        `${name}=${(v as { value: number | null }).value ?? 'null'}${(v as { unit: string }).unit}`,
    )
    .sort()
    .join(',');
  return `${device}#t:${m.deviceTime}#${values}`;
}
