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
  return keyOf(typeof address === 'string' ? `${deviceId}@${address.toUpperCase()}` : deviceId, m);
}

/**
 * The key an agent before device addresses remembered the same record under (the gateway's id
 * alone). An outbox kept by such an agent knows the meters' records by it: without this, every
 * glucometer behind a gateway would hand its whole memory over as new once after the upgrade.
 * A meter whose record an earlier agent already dropped as another meter's duplicate stays dropped.
 */
export function formerDedupeKeys(deviceId: string, m: DeviceMeasurement): string[] {
  if (typeof m.extra?.['deviceAddress'] !== 'string') return [];
  const former = keyOf(deviceId, m);
  return former === undefined ? [] : [former];
}

function keyOf(device: string, m: DeviceMeasurement): string | undefined {
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
