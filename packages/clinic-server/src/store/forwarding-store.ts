import type { Reading, Screening } from '@klinik-desa/protocol';
import { EVERY_CLINIC } from '../domain/access.js';
import { ClinicError, notFound } from '../errors.js';
import type { PatientStore } from './patients-store.js';
import type { PractitionerStore } from './practitioners-store.js';
import type { FhirSource, ForwardingClaim, ForwardingResult } from './records.js';
import { screeningRow, screeningsWithSeverity } from './screening-rows.js';
import type { ScreeningStore } from './screenings-store.js';
import type { SqlExecutor } from './sql.js';

/** The SATUSEHAT queue: finished screenings leased, sent and recorded, and what a Bundle is made of. */
export interface ForwardingStore {
  /** What the Bundle of a screening is made of; undefined for an unknown screening or patient. */
  fhirSource(id: string): Promise<FhirSource | undefined>;
  /** Leases screenings due for sending so that one process sends each; the lease ends at `leaseUntil`. */
  claimForwarding(now: string, leaseUntil: string, limit: number): Promise<ForwardingClaim[]>;
  recordForwarding(screeningId: string, result: ForwardingResult, at: string): Promise<void>;
  /** Puts a failed screening back in the queue. */
  requeueForwarding(screeningId: string, at: string): Promise<Screening>;
}

export class SqlForwardingStore implements ForwardingStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly records: {
      screenings: Pick<ScreeningStore, 'getScreening'>;
      patients: Pick<PatientStore, 'getPatient'>;
      practitioners: Pick<PractitionerStore, 'getPractitioner'>;
    },
  ) {}

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

  async recordForwarding(screeningId: string, result: ForwardingResult, at: string) {
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
      const row = await screeningRow(tx, screeningId, true);
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
      return (await screeningsWithSeverity(tx, [(await screeningRow(tx, screeningId))!]))[0]!;
    });
  }

  async fhirSource(id: string) {
    const screening = await this.records.screenings.getScreening(id, EVERY_CLINIC);
    if (!screening) return undefined;
    const patient = await this.records.patients.getPatient(screening.patientId, EVERY_CLINIC);
    if (!patient) return undefined;
    const practitioner =
      screening.practitionerId === null
        ? null
        : ((await this.records.practitioners.getPractitioner(screening.practitionerId, EVERY_CLINIC)) ??
          null);
    const readings = (
      await this.db.all<{ body: string }>(
        `SELECT body FROM readings WHERE screening_id = ? AND assignment = 'assigned' ORDER BY id`,
        [id],
      )
    ).map((r) => JSON.parse(r.body) as Reading);
    const clinic = await this.db.get<{
      organization_id: string | null;
      location_id: string | null;
      location_display: string | null;
    }>('SELECT organization_id, location_id, location_display FROM clinics WHERE id = ?', [
      screening.clinicId,
    ]);
    return {
      screening,
      patient,
      practitioner,
      readings,
      clinic: {
        organizationId: clinic?.organization_id ?? null,
        location:
          clinic?.location_id && clinic.location_display
            ? { id: clinic.location_id, display: clinic.location_display }
            : null,
      },
    };
  }
}
