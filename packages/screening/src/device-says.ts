import {
  type Comparator,
  type DeviceAnnunciation,
  type Flag,
  isDeviceAnnunciation,
  UCUM_LABEL,
} from '@klinik-desa/protocol';
import { ANNUNCIATION_CONSEQUENCES, type AnnunciationConsequence } from './device-vocabulary.js';
import { makeFlag } from './flags.js';
import { deviceLimitOf, type Text, type ThresholdTable } from './thresholds.js';
import { VALUES, type ValueName } from './values.js';

/** What a measurement's annunciations do to its reading, read from the consequence table. */
export interface AnnunciationEffects {
  flags: Flag[];
  /** The first member that withholds the values, when one does. */
  withheldBy?: AnnunciationConsequence;
  /** A glucometer's HI or LO, from its annunciation (the value may have no number to carry it). */
  glucoseBeyond?: Comparator;
  /** The first name outside the vocabulary, which refuses the measurement. */
  unknown?: string;
}

const FLAG_OF: Partial<Record<AnnunciationConsequence['kind'], string>> = {
  remeasure: 'device.remeasure',
  withhold: 'device.value-withheld',
  show: 'device.notice',
  'irregular-pulse': 'bp.irregular-pulse',
};

export function annunciationEffects(
  annunciations: readonly string[] | undefined,
  table: ThresholdTable,
): AnnunciationEffects {
  const effects: AnnunciationEffects = { flags: [] };
  for (const name of annunciations ?? []) {
    if (!isDeviceAnnunciation(name)) {
      effects.unknown ??= name;
      continue;
    }
    const consequence = ANNUNCIATION_CONSEQUENCES[name];
    if (consequence.kind === 'withhold') effects.withheldBy ??= consequence;
    if (name === 'result-above-device-range') effects.glucoseBeyond = '>';
    if (name === 'result-below-device-range') effects.glucoseBeyond = '<';
    const code = FLAG_OF[consequence.kind];
    if (code === 'bp.irregular-pulse') effects.flags.push(makeFlag(code, { table }));
    else if (code) effects.flags.push(makeFlag(code, { detail: consequence.text, table }));
  }
  return effects;
}

/** The names of the members whose consequence is about the device's clock. */
export const CLOCK_FAULT_ANNUNCIATIONS: readonly DeviceAnnunciation[] = (
  Object.keys(ANNUNCIATION_CONSEQUENCES) as DeviceAnnunciation[]
).filter((name) => ANNUNCIATION_CONSEQUENCES[name].kind === 'clock');

/** "HI (> 600 mg/dL)": how a limit reads, in both languages. */
export function limitText(comparator: Comparator, limit: number | undefined, name: ValueName): Text {
  const word = comparator === '>' ? 'HI' : 'LO';
  if (limit === undefined) return { id: word, en: word };
  const text = `${word} (${comparator} ${limit} ${UCUM_LABEL[VALUES[name].unit]})`;
  return { id: text, en: text };
}

/** The flag a value beyond its device's range raises (glucose: urgent; scale, thermometer: measure again). */
export function beyondRangeFlag(
  name: ValueName,
  comparator: Comparator,
  limit: number | undefined,
  table: ThresholdTable,
): Flag | undefined {
  const row = deviceLimitOf(name, table);
  if (!row) return undefined;
  const code = comparator === '>' ? row.flags.above : row.flags.below;
  return makeFlag(code, { value: name, detail: limitText(comparator, limit, name), table });
}
