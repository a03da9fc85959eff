import { UCUM_LABEL } from '@klinik-desa/protocol';
import { formatInterval } from './interval.js';
import { DEFAULT_CLOCK_POLICY } from './normalize.js';
import { type SourceKey, THRESHOLDS, type ThresholdTable } from './thresholds.js';
import { UNIT_CONVERSIONS } from './units.js';
import { LOINC_EXTRA, VALUE_NAMES, VALUES, type ValueName } from './values.js';

const SEVERITY_MEANING = [
  ['normal', 'Nothing beyond the usual healthy-living advice.'],
  ['attention', 'Advise, re-check or measure again at the kiosk; no referral needed today.'],
  ['refer', 'Refer to the puskesmas for a doctor to confirm (not an emergency).'],
  ['urgent', 'Act now: refer to the puskesmas today, or give first aid first (low glucose).'],
] as const;

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

function unitOf(name: ValueName): string {
  return UCUM_LABEL[VALUES[name].unit];
}

function sourceRefs(keys: readonly SourceKey[]): string {
  return keys.map((k) => `[${k}]`).join(' ');
}

/**
 * docs/screening.md: every rule with its threshold and source, for clinicians, generated from the
 * same table the code judges with, so the page and the code cannot drift apart.
 */
export function renderScreeningDoc(t: ThresholdTable = THRESHOLDS): string {
  const out: string[] = [];
  introSection(out, t);
  thresholdSections(out, t);
  checkSections(out, t);
  unitsSection(out);
  sourcesSection(out, t);
  out.push('');
  return out.join('\n');
}

/** The title, the rules version and how a value is judged. */
function introSection(out: string[], t: ThresholdTable): void {
  out.push(
    '# Screening rules',
    '',
    `<!-- Generated from THRESHOLDS in packages/screening/src/thresholds.ts by packages/screening/src/scripts/write-docs.ts. Do not edit: change the table, bump its version and run the script. -->`,
    '',
    `Rules version **${t.version}**. Every flag the kiosk raises carries this version, so a record always says which rules judged it.`,
    '',
    'The kiosk measures without a doctor. These rules turn each measurement into a category and tell the health worker what to do. A flag is advice for the health worker, not a diagnosis.',
    '',
    '## What the severities mean',
    '',
    ...table(
      ['Severity', 'What the health worker does'],
      SEVERITY_MEANING.map(([s, m]) => [`**${s}**`, m]),
    ),
    '',
    'ILP gives categories and follow-up, not severities. The severity of a category follows ILP’s follow-up: healthy-living advice is *normal*; education with monitoring is *attention*; "rujuk ke Puskesmas" is *refer*. *Urgent* marks grade 3 hypertension, hypoglycaemia, severe anaemia and SpO2 below 90 %.',
    '',
    '## How a value is judged',
    '',
    '- **Units first, then rounding, then the category.** Each value is converted to its standard unit and rounded to the precision the screen shows (table below). The rounded value is the one classified, so the screen and the category always agree: a BMI of 22.96 is shown as 23.0 and classified as 23.0.',
    '- **Ranges have no gaps.** A range printed as "120–129" in the guideline is read as *from 120 up to, but not including, 130*, so 129.6 is still in it. A range printed with ">" (the national BMI table’s "> 25.0–27.0") is read as printed: above 25.0, up to and including 27.0. Every number falls in exactly one category.',
    '- **Blood pressure: the mean of the visit.** Measure at least twice, 1–2 minutes apart; the kiosk classifies the mean of all blood-pressure readings of the visit (rounded to whole mmHg). The higher category of systolic and diastolic decides. With only one reading the kiosk still classifies it and asks for another.',
    '- **BMI** is computed by the kiosk from the latest weight and height of the visit (kg ÷ m², one decimal).',
    '- **Glucose** is judged as fasting only when the meter marks the test as fasting or the health worker says the patient fasted; otherwise as a random glucose (GDS), the default of the free health check.',
    '- **Other values**: the latest reading of the visit is judged.',
    '- **Under 18 years** the adult tables for blood pressure, BMI, waist, total cholesterol and uric acid are not applied. Haemoglobin has its own rows for 5–11 and 12–14 years; from 15 it needs the patient’s sex.',
    '- **Cholesterol, uric acid and haemoglobin** come from point-of-care strip meters (typed on the kiosk page or sent by a driver). Cholesterol follows Kemenkes (P2PTM); haemoglobin follows WHO 2011 as Kemenkes’s anaemia guideline uses it; for uric acid no Kemenkes threshold was found, and the table says which general cut-offs it uses instead (see Sources). A meter’s HI or LO is kept as its limit (`> 400 mg/dL`), never as a number to classify.',
    '- **Impossible values are refused** (a device fault is not a reading), and values outside the usual range are kept but flagged for re-measurement; see "Measurement checks".',
    '- **Control-solution tests** (a check of the glucometer) are never recorded as patient readings.',
    '',
    '## Thresholds',
  );
}

