import { type Flag, SEVERITY_ORDER, type Severity } from '@klinik-desa/protocol';
import {
  flagDefinition,
  type Text,
  THRESHOLDS,
  type ThresholdRow,
  type ThresholdTable,
} from './thresholds.js';
import { VALUES, type ValueName } from './values.js';

/** The flag a threshold row raises. */
export function flagFromRow(row: ThresholdRow, value: ValueName | undefined, table: ThresholdTable): Flag {
  const flag: Flag = {
    code: row.code,
    severity: row.severity,
    message: { ...row.message },
    rules: table.version,
  };
  if (value !== undefined) flag.value = value;
  return flag;
}

/** A flag from the table's other flags, with `{value}` and `{detail}` filled in. */
export function makeFlag(
  code: string,
  options: { value?: ValueName; detail?: string | Text; table?: ThresholdTable } = {},
): Flag {
  const table = options.table ?? THRESHOLDS;
  const def = flagDefinition(code, table);
  const fill = (text: string, lang: keyof Text) =>
    text
      .replaceAll('{value}', options.value ? VALUES[options.value].label[lang] : 'value')
      .replaceAll('{detail}', detailIn(options.detail, lang));
  const flag: Flag = {
    code: def.code,
    severity: def.severity,
    message: { id: fill(def.message.id, 'id'), en: fill(def.message.en, 'en') },
    rules: table.version,
  };
  if (options.value !== undefined) flag.value = options.value;
  return flag;
}

function detailIn(detail: string | Text | undefined, lang: keyof Text): string {
  if (detail === undefined) return '';
  return typeof detail === 'string' ? detail : detail[lang];
}

export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** The most urgent severity among the flags; `normal` when there are none. */
export function worstSeverity(flags: readonly Flag[]): Severity {
  let worst: Severity = 'normal';
  for (const flag of flags) if (severityRank(flag.severity) > severityRank(worst)) worst = flag.severity;
  return worst;
}
