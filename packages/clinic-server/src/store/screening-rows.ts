import { type Screening, SEVERITY_ORDER } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition, EVERY_CLINIC } from '../domain/access.js';
import { chunk, placeholders, type SqlExecutor } from './sql.js';

// A screening as the record keeps it, shared by the parts that read or change screenings
// (screenings, unassigned readings, forwarding).

export interface ScreeningRow {
  id: string;
  patient_id: string;
  clinic_id: string;
  kiosk_id: string;
  status: string;
  practitioner: string | null;
  practitioner_id: string | null;
  opened_at: string;
  finished_at: string | null;
  fwd_status: string;
  fwd_attempts: number;
  fwd_last_at: string | null;
  fwd_next_at: string | null;
  fwd_sent_at: string | null;
  fwd_http_status: number | null;
  fwd_outcome: string | null;
}

export const SCREENING_COLUMNS =
  'id, patient_id, clinic_id, kiosk_id, status, practitioner, practitioner_id, opened_at, finished_at, fwd_status, fwd_attempts, fwd_last_at, fwd_next_at, fwd_sent_at, fwd_http_status, fwd_outcome';

function parseOutcome(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One screening row, locked for update on PostgreSQL when `lock`. */
export async function screeningRow(
  db: SqlExecutor,
  id: string,
  lock = false,
  access: ClinicAccess = EVERY_CLINIC,
) {
  const forUpdate = lock && db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const c = clinicCondition(access, 'clinic_id');
  return db.get<ScreeningRow>(
    `SELECT ${SCREENING_COLUMNS} FROM screenings WHERE id = ?${c.sql}${forUpdate}`,
    [id, ...c.params],
  );
}

/** Screenings as the API shows them: each with the worst severity of its readings. */
export async function screeningsWithSeverity(
  db: SqlExecutor,
  rows: readonly ScreeningRow[],
): Promise<Screening[]> {
  const severities = new Map<string, number>();
  for (const part of chunk(rows, 1)) {
    if (part.length === 0) continue;
    const found = await db.all<{ screening_id: string; s: number }>(
      `SELECT screening_id, MAX(severity) AS s FROM readings
       WHERE assignment = 'assigned' AND screening_id IN (${placeholders(part.length)}) GROUP BY screening_id`,
      part.map((r) => r.id),
    );
    for (const f of found) severities.set(f.screening_id, Number(f.s));
  }
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    clinicId: r.clinic_id,
    kioskId: r.kiosk_id,
    status: r.status as Screening['status'],
    practitioner: r.practitioner === null ? null : (JSON.parse(r.practitioner) as Screening['practitioner']),
    practitionerId: r.practitioner_id,
    openedAt: r.opened_at,
    finishedAt: r.finished_at,
    severity: SEVERITY_ORDER[severities.get(r.id) ?? 0] ?? 'normal',
    forwarding: {
      status: r.fwd_status as Screening['forwarding']['status'],
      attempts: Number(r.fwd_attempts),
      lastAttemptAt: r.fwd_last_at,
      nextAttemptAt: r.fwd_next_at,
      sentAt: r.fwd_sent_at,
      httpStatus: r.fwd_http_status === null ? null : Number(r.fwd_http_status),
      outcome: parseOutcome(r.fwd_outcome),
    },
  }));
}
