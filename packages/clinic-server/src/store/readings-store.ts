import { newUuidV7, type Reading } from '@klinik-desa/protocol';
import { kioskUsername } from '../domain/acl.js';
import {
  type Binding,
  bindReading,
  isRefusal,
  type Refusal,
  referralFlags,
  type ScreeningRef,
  severityRank,
  utc,
  worstSeverity,
} from '../domain/readings.js';
import type { KioskRegistry } from './kiosks-store.js';
import { insertMany } from './query.js';
import type { IngestOptions, IngestOutcome, InsertOutcome } from './records.js';
import { chunk, placeholders, type SqlExecutor, type SqlValue } from './sql.js';

/** The columns of a stored reading, in the order of `readingRow`. */
export const READING_COLUMNS =
  'id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at, stored_at, body, screening_id, assignment, resolved_at, measured_utc, severity';

/** A reading's row of the readings table, bound as `b` says and stored at `storedAt`. */
export function readingRow(r: Reading, b: Binding, storedAt: string): SqlValue[] {
  return [
    r.id,
    r.clinicId,
    r.kioskId,
    r.device.id,
    r.kind,
    r.sessionId ?? null,
    // The patient the record files it under: the screening's when bound, else the kiosk's id.
    b.patientId,
    r.measuredAt,
    r.receivedAt,
    storedAt,
    JSON.stringify(r),
    b.screeningId,
    b.assignment,
    b.assignment === 'assigned' ? storedAt : null,
    utc(r.measuredAt),
    severityRank(worstSeverity(r.flags)),
  ];
}

/** Readings as kiosks send them (MQTT ingest), kept whole and idempotently by id. */
export interface ReadingStore {
  /**
   * Stores a batch in one transaction, idempotently by reading id: a reading already in the record
   * is `duplicate` and left as it was. Each stored reading is bound to its open screening (or kept
   * as unassigned), split into observations, and its refer/urgent flags become referrals.
   * Outcomes come back in input order.
   */
  ingestReadings(readings: readonly Reading[], options?: IngestOptions): Promise<IngestOutcome[]>;
  /** The foundation's entry point: `ingestReadings` without the kiosk registry check. */
  insertReadings(readings: readonly Reading[]): Promise<InsertOutcome[]>;
  /** Every stored reading, oldest id first. */
  exportReadings(): AsyncIterable<Reading>;
  countReadings(): Promise<number>;
  getReading(id: string): Promise<Reading | undefined>;
}