/** One table per group of values (blood pressure, BMI, ...), each row a category. */
function thresholdSections(out: string[], t: ThresholdTable): void {
  for (const group of t.groups) {
    const rows = t.rows.filter((r) => r.group === group.id);
    out.push('', `### ${group.title.en} (${group.title.id})`, '', `Applies to: ${group.appliesWhen}`);
    if (group.note) out.push('', group.note);
    out.push('');
    const values = group.values;
    out.push(
      ...table(
        [
          'Category',
          'Rule (as applied)',
          'As printed in the source',
          'Severity',
          'Message (Bahasa Indonesia)',
          'Message (English)',
          'Flag code',
          'Source',
        ],
        rows.map((r) => {
          const parts = values.map((v) => {
            const interval = r.when[v];
            const label = values.length > 1 ? `${v} ` : '';
            return interval ? `${label}${formatInterval(interval, unitOf(v))}` : '';
          });
          const joiner = r.match === 'any' ? ', or ' : ', and ';
          return [
            r.label.en === r.label.id ? r.label.en : `${r.label.en} (${r.label.id})`,
            parts.filter(Boolean).join(joiner),
            r.asPrinted,
            r.severity,
            r.message.id,
            r.message.en,
            `\`${r.code}\``,
            sourceRefs(r.sources),
          ];
        }),
      ),
    );
  }
}

/** What is refused or re-measured, the other flags, and how device clocks are read. */
function checkSections(out: string[], t: ThresholdTable): void {
  out.push(
    '',
    '## Measurement checks',
    '',
    'Outside **possible** the measurement is refused with the reason shown (code `IMPLAUSIBLE`). Between **possible** and **expected** it is kept and flagged `plausibility.remeasure`. A systolic not above the diastolic is refused too. These are engineering limits of the devices, not clinical categories.',
    '',
    ...table(
      ['Value', 'Refused outside', 'Re-measure outside', 'Why'],
      t.plausibility.map((p) => [
        VALUES[p.value].label.en,
        formatInterval(p.possible, unitOf(p.value)),
        formatInterval(p.expected, unitOf(p.value)),
        p.why,
      ]),
    ),
    '',
    '## Other flags',
    '',
    ...table(
      ['Flag code', 'Severity', 'Raised when', 'Message (Bahasa Indonesia)', 'Message (English)'],
      t.flags.map((f) => [`\`${f.code}\``, f.severity, f.raisedWhen, f.message.id, f.message.en]),
    ),
    '',
    '## Device clocks',
    '',
    `Devices keep their own clock, without a time zone; the kiosk reads it in its own zone (WIB, +07:00, unless configured for WITA or WIT). The device time is used when it lies between ${DEFAULT_CLOCK_POLICY.maxPastMinutes / 60} hours before and ${DEFAULT_CLOCK_POLICY.maxFutureMinutes} minutes after the moment the kiosk received the reading. Otherwise (a clock reset to 2000-01-01, a clock running ahead, an impossible date, or no clock at all) the kiosk's receive time is used and the reading carries a \`time.*\` flag. Times sent to SATUSEHAT are in UTC.`,
    '',
  );
}

/** Units, LOINC codes, rounding and the conversions. */
function unitsSection(out: string[]): void {
  out.push(
    '## Units, codes and rounding',
    '',
    'Rounding is half away from zero on the decimal value (62.455 kg → 62.46 kg). The device’s own value and unit are always kept beside the converted one. A glucometer that reports mmol/L keeps that value as its own entry (LOINC 15074-8) beside the mg/dL value that is judged.',
    '',
    ...table(
      ['Value', 'LOINC', 'Unit (UCUM)', 'Decimals', 'Device units accepted'],
      VALUE_NAMES.map((n) => {
        const v = VALUES[n];
        return [
          v.label.en,
          n === 'glucose'
            ? `meter (capillary or unstated): ${v.code} random, ${LOINC_EXTRA.glucoseFastingCapillaryMeter} fasting; venous or arterial plasma: ${LOINC_EXTRA.glucoseSerumPlasma} random, 1558-6 fasting; venous or arterial whole blood: 2339-0`
            : v.code,
          `\`${v.unit}\``,
          String(v.decimals),
          v.accepts.map((u) => `\`${u}\``).join(', '),
        ];
      }),
    ),
    '',
    ...table(
      ['From', 'To', 'Conversion', 'Exact', 'Source'],
      UNIT_CONVERSIONS.map((c) => [
        `\`${c.from}\``,
        `\`${c.to}\``,
        c.offset ? `(x ${c.offset < 0 ? '−' : '+'} ${Math.abs(c.offset)}) × 5/9` : `× ${c.factor}`,
        c.exact ? 'yes' : 'no',
        c.source,
      ]),
    ),
    '',
    '## Sources',
    '',
  );
}

/** The sources the rules cite. */
function sourcesSection(out: string[], t: ThresholdTable): void {
  for (const [key, source] of Object.entries(t.sources) as [
    SourceKey,
    { citation: string; note?: string },
  ][]) {
    out.push(`- **[${key}]** ${source.citation}${source.note ? ` ${source.note}` : ''}`);
  }
}
