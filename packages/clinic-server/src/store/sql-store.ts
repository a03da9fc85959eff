import {
  type ApiClient,
  type ApiClientListQuery,
  type AuditEvent,
  type AuditEventListQuery,
  type ClinicGrant,
  type Flag,
  type Kiosk,
  type KioskStatus,
  newUuidV7,
  type Observation,
  type ObservationListQuery,
  type Page,
  type Patient,
  type PatientUpdate,
  type PractitionerCreate,
  type PractitionerRecord,
  type PractitionerUpdate,
  type Reading,
  type Referral,
  type ReferralListQuery,
  type Scope,
  type Screening,
  type ScreeningDetail,
  type ScreeningListQuery,
  SEVERITY_ORDER,
  type UnassignedReading,
} from '@klinik-desa/protocol';
import { accessOf, type ClinicAccess, clinicCondition, EVERY_CLINIC, grantOf } from '../domain/access.js';
import { kioskUsername } from '../domain/acl.js';
import { decodeCursor, encodeCursor, pageOf } from '../domain/cursor.js';
import {
  type Binding,
  bindReading,
  isRefusal,
  nameKey,
  observationsOf,
  type Refusal,
  referralFlags,
  type ScreeningRef,
  severityRank,
  utc,
  worstSeverity,
} from '../domain/readings.js';
import { ClinicError, ConfigError, notFound } from '../errors.js';
import { migrationsFor } from './migrations.js';
import { chunk, placeholders, type SqlExecutor, type SqlValue, valuesList } from './sql.js';
import type {
  ApiClientRecord,
  ClinicStore,
  ForwardingClaim,
  IngestOptions,
  IngestOutcome,
  PageRequest,
  TokenRecord,
} from './store.js';

interface PatientRow {
  id: string;
  nik: string | null;
  name: string;
  birth_date: string;
  sex: string;
  ihs_number: string | null;
  created_at: string;
}