export class SqlReadingStore implements ReadingStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly registry: KioskRegistry,
  ) {}

  async ingestReadings(readings: readonly Reading[], options: IngestOptions = {}): Promise<IngestOutcome[]> {
    const outcomes: IngestOutcome[] = new Array(readings.length);
    const storedAt = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      const registered = options.skipKioskCheck
        ? undefined
        : await this.#registeredKiosks(tx, readings, options.requireRegisteredKiosks ?? false);
      const firstIndex = new Map<string, number>();
      const candidates: Reading[] = [];
      readings.forEach((r, i) => {
        if (registered && !registered.has(`${r.clinicId}/${r.kioskId}`)) {
          outcomes[i] = {
            status: 'rejected',
            code: 'UNKNOWN_KIOSK',
            message: `kiosk ${r.clinicId}/${r.kioskId} is not registered with this clinic server`,
          };
          return;
        }
        if (firstIndex.has(r.id)) {
          outcomes[i] = { status: 'duplicate' };
          return;
        }
        firstIndex.set(r.id, i);
        candidates.push(r);
      });
      if (candidates.length === 0) return;

      const screenings = await this.#screeningsNamed(tx, candidates);
      const patientClinics = await this.#patientClinics(tx, candidates);
      const kept: { r: Reading; b: Binding }[] = [];
      const refused: { r: Reading; refusal: Refusal }[] = [];
      for (const r of candidates) {
        const b = bindReading(r, screenings, patientClinics);
        if (isRefusal(b)) {
          outcomes[firstIndex.get(r.id)!] = { status: 'rejected', code: b.refused, message: b.message };
          refused.push({ r, refusal: b });
        } else kept.push({ r, b });
      }
      // In id order, so that concurrent batches lock rows in the same order and cannot deadlock.
      const all = kept.sort((x, y) => (x.r.id < y.r.id ? -1 : 1));
      const stored = await insertMany(
        tx,
        `INSERT INTO readings (${READING_COLUMNS})`,
        'ON CONFLICT (id) DO NOTHING',
        all.map(({ r, b }) => readingRow(r, b, storedAt)),
      );
      const fresh = all.filter(({ r }) => stored.has(r.id));
      for (const { r } of all)
        outcomes[firstIndex.get(r.id)!] = { status: stored.has(r.id) ? 'stored' : 'duplicate' };
      // Readings from kiosks are audited like the API's writes: the kiosk, what it stored or what was
      // refused, and the patient it names. Manual readings are audited by their route.
      if (registered) await this.#auditIngest(tx, fresh, refused, storedAt);
      if (fresh.length === 0) return;

      await this.#insertReferrals(tx, fresh, storedAt);
      if (registered) {
        const latest = new Map<string, { clinicId: string; kioskId: string; at: string }>();
        for (const { r } of fresh) {
          const key = `${r.clinicId}/${r.kioskId}`;
          const at = utc(r.measuredAt);
          const had = latest.get(key);
          if (!had || had.at < at) latest.set(key, { clinicId: r.clinicId, kioskId: r.kioskId, at });
        }
        for (const k of latest.values()) {
          await tx.run(
            'UPDATE kiosks SET last_reading_at = ? WHERE clinic_id = ? AND kiosk_id = ? AND (last_reading_at IS NULL OR last_reading_at < ?)',
            [k.at, k.clinicId, k.kioskId, k.at],
          );
        }
      }
    });
    return outcomes;
  }

  /**
   * The registered, not revoked kiosks among those of the batch, or `undefined` when no check
   * applies. Asked of the record for every batch and never kept: a kiosk revoked a moment ago must
   * not get another reading stored (its MQTT connection may outlive the revocation by a moment).
   */
  async #registeredKiosks(
    tx: SqlExecutor,
    readings: readonly Reading[],
    required: boolean,
  ): Promise<Set<string> | undefined> {
    if (!required && !this.registry.nonEmpty) {
      this.registry.nonEmpty = (await tx.get('SELECT 1 AS one FROM kiosks LIMIT 1')) !== undefined;
      if (!this.registry.nonEmpty) return undefined;
    }
    // A registered kiosk has its client, named by its MQTT user name: looked up by primary key.
    const wanted = [...new Set(readings.map((r) => kioskUsername(r.clinicId, r.kioskId)))];
    const registered = new Set<string>();
    for (const part of chunk(wanted, 1)) {
      const rows = await tx.all<{ clinic_id: string; kiosk_id: string }>(
        `SELECT clinic_id, kiosk_id FROM api_clients
         WHERE id IN (${placeholders(part.length)}) AND role = 'kiosk' AND revoked_at IS NULL`,
        part,
      );
      for (const row of rows) registered.add(`${row.clinic_id}/${row.kiosk_id}`);
    }
    return registered;
  }

  /** The screenings a batch names by `sessionId`, open or not, with their clinic. */
  async #screeningsNamed(tx: SqlExecutor, readings: readonly Reading[]): Promise<Map<string, ScreeningRef>> {
    const ids = [...new Set(readings.flatMap((r) => (r.sessionId ? [r.sessionId] : [])))];
    const found = new Map<string, ScreeningRef>();
    // FOR SHARE: a screening being finished in another transaction waits for this batch (or this
    // batch waits for it), so no reading is bound to a screening whose Bundle is already made.
    const lock = tx.dialect === 'postgres' ? ' FOR SHARE' : '';
    for (const part of chunk(ids, 1)) {
      const rows = await tx.all<{ id: string; patient_id: string; clinic_id: string; status: string }>(
        `SELECT id, patient_id, clinic_id, status FROM screenings WHERE id IN (${placeholders(part.length)})${lock}`,
        part,
      );
      for (const row of rows)
        found.set(row.id, {
          patientId: row.patient_id,
          clinicId: row.clinic_id,
          open: row.status === 'open',
        });
    }
    return found;
  }

  /** For each patient a batch names that the record has: the clinics that see them. */
  async #patientClinics(tx: SqlExecutor, readings: readonly Reading[]): Promise<Map<string, Set<string>>> {
    const ids = [...new Set(readings.flatMap((r) => (r.patientId ? [r.patientId] : [])))];
    const seen = new Map<string, Set<string>>();
    for (const part of chunk(ids, 1)) {
      const rows = await tx.all<{ id: string; clinic_id: string | null }>(
        `SELECT p.id, pc.clinic_id FROM patients p LEFT JOIN patient_clinics pc ON pc.patient_id = p.id
         WHERE p.id IN (${placeholders(part.length)})`,
        part,
      );
      for (const row of rows) {
        const clinics = seen.get(row.id) ?? new Set<string>();
        if (row.clinic_id !== null) clinics.add(row.clinic_id);
        seen.set(row.id, clinics);
      }
    }
    return seen;
  }

  async #auditIngest(
    tx: SqlExecutor,
    stored: readonly { r: Reading; b: Binding }[],
    refused: readonly { r: Reading; refusal: Refusal }[],
    at: string,
  ): Promise<void> {
    const line = (r: Reading, action: string, patientId: string | null) => [
      newUuidV7(),
      at,
      kioskUsername(r.clinicId, r.kioskId),
      action,
      'reading',
      r.id,
      patientId,
      r.clinicId,
      null,
    ];
    await insertMany(
      tx,
      'INSERT INTO audit_log (id, at, client_id, action, resource_type, resource_id, patient_id, clinic_id, request_id)',
      'ON CONFLICT (id) DO NOTHING',
      [
        ...stored.map(({ r, b }) => line(r, 'ingest', b.patientId)),
        // The refused reading names another clinic's screening or patient: that id stays out of
        // this clinic's line, which says only that the kiosk tried.
        ...refused.map(({ r, refusal }) => line(r, `refuse-${refusal.refused.toLowerCase()}`, null)),
      ],
    );
  }

  async #insertReferrals(
    tx: SqlExecutor,
    fresh: readonly { r: Reading; b: { screeningId: string | null; patientId: string | null } }[],
    at: string,
  ): Promise<void> {
    const rows = fresh.flatMap(({ r, b }) => referralFlags(r).map((flag) => ({ r, b, flag })));
    await insertMany(
      tx,
      'INSERT INTO referrals (id, reading_id, flag_code, screening_id, patient_id, clinic_id, kiosk_id, severity, flag, status, created_at)',
      'ON CONFLICT (reading_id, flag_code) DO NOTHING',
      rows.map(({ r, b, flag }) => [
        newUuidV7(),
        r.id,
        flag.code,
        b.screeningId,
        b.patientId,
        r.clinicId,
        r.kioskId,
        flag.severity,
        JSON.stringify(flag),
        'open',
        at,
      ]),
    );
  }

  async insertReadings(readings: readonly Reading[]) {
    const outcomes = await this.ingestReadings(readings);
    return outcomes.map((o) => (o.status === 'stored' ? 'stored' : 'duplicate'));
  }

  async *exportReadings(): AsyncIterable<Reading> {
    // Keyset pages, so a big record is never held in memory at once.
    let after = '';
    for (;;) {
      const rows = await this.db.all<{ id: string; body: string }>(
        'SELECT id, body FROM readings WHERE id > ? ORDER BY id LIMIT 1000',
        [after],
      );
      for (const row of rows) yield JSON.parse(row.body) as Reading;
      const last = rows.at(-1);
      if (!last || rows.length < 1000) return;
      after = last.id;
    }
  }

  async countReadings() {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM readings'))?.n ?? 0;
  }

  async getReading(id: string) {
    const row = await this.db.get<{ body: string }>('SELECT body FROM readings WHERE id = ?', [id]);
    return row ? (JSON.parse(row.body) as Reading) : undefined;
  }
}
