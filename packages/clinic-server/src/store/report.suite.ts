import { newUuidV7 } from '@klinik-desa/protocol';
import { expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import { bpReading, nik } from '../testing/fixtures.js';
import type { SqlClinicStore } from './sql-store.js';

const CLINIC = 'clinic-rep';
const OTHER = 'clinic-rep-other';
const NOW_ISO = '2026-11-23T03:00:00.000Z';

/**
 * The quarterly report's part of the record contract: the facts of a time range, for the caller's
 * clinics only. Called inside `describeStoreContract`; its clinics are its own.
 */
export function reportContract(store: () => SqlClinicStore) {
  async function screened(clinicId: string, n: number, sex: 'male' | 'female', at: string) {
    const s = store();
    const patient = await s.createPatient(
      { nik: nik(9000 + n), name: `Pasien ${n}`, birthDate: '1971-03-04', sex },
      newUuidV7(),
      at,
      clinicId,
    );
    return s.createScreening(
      { patientId: patient.id, clinicId, kioskId: 'kiosk-rep', practitioner: null, practitionerId: null },
      newUuidV7(),
      at,
    );
  }

  it("gathers a range's screenings with age facts and counted flags, and its referrals, of the caller's clinics", async () => {
    const s = store();
    // Once any kiosk is registered the record takes readings only from registered ones.
    for (const clinicId of [CLINIC, OTHER]) {
      await s.registerKiosk(
        { clinicId, kioskId: 'kiosk-rep', name: null },
        `kiosk.${clinicId}.kiosk-rep`,
        hashSecret('s'),
        NOW_ISO,
      );
    }
    const from = new Date(Date.now() - 60_000).toISOString();
    const inRange = new Date().toISOString();
    const before = new Date(Date.now() - 3_600_000).toISOString();
    const mine = await screened(CLINIC, 1, 'female', inRange);
    const early = await screened(CLINIC, 2, 'male', before);
    const theirs = await screened(OTHER, 3, 'male', inRange);
    const single = bpReading({ clinicId: CLINIC, kioskId: 'kiosk-rep', sessionId: mine.id }, [
      { code: 'bp.grade-1', severity: 'refer' },
    ]);
    const mean = bpReading(
      { clinicId: CLINIC, kioskId: 'kiosk-rep', sessionId: mine.id, derivedFrom: [single.id] },
      [{ code: 'bp.normal', severity: 'normal' }],
    );
    const waist = bpReading(
      { clinicId: CLINIC, kioskId: 'kiosk-rep', sessionId: mine.id, kind: 'waist' as never },
      [{ code: 'waist.female.central-obesity', severity: 'attention' }],
    );
    const normal = bpReading({ clinicId: CLINIC, kioskId: 'kiosk-rep', sessionId: early.id }, []);
    const other = bpReading({ clinicId: OTHER, kioskId: 'kiosk-rep', sessionId: theirs.id }, [
      { code: 'bp.grade-2', severity: 'refer' },
    ]);
    await s.ingestReadings([single, mean, waist, normal, other]);
    const to = new Date(Date.now() + 60_000).toISOString();

    const facts = await s.quarterFacts({ from, to }, { all: false, clinicIds: [CLINIC] });
    expect(facts.clinicIds).toEqual([CLINIC]);
    expect(facts.screenings).toHaveLength(1);
    const [fact] = facts.screenings;
    expect(fact).toMatchObject({
      clinicId: CLINIC,
      openedAt: inRange,
      birthDate: '1971-03-04',
      sex: 'female',
    });
    expect(fact!.readings.map((r) => [r.kind, r.derived, r.flagCodes]).sort()).toEqual(
      [
        ['blood-pressure', false, ['bp.grade-1']],
        ['blood-pressure', true, ['bp.normal']],
        ['waist', false, ['waist.female.central-obesity']],
      ].sort(),
    );
    // The grade 1 measurement made a referral, still open.
    expect(facts.referrals).toEqual([{ clinicId: CLINIC, status: 'open' }]);
    // No name, NIK or patient id leaves the record for a report.
    expect(JSON.stringify(facts)).not.toMatch(/Pasien|\d{16}/);
    expect(JSON.stringify(facts)).not.toContain(mine.patientId);

    const both = await s.quarterFacts({ from, to }, EVERY_CLINIC);
    expect(both.screenings.filter((x) => [CLINIC, OTHER].includes(x.clinicId))).toHaveLength(2);
    const named = await s.quarterFacts({ from, to }, { all: false, clinicIds: [CLINIC, OTHER] }, OTHER);
    expect(named.clinicIds).toEqual([OTHER]);
    expect(named.screenings.map((x) => x.clinicId)).toEqual([OTHER]);
    expect(named.referrals).toEqual([{ clinicId: OTHER, status: 'open' }]);
    const earlier = await s.quarterFacts({ from: before, to: from }, { all: false, clinicIds: [CLINIC] });
    expect(earlier.screenings.map((x) => x.sex)).toEqual(['male']);
    expect(earlier.screenings[0]!.readings).toEqual([
      { kind: 'blood-pressure', derived: false, flagCodes: [] },
    ]);
    expect(earlier.referrals).toEqual([]);
    const none = await s.quarterFacts({ from, to }, { all: false, clinicIds: [] });
    expect(none).toEqual({ screenings: [], referrals: [], clinicIds: [] });
  });
}