interface ScreeningRow {
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

interface ReadingStateRow {
  id: string;
  clinic_id: string;
  kiosk_id: string;
  kind: string;
  session_id: string | null;
  measured_at: string;
  stored_at: string;
  body: string;
  assignment: string;
  screening_id: string | null;
  discard_reason: string | null;
}

interface ReferralRow {
  id: string;
  reading_id: string;
  screening_id: string | null;
  patient_id: string | null;
  clinic_id: string;
  kiosk_id: string;
  severity: string;
  flag: string;
  status: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  note: string | null;
}

interface KioskRow {
  clinic_id: string;
  kiosk_id: string;
  name: string | null;
  registered_at: string;
  rotated_at: string;
  status: string | null;
  last_reading_at: string | null;
}

const SCREENING_COLUMNS =
  'id, patient_id, clinic_id, kiosk_id, status, practitioner, practitioner_id, opened_at, finished_at, fwd_status, fwd_attempts, fwd_last_at, fwd_next_at, fwd_sent_at, fwd_http_status, fwd_outcome';
const READING_STATE_COLUMNS =
  'id, clinic_id, kiosk_id, kind, session_id, measured_at, stored_at, body, assignment, screening_id, discard_reason';

interface ClientRow {
  id: string;
  role: string;
  name: string;
  secret_hash: string;
  clinic_id: string | null;
  kiosk_id: string | null;
  clinics: string;
  created_at: string;
  revoked_at: string | null;
}

/** The `clinics` column: JSON, `"*"` or a list of clinic ids. */
function parseClinics(text: string): ClinicAccess {
  return accessOf(JSON.parse(text) as ClinicGrant);
}

const toClientRecord = (r: ClientRow): ApiClientRecord => ({
  id: r.id,
  role: r.role as ApiClientRecord['role'],
  name: r.name,
  secretHash: r.secret_hash,
  clinicId: r.clinic_id,
  kioskId: r.kiosk_id,
  access: parseClinics(r.clinics),
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** What the API shows of a client: everything but the secret's hash. */
const toApiClient = (c: ApiClientRecord): ApiClient => ({
  clientId: c.id,
  role: c.role,
  name: c.name,
  clinicId: c.clinicId,
  kioskId: c.kioskId,
  clinics: grantOf(c.access),
  createdAt: c.createdAt,
  revokedAt: c.revokedAt ?? null,
});

function nikTaken(
  patientId: string | null,
  message = 'a patient with this NIK is already registered',
): ClinicError {
  return new ClinicError('PATIENT_EXISTS', message, patientId ? { patientId } : undefined);
}

/** `AND` the patient in `column` is seen by one of the caller's clinics. */
function seenBy(access: ClinicAccess, column: string): { sql: string; params: string[] } {
  if (access.all) return { sql: '', params: [] };
  const c = clinicCondition(access, 'pc.clinic_id');
  return {
    sql: ` AND EXISTS (SELECT 1 FROM patient_clinics pc WHERE pc.patient_id = ${column}${c.sql})`,
    params: c.params,
  };
}

/** SQLite's and PostgreSQL's words for a UNIQUE constraint that refused a row. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

interface PractitionerRow {
  id: string;
  clinic_id: string;
  name: string;
  nik: string | null;
  ihs_number: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

const toPractitioner = (r: PractitionerRow): PractitionerRecord => ({
  id: r.id,
  clinicId: r.clinic_id,
  name: r.name,
  nik: r.nik,
  ihsNumber: r.ihs_number,
  active: Number(r.active) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The message names the clinic, never the NIK: error messages end up in logs. */
function practitionerNikTaken(clinicId: string, practitionerId: string | null): ClinicError {
  return new ClinicError(
    'PRACTITIONER_EXISTS',
    `a health worker with this NIK is already registered in clinic ${clinicId}`,
    practitionerId ? { practitionerId } : undefined,
  );
}

const toPatient = (r: PatientRow): Patient => ({
  id: r.id,
  nik: r.nik,
  name: r.name,
  birthDate: r.birth_date,
  sex: r.sex as Patient['sex'],
  ihsNumber: r.ihs_number,
  createdAt: r.created_at,
});

/** The observations of a stored reading, as the record has it bound now. */
function observationsOfRow(r: ObservedRow): Observation[] {
  const reading = JSON.parse(r.body) as Reading;
  return observationsOf(reading, {
    screeningId: r.screening_id,
    patientId: r.patient_id,
    assignment: r.screening_id ? 'assigned' : 'unassigned',
  }).map((o) => ({
    id: o.id,
    readingId: o.readingId,
    screeningId: o.screeningId,
    patientId: o.patientId,
    clinicId: o.clinicId,
    kioskId: o.kioskId,
    kind: o.kind as Observation['kind'],
    name: o.name,
    code: o.code,
    value: o.value,
    unit: o.unit as Observation['unit'],
    absentReason: o.absentReason as Observation['absentReason'],
    measuredAt: o.measuredAt,
    source: o.source,
    flags: o.flags,
    ...(o.derivedFrom ? { derivedFrom: o.derivedFrom } : {}),
  }));
}

interface ObservedRow {
  id: string;
  body: string;
  screening_id: string | null;
  patient_id: string | null;
}

const OBSERVED_COLUMNS = 'id, body, screening_id, patient_id';

const toUnassigned = (r: ReadingStateRow): UnassignedReading => {
  const body = JSON.parse(r.body) as Reading;
  return {
    readingId: r.id,
    clinicId: r.clinic_id,
    kioskId: r.kiosk_id,
    kind: r.kind as UnassignedReading['kind'],
    sessionId: r.session_id,
    measuredAt: body.measuredAt,
    storedAt: r.stored_at,
    values: body.values,
    flags: body.flags,
    status: r.assignment as UnassignedReading['status'],
    screeningId: r.screening_id,
    discardReason: r.discard_reason,
  };
};

const toReferral = (r: ReferralRow): Referral => ({
  id: r.id,
  readingId: r.reading_id,
  screeningId: r.screening_id,
  patientId: r.patient_id,
  clinicId: r.clinic_id,
  kioskId: r.kiosk_id,
  severity: r.severity as Referral['severity'],
  flag: JSON.parse(r.flag) as Flag,
  status: r.status as Referral['status'],
  createdAt: r.created_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  note: r.note,
});

const toKiosk = (r: KioskRow): Kiosk => ({
  clinicId: r.clinic_id,
  kioskId: r.kiosk_id,
  name: r.name,
  registeredAt: r.registered_at,
  credentialsRotatedAt: r.rotated_at,
  status: r.status === null ? null : (JSON.parse(r.status) as KioskStatus),
  lastReadingAt: r.last_reading_at,
});

function parseOutcome(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Collects `AND col = ?` filters for the given values that are set. */
interface AuditRow {
  id: string;
  at: string;
  client_id: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  patient_id: string | null;
  request_id: string | null;
}

const toAuditEvent = (r: AuditRow): AuditEvent => ({
  id: r.id,
  at: r.at,
  clientId: r.client_id,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  patientId: r.patient_id,
  requestId: r.request_id,
});

function where(filters: [string, SqlValue | undefined][]): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const [clause, value] of filters) {
    if (value === undefined) continue;
    parts.push(clause);
    params.push(value);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

export class SqlClinicStore implements ClinicStore {
  readonly dialect;
  private registryNonEmpty = false;

  constructor(private readonly db: SqlExecutor) {
    this.dialect = db.dialect;
  }

  /**
   * Brings the schema forward (to `upTo`, for tests that build an older record); several processes
   * starting at once apply each migration once.
   */
  async migrate(upTo = Number.POSITIVE_INFINITY): Promise<void> {
    const migrations = migrationsFor(this.db.dialect);
    await this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    await this.db.transaction(async (tx) => {
      // PostgreSQL: one migrator at a time across processes (SQLite's BEGIN IMMEDIATE already is).
      if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(72510)');
      const applied = new Set(
        (await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
      );
      const newest = Math.max(0, ...applied);
      const known = Math.max(...migrations.map((m) => m.version));
      if (newest > known) {
        throw new ConfigError(
          'DB_TOO_NEW',
          `the database is at schema version ${newest}, newer than this server knows (${known}): upgrade the server`,
        );
      }
      for (const m of migrations) {
        if (applied.has(m.version) || m.version > upTo) continue;
        await tx.exec(m.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      }
    });
  }

  // ---------------------------------------------------------------- readings

  async ingestReadings(readings: readonly Reading[], options: IngestOptions = {}): Promise<IngestOutcome[]> {
    const outcomes: IngestOutcome[] = new Array(readings.length);
    const storedAt = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      const registered = options.skipKioskCheck
        ? undefined
        : await this.registeredKiosks(tx, readings, options.requireRegisteredKiosks ?? false);
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

      const screenings = await this.screeningsNamed(tx, candidates);
      const patientClinics = await this.patientClinics(tx, candidates);
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
      const stored = await this.insertMany(
        tx,
        'INSERT INTO readings (id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at, stored_at, body, screening_id, assignment, resolved_at, measured_utc, severity)',
        'ON CONFLICT (id) DO NOTHING',
        all.map(({ r, b }) => [
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
        ]),
      );
      const fresh = all.filter(({ r }) => stored.has(r.id));
      for (const { r } of all)
        outcomes[firstIndex.get(r.id)!] = { status: stored.has(r.id) ? 'stored' : 'duplicate' };
      // Readings from kiosks are audited like the API's writes: the kiosk, what it stored or what was
      // refused, and the patient it names. Manual readings are audited by their route.
      if (registered) await this.auditIngest(tx, fresh, refused, storedAt);
      if (fresh.length === 0) return;

      await this.insertReferrals(tx, fresh, storedAt);
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
  private async registeredKiosks(
    tx: SqlExecutor,
    readings: readonly Reading[],
    required: boolean,
  ): Promise<Set<string> | undefined> {
    if (!required && !this.registryNonEmpty) {
      this.registryNonEmpty = (await tx.get('SELECT 1 AS one FROM kiosks LIMIT 1')) !== undefined;
      if (!this.registryNonEmpty) return undefined;
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
  private async screeningsNamed(
    tx: SqlExecutor,
    readings: readonly Reading[],
  ): Promise<Map<string, ScreeningRef>> {
    const ids = [...new Set(readings.flatMap((r) => (r.sessionId ? [r.sessionId] : [])))];
    const found = new Map<string, ScreeningRef>();
    // FOR SHARE: a screening being finished in another transaction waits for this batch (or this
    // batch waits for it), so no reading is bound to a screening whose Bundle is already made.
    const lock = this.db.dialect === 'postgres' ? ' FOR SHARE' : '';
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
  private async patientClinics(
    tx: SqlExecutor,
    readings: readonly Reading[],
  ): Promise<Map<string, Set<string>>> {
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

  private async auditIngest(
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
    await this.insertMany(
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

  /**
   * Inserts rows; resolves with the first column (the id) of each row actually inserted. SQLite runs
   * one prepared single-row statement per row (no parse per batch); PostgreSQL gets multi-row
   * statements, one round trip per ~2,000 rows (measured faster than `unnest` of arrays, whose text
   * escaping of the JSON bodies costs more than the extra parameters).
   */
  private async insertMany(
    tx: SqlExecutor,
    head: string,
    conflict: string,
    rows: readonly (readonly SqlValue[])[],
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    const first = rows[0];
    if (!first) return inserted;
    const columns = first.length;
    if (tx.runEach) {
      const changes = tx.runEach(`${head} VALUES ${valuesList(1, columns)} ${conflict}`, rows);
      rows.forEach((row, i) => {
        if (changes[i] === 1) inserted.add(String(row[0]));
      });
      return inserted;
    }
    for (const part of chunk(rows, columns)) {
      const found = await tx.all<{ id: string }>(
        `${head} VALUES ${valuesList(part.length, columns)} ${conflict} RETURNING id`,
        part.flat(),
      );
      for (const row of found) inserted.add(row.id);
    }
    return inserted;
  }

  private async insertReferrals(
    tx: SqlExecutor,
    fresh: readonly { r: Reading; b: { screeningId: string | null; patientId: string | null } }[],
    at: string,
  ): Promise<void> {
    const rows = fresh.flatMap(({ r, b }) => referralFlags(r).map((flag) => ({ r, b, flag })));
    await this.insertMany(
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

  // ---------------------------------------------------------------- patients

  async createPatient(
    input: Parameters<ClinicStore['createPatient']>[0],
    id: string,
    at: string,
    clinicId: string,
  ) {
    const outcome = await this.db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO patients (id, nik, name, name_key, birth_date, sex, ihs_number, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          id,
          input.nik ?? null,
          input.name,
          nameKey(input.name),
          input.birthDate,
          input.sex,
          input.ihsNumber ?? null,
          at,
        ],
      );
      if (inserted === 1) {
        await this.linkPatient(tx, id, clinicId, at);
        return { created: true as const };
      }
      const existing = input.nik
        ? await tx.get<PatientRow>('SELECT * FROM patients WHERE nik = ?', [input.nik])
        : undefined;
      if (!existing) return { created: false as const, error: nikTaken(null) };
      const seen = await tx.get(
        'SELECT 1 AS one FROM patient_clinics WHERE patient_id = ? AND clinic_id = ?',
        [existing.id, clinicId],
      );
      if (seen) return { created: false as const, error: nikTaken(existing.id) };
      // The person stands at this clinic with their KTP: the name and birth date on it are theirs.
      // Anyone can read a NIK off a document; the three together are what the clinic is shown.
      if (nameKey(existing.name) === nameKey(input.name) && existing.birth_date === input.birthDate) {
        await this.linkPatient(tx, existing.id, clinicId, at);
        return {
          created: false as const,
          error: nikTaken(
            existing.id,
            `a patient with this NIK is already registered (at another clinic); from now on clinic ${clinicId} sees them too`,
          ),
        };
      }
      return {
        created: false as const,
        error: nikTaken(
          null,
          'a patient with this NIK is registered at another clinic under another name or birth date: check the KTP, and type them as it shows them',
        ),
      };
    });
    if (!outcome.created) throw outcome.error;
    return (await this.getPatient(id, EVERY_CLINIC))!;
  }

  private async linkPatient(tx: SqlExecutor, patientId: string, clinicId: string, at: string): Promise<void> {
    await tx.run(
      'INSERT INTO patient_clinics (patient_id, clinic_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [patientId, clinicId, at],
    );
  }

  async updatePatient(id: string, changes: PatientUpdate, access: ClinicAccess) {
    return this.db.transaction(async (tx) => {
      const seen = seenBy(access, 'patients.id');
      const row = await tx.get<PatientRow>(`SELECT * FROM patients WHERE id = ?${seen.sql}`, [
        id,
        ...seen.params,
      ]);
      if (!row) throw notFound('patient', id);
      const nik = changes.nik === undefined ? row.nik : changes.nik;
      const holder =
        nik !== null && nik !== row.nik
          ? await tx.get<{ id: string }>('SELECT id FROM patients WHERE nik = ?', [nik])
          : undefined;
      if (holder) throw nikTaken(holder.id);
      const name = changes.name ?? row.name;
      const updated: PatientRow = {
        ...row,
        nik,
        name,
        birth_date: changes.birthDate ?? row.birth_date,
        sex: changes.sex ?? row.sex,
        ihs_number: changes.ihsNumber === undefined ? row.ihs_number : changes.ihsNumber,
      };
      try {
        await tx.run(
          'UPDATE patients SET nik = ?, name = ?, name_key = ?, birth_date = ?, sex = ?, ihs_number = ? WHERE id = ?',
          [updated.nik, name, nameKey(name), updated.birth_date, updated.sex, updated.ihs_number, id],
        );
      } catch (error) {
        // Another request gave the same NIK to someone else between the check and this update.
        if (isUniqueViolation(error)) throw nikTaken(null);
        throw error;
      }
      return toPatient(updated);
    });
  }

  async adoptIhsNumber(id: string, nik: string, ihsNumber: string) {
    const changed = await this.db.run(
      'UPDATE patients SET ihs_number = ? WHERE id = ? AND nik = ? AND ihs_number IS NULL',
      [ihsNumber, id, nik],
    );
    return changed === 1;
  }

  async getPatient(id: string, access: ClinicAccess) {
    const seen = seenBy(access, 'patients.id');
    const row = await this.db.get<PatientRow>(`SELECT * FROM patients WHERE id = ?${seen.sql}`, [
      id,
      ...seen.params,
    ]);
    return row && toPatient(row);
  }

  async findPatientByNik(nik: string, access: ClinicAccess) {
    const seen = seenBy(access, 'patients.id');
    const row = await this.db.get<PatientRow>(`SELECT * FROM patients WHERE nik = ?${seen.sql}`, [
      nik,
      ...seen.params,
    ]);
    return row && toPatient(row);
  }

  async searchPatients(name: string, birthDate: string, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const key = nameKey(name);
    // The API asks for three letters or digits; the record checks again, as a name of punctuation
    // or of another script has an empty key here, and an empty key would match everyone that day.
    if (key.replace(/ /g, '').length < 3) {
      throw new ClinicError(
        'VALIDATION',
        'give at least 3 letters or digits of the name (a-z, accents allowed) to search by name',
      );
    }
    // Wildcards match themselves: escaped, with the escape character named (SQLite has no default).
    const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const seen = seenBy(access, 'patients.id');
    const rows = await this.db.all<PatientRow>(
      `SELECT * FROM patients WHERE birth_date = ? AND name_key LIKE ? ESCAPE '\\' AND id > ?${seen.sql} ORDER BY id LIMIT ?`,
      [birthDate, pattern, after, ...seen.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toPatient);
  }

  // ---------------------------------------------------------------- practitioners

  async createPractitioner(input: PractitionerCreate, id: string, at: string) {
    const inserted = await this.db.run(
      `INSERT INTO practitioners (id, clinic_id, name, nik, ihs_number, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
      [id, input.clinicId, input.name, input.nik ?? null, input.ihsNumber ?? null, at, at],
    );
    if (inserted === 0) {
      const holder = input.nik
        ? await this.db.get<{ id: string }>('SELECT id FROM practitioners WHERE clinic_id = ? AND nik = ?', [
            input.clinicId,
            input.nik,
          ])
        : undefined;
      throw practitionerNikTaken(input.clinicId, holder?.id ?? null);
    }
    return (await this.getPractitioner(id, EVERY_CLINIC))!;
  }

  async getPractitioner(id: string, access: ClinicAccess) {
    const c = clinicCondition(access, 'clinic_id');
    const row = await this.db.get<PractitionerRow>(`SELECT * FROM practitioners WHERE id = ?${c.sql}`, [
      id,
      ...c.params,
    ]);
    return row && toPractitioner(row);
  }

  async listPractitioners(
    query: { clinicId?: string | undefined; active?: boolean | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['active = ?', query.active === undefined ? undefined : query.active ? 1 : 0],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<PractitionerRow>(
      `SELECT * FROM practitioners WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toPractitioner);
  }

  async updatePractitioner(id: string, changes: PractitionerUpdate, at: string, access: ClinicAccess) {
    return this.db.transaction(async (tx) => {
      const c = clinicCondition(access, 'clinic_id');
      const row = await tx.get<PractitionerRow>(`SELECT * FROM practitioners WHERE id = ?${c.sql}`, [
        id,
        ...c.params,
      ]);
      if (!row) throw notFound('practitioner', id);
      const nik = changes.nik === undefined ? row.nik : changes.nik;
      const ihsNumber = changes.ihsNumber === undefined ? row.ihs_number : changes.ihsNumber;
      // SATUSEHAT names a practitioner by IHS number, and the NIK is how the clinic finds it.
      if (nik === null && ihsNumber === null) {
        throw new ClinicError(
          'VALIDATION',
          `body: practitioner ${id} would be left with neither a NIK nor an IHS number; keep one of them`,
        );
      }
      const holder =
        nik !== null && nik !== row.nik
          ? await tx.get<{ id: string }>('SELECT id FROM practitioners WHERE clinic_id = ? AND nik = ?', [
              row.clinic_id,
              nik,
            ])
          : undefined;
      if (holder) throw practitionerNikTaken(row.clinic_id, holder.id);
      const updated: PractitionerRow = {
        ...row,
        name: changes.name ?? row.name,
        nik,
        ihs_number: ihsNumber,
        active: changes.active === undefined ? Number(row.active) : changes.active ? 1 : 0,
        updated_at: at,
      };
      try {
        await tx.run(
          'UPDATE practitioners SET name = ?, nik = ?, ihs_number = ?, active = ?, updated_at = ? WHERE id = ?',
          [updated.name, updated.nik, updated.ihs_number, updated.active, at, id],
        );
      } catch (error) {
        // Another request gave the same NIK to someone else between the check and this update.
        if (isUniqueViolation(error)) throw practitionerNikTaken(row.clinic_id, null);
        throw error;
      }
      return toPractitioner(updated);
    });
  }

  async adoptPractitionerIhsNumber(id: string, nik: string, ihsNumber: string) {
    const changed = await this.db.run(
      'UPDATE practitioners SET ihs_number = ?, updated_at = ? WHERE id = ? AND nik = ? AND ihs_number IS NULL',
      [ihsNumber, new Date().toISOString(), id, nik],
    );
    return changed === 1;
  }

  // ---------------------------------------------------------------- screenings

  async createScreening(
    input: Parameters<ClinicStore['createScreening']>[0],
    id: string,
    at: string,
  ): Promise<Screening> {
    return this.db.transaction(async (tx) => {
      // A clinic screens the patients it sees: one registered at another clinic is registered here
      // first (POST /patients with their KTP's details), which the patient is there to show.
      const patient = await tx.get(
        'SELECT 1 AS one FROM patient_clinics WHERE patient_id = ? AND clinic_id = ?',
        [input.patientId, input.clinicId],
      );
      if (!patient) throw notFound('patient', input.patientId);
      if (input.practitionerId !== null) await this.checkUsable(tx, input.practitionerId, input.clinicId);
      await tx.run(
        `INSERT INTO screenings (id, patient_id, clinic_id, kiosk_id, status, practitioner, practitioner_id, opened_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
        [
          id,
          input.patientId,
          input.clinicId,
          input.kioskId,
          input.practitioner ? JSON.stringify(input.practitioner) : null,
          input.practitionerId,
          at,
        ],
      );
      return (await this.screeningsWithSeverity(tx, [(await this.screeningRow(tx, id))!]))[0]!;
    });
  }

  /**
   * A screening may name a health worker of its own clinic who still works there: SATUSEHAT would
   * otherwise get an Encounter of this clinic performed by someone of another, or by someone gone.
   */
  private async checkUsable(tx: SqlExecutor, practitionerId: string, clinicId: string): Promise<void> {
    // FOR SHARE: a deactivation committing meanwhile waits for this screening, or this for it.
    const lock = tx.dialect === 'postgres' ? ' FOR SHARE' : '';
    const row = await tx.get<{ clinic_id: string; active: number }>(
      `SELECT clinic_id, active FROM practitioners WHERE id = ?${lock}`,
      [practitionerId],
    );
    if (!row) {
      throw new ClinicError(
        'PRACTITIONER_NOT_FOUND',
        `no practitioner with id ${JSON.stringify(practitionerId)}`,
        {
          practitionerId,
        },
      );
    }
    if (row.clinic_id !== clinicId) {
      throw new ClinicError(
        'PRACTITIONER_NOT_USABLE',
        `practitioner ${practitionerId} is a health worker of clinic ${row.clinic_id}, not of clinic ${clinicId} where this screening is opened`,
        { practitionerId, reason: 'other-clinic' },
      );
    }
    if (Number(row.active) !== 1) {
      throw new ClinicError(
        'PRACTITIONER_NOT_USABLE',
        `practitioner ${practitionerId} is no longer active at clinic ${clinicId}: choose another health worker, or PATCH /practitioners/${practitionerId} {"active": true} if they work here again`,
        { practitionerId, reason: 'inactive' },
      );
    }
  }

  private async screeningRow(db: SqlExecutor, id: string, lock = false, access: ClinicAccess = EVERY_CLINIC) {
    const forUpdate = lock && db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const c = clinicCondition(access, 'clinic_id');
    return db.get<ScreeningRow>(
      `SELECT ${SCREENING_COLUMNS} FROM screenings WHERE id = ?${c.sql}${forUpdate}`,
      [id, ...c.params],
    );
  }

  private async screeningsWithSeverity(db: SqlExecutor, rows: readonly ScreeningRow[]): Promise<Screening[]> {
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
      practitioner:
        r.practitioner === null ? null : (JSON.parse(r.practitioner) as Screening['practitioner']),
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

  async getScreening(id: string, access: ClinicAccess) {
    const row = await this.screeningRow(this.db, id, false, access);
    return row && (await this.screeningsWithSeverity(this.db, [row]))[0];
  }

  async getScreeningDetail(id: string, access: ClinicAccess): Promise<ScreeningDetail | undefined> {
    const screening = await this.getScreening(id, access);
    if (!screening) return undefined;
    const observations = (
      await this.db.all<ObservedRow>(
        `SELECT ${OBSERVED_COLUMNS} FROM readings WHERE screening_id = ? AND assignment = 'assigned' ORDER BY id`,
        [id],
      )
    ).flatMap(observationsOfRow);
    const flags = new Map<string, Flag>();
    for (const o of observations) for (const f of o.flags) flags.set(`${f.code}|${f.value ?? ''}`, f);
    return { ...screening, observations, flags: [...flags.values()] };
  }

  async listScreenings(query: ScreeningListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['patient_id = ?', query.patientId],
      ['clinic_id = ?', query.clinicId],
      ['kiosk_id = ?', query.kioskId],
      ['status = ?', query.status],
      ['fwd_status = ?', query.forwarding],
      ['opened_at >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['opened_at < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<ScreeningRow>(
      `SELECT ${SCREENING_COLUMNS} FROM screenings WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    const kept = rows.slice(0, page.limit);
    return {
      data: await this.screeningsWithSeverity(this.db, kept),
      nextCursor: rows.length > page.limit ? encodeCursor(kept.at(-1)!.id) : null,
    };
  }

  async finishScreening(id: string, at: string, forward: boolean) {
    return this.db.transaction(async (tx) => {
      const row = await this.screeningRow(tx, id, true);
      if (!row) throw notFound('screening', id);
      if (row.status !== 'open') {
        throw new ClinicError('SCREENING_CLOSED', `screening ${id} was finished at ${row.finished_at}`);
      }
      await tx.run(
        `UPDATE screenings SET status = 'finished', finished_at = ?, fwd_status = ?, fwd_next_at = ? WHERE id = ?`,
        [at, forward ? 'pending' : 'not-sent', forward ? at : null, id],
      );
      return (await this.screeningsWithSeverity(tx, [(await this.screeningRow(tx, id))!]))[0]!;
    });
  }

  async fhirSource(id: string) {
    const screening = await this.getScreening(id, EVERY_CLINIC);
    if (!screening) return undefined;
    const patient = await this.getPatient(screening.patientId, EVERY_CLINIC);
    if (!patient) return undefined;
    const practitioner =
      screening.practitionerId === null
        ? null
        : ((await this.getPractitioner(screening.practitionerId, EVERY_CLINIC)) ?? null);
    const readings = (
      await this.db.all<{ body: string }>(
        `SELECT body FROM readings WHERE screening_id = ? AND assignment = 'assigned' ORDER BY id`,
        [id],
      )
    ).map((r) => JSON.parse(r.body) as Reading);
    return { screening, patient, practitioner, readings };
  }

  // ---------------------------------------------------------------- observations

  async listObservations(
    query: ObservationListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Observation>> {
    // The cursor is `{reading id}|{value position}`: readings in id order, values in their order.
    const cursor = decodeCursor(page.cursor);
    const [afterId, afterPosText] = cursor ? cursor.split('|') : ['', '-1'];
    const afterPos = Number(afterPosText);
    if (afterId === undefined || !Number.isInteger(afterPos)) {
      throw new ClinicError(
        'VALIDATION',
        'cursor: not a cursor this server gave out; start again without one',
      );
    }
    const w = where([
      ['patient_id = ?', query.patientId],
      ['screening_id = ?', query.screeningId],
      ['kind = ?', query.kind],
      ['measured_utc >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['measured_utc < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    // Every reading has at least one value, so limit + 2 readings (the cursor's own may have no
    // values left) always fill a page and tell whether another follows.
    const rows = await this.db.all<ObservedRow>(
      `SELECT ${OBSERVED_COLUMNS} FROM readings WHERE assignment <> 'discarded' AND id >= ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [afterId, ...w.params, ...c.params, page.limit + 2],
    );
    const keyed: { key: string; observation: Observation }[] = [];
    for (const row of rows) {
      observationsOfRow(row).forEach((observation, position) => {
        if (row.id === afterId && position <= afterPos) return;
        keyed.push({ key: `${row.id}|${position}`, observation });
      });
      if (keyed.length > page.limit) break;
    }
    return pageOf(
      keyed,
      page.limit,
      (k) => k.key,
      (k) => k.observation,
    );
  }

  async observationsOfReading(readingId: string) {
    const row = await this.db.get<ObservedRow>(`SELECT ${OBSERVED_COLUMNS} FROM readings WHERE id = ?`, [
      readingId,
    ]);
    return row ? observationsOfRow(row) : [];
  }

  // ---------------------------------------------------------------- unassigned readings

  async listUnassigned(
    query: { clinicId?: string | undefined; kioskId?: string | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['kiosk_id = ?', query.kioskId],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<ReadingStateRow>(
      `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE assignment = 'unassigned' AND id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toUnassigned);
  }

  async getReadingAssignment(readingId: string, access: ClinicAccess) {
    const c = clinicCondition(access, 'clinic_id');
    const row = await this.db.get<ReadingStateRow>(
      `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?${c.sql}`,
      [readingId, ...c.params],
    );
    return row && toUnassigned(row);
  }

  private async unassignedForUpdate(tx: SqlExecutor, readingId: string): Promise<ReadingStateRow> {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await tx.get<ReadingStateRow>(
      `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?${lock}`,
      [readingId],
    );
    if (!row) throw notFound('reading', readingId);
    if (row.assignment !== 'unassigned') {
      throw new ClinicError('READING_NOT_UNASSIGNED', `reading ${readingId} is already ${row.assignment}`, {
        status: row.assignment,
      });
    }
    return row;
  }

  async assignReading(readingId: string, screeningId: string, by: string, at: string) {
    return this.db.transaction(async (tx) => {
      const reading = await this.unassignedForUpdate(tx, readingId);
      const screening = await this.screeningRow(tx, screeningId, true);
      if (!screening) throw notFound('screening', screeningId);
      if (screening.clinic_id !== reading.clinic_id) {
        throw new ClinicError(
          'SCREENING_OF_ANOTHER_CLINIC',
          `reading ${readingId} was measured at clinic ${reading.clinic_id}; screening ${screeningId} is of clinic ${screening.clinic_id}: assign it to a screening of its own clinic`,
        );
      }
      if (screening.status !== 'open') {
        throw new ClinicError('SCREENING_CLOSED', `screening ${screeningId} is finished; open a new one`);
      }
      await tx.run(
        `UPDATE readings SET assignment = 'assigned', screening_id = ?, patient_id = ?, resolved_at = ?, resolved_by = ? WHERE id = ?`,
        [screeningId, screening.patient_id, at, by, readingId],
      );
      await tx.run('UPDATE referrals SET screening_id = ?, patient_id = ? WHERE reading_id = ?', [
        screeningId,
        screening.patient_id,
        readingId,
      ]);
      const row = await tx.get<ReadingStateRow>(
        `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?`,
        [readingId],
      );
      return toUnassigned(row!);
    });
  }

  async discardReading(readingId: string, reason: string, by: string, at: string) {
    return this.db.transaction(async (tx) => {
      await this.unassignedForUpdate(tx, readingId);
      await tx.run(
        `UPDATE readings SET assignment = 'discarded', discard_reason = ?, resolved_at = ?, resolved_by = ? WHERE id = ?`,
        [reason, at, by, readingId],
      );
      const row = await tx.get<ReadingStateRow>(
        `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?`,
        [readingId],
      );
      return toUnassigned(row!);
    });
  }

  // ---------------------------------------------------------------- referrals

  async listReferrals(query: ReferralListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['status = ?', query.status],
      ['severity = ?', query.severity],
      ['clinic_id = ?', query.clinicId],
      ['patient_id = ?', query.patientId],
      ['screening_id = ?', query.screeningId],
      ['created_at >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['created_at < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<ReferralRow>(
      `SELECT * FROM referrals WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toReferral);
  }

  async acknowledgeReferral(
    id: string,
    by: string,
    note: string | undefined,
    at: string,
    access: ClinicAccess,
  ) {
    return this.db.transaction(async (tx) => {
      const c = clinicCondition(access, 'clinic_id');
      const row = await tx.get<ReferralRow>(`SELECT * FROM referrals WHERE id = ?${c.sql}`, [
        id,
        ...c.params,
      ]);
      if (!row) throw notFound('referral', id);
      // Acknowledging twice keeps the first acknowledgement: who saw it first is what the audit needs.
      if (row.status === 'open') {
        await tx.run(
          `UPDATE referrals SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, note = ? WHERE id = ?`,
          [at, by, note ?? null, id],
        );
      }
      return toReferral((await tx.get<ReferralRow>('SELECT * FROM referrals WHERE id = ?', [id]))!);
    });
  }

  // ---------------------------------------------------------------- kiosks

  async registerKiosk(
    input: { clinicId: string; kioskId: string; name: string | null },
    clientId: string,
    secretHash: string,
    at: string,
  ) {
    await this.db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO kiosks (clinic_id, kiosk_id, name, registered_at, rotated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [input.clinicId, input.kioskId, input.name, at, at],
      );
      if (inserted === 0) {
        throw new ClinicError(
          'KIOSK_EXISTS',
          `kiosk ${input.clinicId}/${input.kioskId} is already registered`,
        );
      }
      await tx.run(
        `INSERT INTO api_clients (id, role, name, secret_hash, clinic_id, kiosk_id, clinics, created_at) VALUES (?, 'kiosk', ?, ?, ?, ?, ?, ?)`,
        [
          clientId,
          `kiosk ${input.clinicId}/${input.kioskId}`,
          secretHash,
          input.clinicId,
          input.kioskId,
          JSON.stringify([input.clinicId]),
          at,
        ],
      );
    });
    this.registryNonEmpty = true;
    return (await this.getKiosk(input.clinicId, input.kioskId))!;
  }

  async rotateKioskSecret(clinicId: string, kioskId: string, secretHash: string, at: string) {
    await this.db.transaction(async (tx) => {
      const changed = await tx.run('UPDATE kiosks SET rotated_at = ? WHERE clinic_id = ? AND kiosk_id = ?', [
        at,
        clinicId,
        kioskId,
      ]);
      if (changed === 0) throw notFound('kiosk', `${clinicId}/${kioskId}`);
      await tx.run(
        `UPDATE api_clients SET secret_hash = ? WHERE role = 'kiosk' AND clinic_id = ? AND kiosk_id = ?`,
        [secretHash, clinicId, kioskId],
      );
      // Tokens issued with the old secret end with it.
      await tx.run(
        `DELETE FROM access_tokens WHERE client_id IN (SELECT id FROM api_clients WHERE role = 'kiosk' AND clinic_id = ? AND kiosk_id = ?)`,
        [clinicId, kioskId],
      );
    });
    return (await this.getKiosk(clinicId, kioskId))!;
  }

  async getKiosk(clinicId: string, kioskId: string) {
    const row = await this.db.get<KioskRow>('SELECT * FROM kiosks WHERE clinic_id = ? AND kiosk_id = ?', [
      clinicId,
      kioskId,
    ]);
    return row && toKiosk(row);
  }

  async listKiosks(query: { clinicId?: string | undefined }, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([['clinic_id = ?', query.clinicId]]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<KioskRow>(
      `SELECT * FROM kiosks WHERE clinic_id || '/' || kiosk_id > ?${w.sql}${c.sql} ORDER BY clinic_id || '/' || kiosk_id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => `${r.clinic_id}/${r.kiosk_id}`, toKiosk);
  }

  async recordKioskStatus(status: KioskStatus) {
    const at = utc(status.at);
    await this.db.run(
      `UPDATE kiosks SET status = ?, status_at = ? WHERE clinic_id = ? AND kiosk_id = ? AND (status_at IS NULL OR status_at <= ?)`,
      [JSON.stringify(status), at, status.clinicId, status.kioskId, at],
    );
  }

  async kioskSecrets() {
    return (
      await this.db.all<{ id: string; clinic_id: string; kiosk_id: string; secret_hash: string }>(
        `SELECT id, clinic_id, kiosk_id, secret_hash FROM api_clients WHERE role = 'kiosk' AND revoked_at IS NULL ORDER BY id`,
      )
    ).map((r) => ({ clinicId: r.clinic_id, kioskId: r.kiosk_id, username: r.id, secretHash: r.secret_hash }));
  }

  async hasKiosks() {
    return (await this.db.get('SELECT 1 AS one FROM kiosks LIMIT 1')) !== undefined;
  }

  // ---------------------------------------------------------------- clients and tokens

  async createClient(c: ApiClientRecord) {
    const inserted = await this.db.run(
      `INSERT INTO api_clients (id, role, name, secret_hash, clinic_id, kiosk_id, clinics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [
        c.id,
        c.role,
        c.name,
        c.secretHash,
        c.clinicId,
        c.kioskId,
        JSON.stringify(grantOf(c.access)),
        c.createdAt,
      ],
    );
    if (inserted === 0) throw new ClinicError('CONFLICT', `client ${c.id} exists already`);
  }

  async getClient(id: string) {
    const r = await this.db.get<ClientRow>('SELECT * FROM api_clients WHERE id = ?', [id]);
    return r && toClientRecord(r);
  }

  async listClients(query: ApiClientListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([['role = ?', query.role]]);
    // Clinic ids are letters, digits, '-' and '_': `"id"` in the JSON list matches that id only.
    const mine = access.all
      ? { sql: '', params: [] }
      : access.clinicIds.length === 0
        ? { sql: ' AND 1 = 0', params: [] }
        : {
            sql: ` AND (${access.clinicIds.map(() => 'clinics LIKE ?').join(' OR ')})`,
            params: access.clinicIds.map((id) => `%"${id}"%`),
          };
    const rows = await this.db.all<ClientRow>(
      `SELECT * FROM api_clients WHERE id > ?${w.sql}${mine.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...mine.params, page.limit + 1],
    );
    return pageOf(
      rows,
      page.limit,
      (r) => r.id,
      (r) => toApiClient(toClientRecord(r)),
    );
  }

  async revokeClient(id: string, at: string) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<ClientRow>('SELECT * FROM api_clients WHERE id = ?', [id]);
      if (!row) throw notFound('client', id);
      // Revoking again keeps the first time: that is when access ended.
      if (row.revoked_at === null) {
        await tx.run('UPDATE api_clients SET revoked_at = ? WHERE id = ?', [at, id]);
        await tx.run('DELETE FROM access_tokens WHERE client_id = ?', [id]);
      }
      return toApiClient(toClientRecord({ ...row, revoked_at: row.revoked_at ?? at }));
    });
  }

  async grantClinics(id: string, access: ClinicAccess) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<ClientRow>('SELECT * FROM api_clients WHERE id = ?', [id]);
      if (!row) throw notFound('client', id);
      if (row.role === 'kiosk') {
        throw new ClinicError('CONFLICT', `client ${id} is a kiosk: it acts for its own clinic only`);
      }
      const clinics = JSON.stringify(grantOf(access));
      await tx.run('UPDATE api_clients SET clinics = ? WHERE id = ?', [clinics, id]);
      return toApiClient(toClientRecord({ ...row, clinics }));
    });
  }

  async saveToken(tokenHash: string, clientId: string, scopes: readonly Scope[], expiresAt: string) {
    await this.db.run(
      'INSERT INTO access_tokens (token_hash, client_id, scopes, expires_at) VALUES (?, ?, ?, ?)',
      [tokenHash, clientId, scopes.join(' '), expiresAt],
    );
  }

  async findToken(tokenHash: string, now: string): Promise<TokenRecord | undefined> {
    const r = await this.db.get<{
      client_id: string;
      scopes: string;
      expires_at: string;
      role: string;
      clinic_id: string | null;
      kiosk_id: string | null;
      clinics: string;
    }>(
      `SELECT t.client_id, t.scopes, t.expires_at, c.role, c.clinic_id, c.kiosk_id, c.clinics
       FROM access_tokens t JOIN api_clients c ON c.id = t.client_id
       WHERE t.token_hash = ? AND t.expires_at > ? AND c.revoked_at IS NULL`,
      [tokenHash, now],
    );
    return (
      r && {
        clientId: r.client_id,
        role: r.role as TokenRecord['role'],
        scopes: r.scopes.split(' ').filter(Boolean) as Scope[],
        expiresAt: r.expires_at,
        clinicId: r.clinic_id,
        kioskId: r.kiosk_id,
        access: parseClinics(r.clinics),
      }
    );
  }

  async liveTokens(clientId: string, now: string) {
    const r = await this.db.get<{ n: number | string; first: string | null }>(
      'SELECT count(*) AS n, min(expires_at) AS first FROM access_tokens WHERE client_id = ? AND expires_at > ?',
      [clientId, now],
    );
    return { count: Number(r?.n ?? 0), firstExpiry: r?.first ?? null };
  }

  // ---------------------------------------------------------------- idempotency

  async beginIdempotent(
    clientId: string,
    key: string,
    f: { method: string; path: string; bodyHash: string },
    at: string,
  ) {
    const inserted = await this.db.run(
      `INSERT INTO idempotency_keys (client_id, key, method, path, body_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [clientId, key, f.method, f.path, f.bodyHash, at],
    );
    if (inserted === 1) return { state: 'new' as const };
    const row = await this.db.get<{
      method: string;
      path: string;
      body_hash: string;
      status_code: number | null;
      response: string | null;
    }>(
      'SELECT method, path, body_hash, status_code, response FROM idempotency_keys WHERE client_id = ? AND key = ?',
      [clientId, key],
    );
    // Deleted between the two statements (an abandoned attempt): the caller may try again.
    if (!row) return { state: 'in-progress' as const };
    if (row.method !== f.method || row.path !== f.path || row.body_hash !== f.bodyHash) {
      return { state: 'mismatch' as const };
    }
    if (row.status_code === null || row.response === null) return { state: 'in-progress' as const };
    return { state: 'replay' as const, statusCode: Number(row.status_code), response: row.response };
  }

  async completeIdempotent(clientId: string, key: string, statusCode: number, response: string) {
    await this.db.run(
      'UPDATE idempotency_keys SET status_code = ?, response = ? WHERE client_id = ? AND key = ?',
      [statusCode, response, clientId, key],
    );
  }

  async abandonIdempotent(clientId: string, key: string) {
    await this.db.run('DELETE FROM idempotency_keys WHERE client_id = ? AND key = ?', [clientId, key]);
  }

  // ---------------------------------------------------------------- forwarding

  async claimForwarding(now: string, leaseUntil: string, limit: number): Promise<ForwardingClaim[]> {
    // The lease conditions are repeated outside the subquery so that PostgreSQL re-checks them on a
    // row another process has just claimed (the subquery alone would not be re-evaluated).
    const due = `fwd_status = 'pending' AND fwd_next_at <= ? AND (fwd_lease_until IS NULL OR fwd_lease_until < ?)`;
    const rows = await this.db.all<{ id: string; fwd_attempts: number }>(
      `UPDATE screenings SET fwd_lease_until = ?
       WHERE id IN (SELECT id FROM screenings WHERE ${due} ORDER BY fwd_next_at LIMIT ?) AND ${due}
       RETURNING id, fwd_attempts`,
      [leaseUntil, now, now, limit, now, now],
    );
    return rows.map((r) => ({ screeningId: r.id, attempts: Number(r.fwd_attempts) }));
  }

  async recordForwarding(
    screeningId: string,
    result: Parameters<ClinicStore['recordForwarding']>[1],
    at: string,
  ) {
    if (result.outcome === 'sent') {
      await this.db.run(
        `UPDATE screenings SET fwd_status = 'sent', fwd_attempts = fwd_attempts + 1, fwd_last_at = ?, fwd_sent_at = ?,
         fwd_next_at = NULL, fwd_http_status = ?, fwd_outcome = NULL, fwd_lease_until = NULL WHERE id = ?`,
        [at, at, result.httpStatus, screeningId],
      );
      return;
    }
    const detail =
      result.detail === undefined || result.detail === null ? null : JSON.stringify(result.detail);
    await this.db.run(
      `UPDATE screenings SET fwd_status = ?, fwd_attempts = fwd_attempts + 1, fwd_last_at = ?, fwd_next_at = ?,
       fwd_http_status = ?, fwd_outcome = ?, fwd_lease_until = NULL WHERE id = ?`,
      [
        result.outcome === 'retry' ? 'pending' : 'failed',
        at,
        result.outcome === 'retry' ? result.nextAttemptAt : null,
        result.httpStatus,
        detail,
        screeningId,
      ],
    );
  }

  async requeueForwarding(screeningId: string, at: string) {
    return this.db.transaction(async (tx) => {
      const row = await this.screeningRow(tx, screeningId, true);
      if (!row) throw notFound('screening', screeningId);
      if (row.status !== 'finished') {
        throw new ClinicError('CONFLICT', `screening ${screeningId} is still open: finish it to send it`);
      }
      if (row.fwd_status === 'failed' || row.fwd_status === 'not-sent') {
        await tx.run(`UPDATE screenings SET fwd_status = 'pending', fwd_next_at = ? WHERE id = ?`, [
          at,
          screeningId,
        ]);
      }
      return (await this.screeningsWithSeverity(tx, [(await this.screeningRow(tx, screeningId))!]))[0]!;
    });
  }

  // ---------------------------------------------------------------- housekeeping

  async audit(entries: Parameters<ClinicStore['audit']>[0]) {
    if (entries.length === 0) return;
    await this.db.transaction(async (tx) => {
      await this.insertMany(
        tx,
        'INSERT INTO audit_log (id, at, client_id, action, resource_type, resource_id, patient_id, clinic_id, request_id)',
        'ON CONFLICT (id) DO NOTHING',
        entries.map((e) => [
          newUuidV7(),
          e.at,
          e.clientId,
          e.action,
          e.resourceType,
          e.resourceId,
          e.patientId,
          e.clinicId,
          e.requestId,
        ]),
      );
    });
  }

  async listAuditEvents(query: AuditEventListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['patient_id = ?', query.patientId],
      ['client_id = ?', query.clientId],
      ['resource_type = ?', query.resourceType],
      ['resource_id = ?', query.resourceId],
      ['action = ?', query.action],
      ['at >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['at < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    // Lines naming no clinic (a client made, a patient read by a caller of several clinics) are
    // for administrators of every clinic only.
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<AuditRow>(
      `SELECT * FROM audit_log WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toAuditEvent);
  }

  async purge(now: string, idempotencyBefore: string) {
    await this.db.run('DELETE FROM access_tokens WHERE expires_at <= ?', [now]);
    await this.db.run('DELETE FROM idempotency_keys WHERE created_at < ?', [idempotencyBefore]);
  }

  async ping() {
    await this.db.get('SELECT 1 AS one');
  }

  async close() {
    await this.db.close();
  }
}
