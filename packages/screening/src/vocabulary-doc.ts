import {
  DEVICE_ANNUNCIATION_NAMES,
  DEVICE_ANNUNCIATIONS,
  type DeviceAnnunciation,
  UCUM_LABEL,
} from '@klinik-desa/protocol';
import {
  ANNUNCIATION_CONSEQUENCES,
  OFF_SCALE_INTERPRETATION,
  WITHHELD_ABSENT_REASON,
} from './device-vocabulary.js';
import { formatInterval } from './interval.js';
import { flagDefinition, THRESHOLDS, type ThresholdTable } from './thresholds.js';
import { VALUES } from './values.js';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

interface Columns {
  worker: string;
  remeasure: string;
  withheld: string;
  fhir: string;
}

function columnsOf(member: DeviceAnnunciation): Columns {
  const c = ANNUNCIATION_CONSEQUENCES[member];
  switch (c.kind) {
    case 'remeasure':
      return {
        worker: '`device.remeasure`',
        remeasure: 'yes',
        withheld: 'no',
        fhir: 'the value as measured',
      };
    case 'withhold':
      return {
        worker: '`device.value-withheld`',
        remeasure: 'yes',
        withheld: 'yes',
        fhir: `\`dataAbsentReason\` ${WITHHELD_ABSENT_REASON}`,
      };
    case 'show':
      return { worker: '`device.notice`', remeasure: 'no', withheld: 'no', fhir: 'the value as measured' };
    case 'irregular-pulse':
      return {
        worker: '`bp.irregular-pulse`',
        remeasure: 'yes',
        withheld: 'no',
        fhir: 'the value as measured',
      };
    case 'clock':
      return {
        worker:
          member === 'time-fault'
            ? '`time.device-clock-invalid`'
            : '`time.no-device-clock` (the decoder drops the time it cannot trust)',
        remeasure: 'no',
        withheld: 'no',
        fhir: '`effectiveDateTime` is the kiosk’s receive time',
      };
    case 'beyond-range': {
      if (member === 'overload') {
        return {
          worker: '`device.beyond-range` (HI)',
          remeasure: 'yes',
          withheld: 'no number: the A&D line carries no limit',
          fhir: '`dataAbsentReason` error',
        };
      }
      const comparator = member === 'result-above-device-range' ? '>' : '<';
      const flag =
        member === 'result-above-device-range' ? 'glucose.above-device-range' : 'glucose.below-device-range';
      return {
        worker: `\`${flag}\` (urgent)`,
        remeasure: 'no',
        withheld: 'no: kept as the limit',
        fhir: `\`valueQuantity.comparator\` \`${comparator}\`, \`interpretation\` \`${comparator}\` (${OFF_SCALE_INTERPRETATION[comparator].display}); without a number, the \`dataAbsentReason\` of the special value`,
      };
    }
    case 'none':
      return {
        worker: `nothing: ${c.reason ?? ''}`,
        remeasure: 'no',
        withheld: 'no',
        fhir: 'the value as measured',
      };
  }
}

/**
 * docs/device-vocabulary.md: every condition a device can report and what follows from it, generated
 * from the protocol's vocabulary and the screening package's consequence table.
 */
export function renderVocabularyDoc(t: ThresholdTable = THRESHOLDS): string {
  const out: string[] = [
    '# What devices say beside their numbers',
    '',
    '<!-- Generated from DEVICE_ANNUNCIATIONS (packages/protocol/src/annunciation.ts) and ANNUNCIATION_CONSEQUENCES (packages/screening/src/device-vocabulary.ts) by packages/screening/src/scripts/write-docs.ts. Do not edit. -->',
    '',
    'Every status bit, annunciation and marker a decoder can report is one member of one vocabulary (`DeviceAnnunciation` in `@klinik-desa/protocol`). Decoders emit only members; a status bit the specification reserves is refused as `RESERVED_BITS` (counted in the device’s status), and a name outside the vocabulary from a vendor driver is refused as `UNKNOWN_ANNUNCIATION`. For each member, the table says what the health worker sees, whether the value is measured again or withheld, and what reaches SATUSEHAT.',
    '',
    '- **Re-measure**: the flag asks the worker to measure again; the number is kept.',
    '- **Withheld**: the number is not the patient’s. The record keeps it only as the device’s `original`; the value is stored and sent as absent.',
    '- **Kept as the limit**: the number is the device’s limit and the result lies beyond it (`>` / `<`).',
    '',
  ];
  out.push(
    ...table(
      [
        'Member',
        'The device says',
        'Worker sees (flag)',
        'Text (Indonesia)',
        'Text (English)',
        'Re-measure',
        'Value withheld',
        'FHIR',
      ],
      DEVICE_ANNUNCIATION_NAMES.map((member) => {
        const c = ANNUNCIATION_CONSEQUENCES[member];
        const col = columnsOf(member);
        return [
          `\`${member}\``,
          DEVICE_ANNUNCIATIONS[member],
          col.worker,
          c.text.id,
          c.text.en,
          col.remeasure,
          col.withheld,
          col.fhir,
        ];
      }),
    ),
  );
  out.push(
    '',
    '## Device limits',
    '',
    'A device that reports a limit instead of a value (a glucometer’s HI or LO, a scale beyond its capacity, a thermometer’s HI or LO) gives the limit with a comparator: `> 600 mg/dL` is stored as `value: 600, comparator: ">"`, shown as “HI (> 600 mg/dL)”, never classified by its number, and sent to SATUSEHAT with `valueQuantity.comparator`. A comparator on any other value is refused as `COMPARATOR_NOT_ALLOWED`; a limit outside the range below is refused as `IMPLAUSIBLE`.',
    '',
  );
  out.push(
    ...table(
      [
        'Value',
        'Upper limit (`>`) must be',
        'Lower limit (`<`) must be',
        'Flag above / below',
        'Severity',
        'Why',
        'Sources',
      ],
      t.deviceLimits.map((d) => {
        const unit = UCUM_LABEL[VALUES[d.value].unit];
        const severities = [d.flags.above, d.flags.below].map((code) => flagDefinition(code, t).severity);
        return [
          VALUES[d.value].label.en,
          formatInterval(d.above, unit),
          formatInterval(d.below, unit),
          `\`${d.flags.above}\` / \`${d.flags.below}\``,
          [...new Set(severities)].join(' / '),
          d.why,
          d.sources.map((s) => `[${s}](screening.md#sources)`).join(' ') || '—',
        ];
      }),
    ),
  );
  out.push('');
  return out.join('\n');
}
