import { newUuidV7 } from '@klinik-desa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClinicAccess, EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import { ClinicError } from '../errors.js';
import { ATTENTION, bpReading, nik, URGENT_BP } from '../testing/fixtures.js';
import { clinicsAndAccountsContract } from './accounts.suite.js';
import { fleetContract } from './fleet.suite.js';
import { kioskActivityContract } from './kiosk-activity.suite.js';
import { reportContract } from './report.suite.js';
import { isUniqueViolation, type SqlClinicStore } from './sql-store.js';

const NOW = '2026-11-23T03:00:00.000Z';

/** An instant written in Western Indonesia Time (+07:00), as a clinic dashboard shows it. */
function wib(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, -1)}+07:00`;
}

async function rejects(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClinicError);
  expect((error as ClinicError).code).toBe(code);
}

/**
 * What every implementation of the clinic record must do. Run against SQLite (unit) and
 * PostgreSQL (integration); each `open()` gives an empty store of its own.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<{ store: SqlClinicStore; done(): Promise<void> }>,
) {
  describe(`clinic record contract: ${name}`, () => {
    let store: SqlClinicStore;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ store, done } = await open());
    });
    afterAll(async () => {
      await done?.();
    });

    async function patientAndScreening(n: number) {
      const patient = await store.createPatient(
        { nik: nik(n), name: `Siti Aminah ${n}`, birthDate: '1980-05-12', sex: 'female' },
        newUuidV7(),
        NOW,
        'clinic-1',
      );
      const screening = await store.createScreening(
        {
          patientId: patient.id,
          clinicId: 'clinic-1',
          kioskId: 'kiosk-1',
          practitioner: null,
          practitionerId: null,
        },
        newUuidV7(),
        NOW,
      );
      return { patient, screening };
    }

    it('opens a screening under the id a kiosk chose offline, once, and refuses the id for another', async () => {
      const { patient } = await patientAndScreening(70);
      const chosen = newUuidV7();
      const open = (patientId: string, kioskId: string) =>
        store.createScreening(
          { patientId, clinicId: 'clinic-1', kioskId, practitioner: null, practitionerId: null },
          chosen,
          NOW,
        );
      const first = await open(patient.id, 'kiosk-1');
      expect(first.id).toBe(chosen);
      // The kiosk never saw the answer and sends the open again: the same screening, not a second.
      expect(await open(patient.id, 'kiosk-1')).toEqual(first);
      await rejects(open(patient.id, 'kiosk-2'), 'SCREENING_EXISTS');
      const other = await patientAndScreening(71);
      await rejects(open(other.patient.id, 'kiosk-1'), 'SCREENING_EXISTS');
      expect((await store.getScreening(chosen, EVERY_CLINIC))?.patientId).toBe(patient.id);
    });

    it('stores a reading once, however often and in whatever batches it comes', async () => {
      const a = bpReading();
      const b = bpReading();
      expect(await store.ingestReadings([a, b, a])).toEqual([
        { status: 'stored' },
        { status: 'stored' },
        { status: 'duplicate' },
      ]);
      expect(await store.ingestReadings([b, bpReading()])).toEqual([
        { status: 'duplicate' },
        { status: 'stored' },
      ]);
      expect(await store.getReading(a.id)).toEqual(a);
      const exported = [];
      for await (const r of store.exportReadings()) exported.push(r.id);
      expect(exported).toEqual([...exported].sort());
      expect(exported).toContain(a.id);
      expect(await store.countReadings()).toBe(exported.length);
    });

    it('binds readings of an open screening to it and its patient, and keeps the rest unassigned', async () => {
      const { patient, screening } = await patientAndScreening(1);
      const bound = bpReading({ sessionId: screening.id, patientId: 'kiosk-side-id' }, [ATTENTION]);
      const stray = bpReading({ sessionId: 'no-such-screening' });
      await store.ingestReadings([bound, stray]);

      const observations = await store.observationsOfReading(bound.id);
      expect(observations.map((o) => [o.name, o.value, o.screeningId, o.patientId])).toEqual([
        ['systolic', 128, screening.id, patient.id],
        ['diastolic', 82, screening.id, patient.id],
      ]);
      expect(observations[0]?.flags).toEqual([ATTENTION]);
      const detail = await store.getScreeningDetail(screening.id, EVERY_CLINIC);
      expect(detail?.observations).toHaveLength(2);
      expect(detail?.severity).toBe('attention');
      expect(detail?.flags).toEqual([ATTENTION]);

      const unassigned = await store.listUnassigned({}, { limit: 500 }, EVERY_CLINIC);
      expect(unassigned.data.map((u) => u.readingId)).toContain(stray.id);
      expect(unassigned.data.map((u) => u.readingId)).not.toContain(bound.id);
    });

    it('assigns an unassigned reading to an open screening once, or discards it with a reason', async () => {
      const { patient, screening } = await patientAndScreening(2);
      const stray = bpReading({}, [URGENT_BP]);
      const junk = bpReading();
      await store.ingestReadings([stray, junk]);

      const assigned = await store.assignReading(stray.id, screening.id, 'client-a', NOW);
      expect(assigned).toMatchObject({ status: 'assigned', screeningId: screening.id });
      expect((await store.observationsOfReading(stray.id))[0]).toMatchObject({
        screeningId: screening.id,
        patientId: patient.id,
      });
      const referrals = await store.listReferrals({ screeningId: screening.id }, { limit: 10 }, EVERY_CLINIC);
      expect(referrals.data.map((r) => [r.readingId, r.severity, r.patientId])).toEqual([
        [stray.id, 'urgent', patient.id],
      ]);
      await rejects(store.assignReading(stray.id, screening.id, 'client-a', NOW), 'READING_NOT_UNASSIGNED');

      const discarded = await store.discardReading(junk.id, 'test measurement', 'client-a', NOW);
      expect(discarded).toMatchObject({ status: 'discarded', discardReason: 'test measurement' });
      const listed = await store.listObservations({}, { limit: 500 }, EVERY_CLINIC);
      expect(listed.data.some((o) => o.readingId === junk.id)).toBe(false);
      await rejects(store.discardReading(junk.id, 'again', 'client-a', NOW), 'READING_NOT_UNASSIGNED');
      await rejects(store.assignReading(newUuidV7(), screening.id, 'client-a', NOW), 'NOT_FOUND');

      await store.finishScreening(screening.id, NOW, false);
      const late = bpReading();
      await store.ingestReadings([late]);
      await rejects(store.assignReading(late.id, screening.id, 'client-a', NOW), 'SCREENING_CLOSED');
    });

    it('makes one referral per refer/urgent flag, and keeps the first acknowledgement', async () => {
      const r = bpReading({}, [URGENT_BP, ATTENTION, { code: 'glucose.high', severity: 'refer' }]);
      await store.ingestReadings([r]);
      await store.ingestReadings([r]);
      const page = await store.listReferrals({ status: 'open' }, { limit: 500 }, EVERY_CLINIC);
      const mine = page.data.filter((x) => x.readingId === r.id);
      expect(mine.map((x) => x.flag.code).sort()).toEqual(['bp.grade-3', 'glucose.high']);
      const first = await store.acknowledgeReferral(
        mine[0]!.id,
        'nurse-app',
        'called the puskesmas',
        NOW,
        EVERY_CLINIC,
      );
      expect(first).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'nurse-app',
        note: 'called the puskesmas',
      });
      const again = await store.acknowledgeReferral(
        mine[0]!.id,
        'other',
        undefined,
        '2030-01-01T00:00:00.000Z',
        EVERY_CLINIC,
      );
      expect(again).toEqual(first);
      await rejects(store.acknowledgeReferral(newUuidV7(), 'x', undefined, NOW, EVERY_CLINIC), 'NOT_FOUND');
    });

    it('changes only the fields given, keeps NIKs unique, and finds a patient by the new name', async () => {
      const make = (n: number, name: string) =>
        store.createPatient(
          { nik: nik(n), name, birthDate: '1985-06-07', sex: 'female' },
          newUuidV7(),
          NOW,
          'clinic-1',
        );
      const ani = await make(50, 'Ani Suryani');
      const other = await make(51, 'Wati Kusuma');

      // The forwarder's look-up by NIK sets a number only where none is, for the NIK it asked about.
      expect(await store.adoptIhsNumber(ani.id, nik(51), 'P00000000001')).toBe(false);
      expect(await store.adoptIhsNumber(newUuidV7(), nik(50), 'P00000000001')).toBe(false);
      expect(await store.adoptIhsNumber(ani.id, nik(50), 'P02478375538')).toBe(true);
      expect(await store.adoptIhsNumber(ani.id, nik(50), 'P00000000001')).toBe(false);
      expect((await store.getPatient(ani.id, EVERY_CLINIC))?.ihsNumber).toBe('P02478375538');
      await store.updatePatient(ani.id, { ihsNumber: null }, EVERY_CLINIC);
      const withIhs = await store.updatePatient(ani.id, { ihsNumber: 'P02478375538' }, EVERY_CLINIC);
      expect(withIhs).toEqual({ ...ani, ihsNumber: 'P02478375538' });
      const renamed = await store.updatePatient(
        ani.id,
        {
          name: 'Ani Suryaningsih',
          birthDate: '1985-06-08',
        },
        EVERY_CLINIC,
      );
      expect(renamed).toEqual({ ...withIhs, name: 'Ani Suryaningsih', birthDate: '1985-06-08' });
      const found = await store.searchPatients('suryaningsih', '1985-06-08', { limit: 10 }, EVERY_CLINIC);
      expect(found.data.map((p) => p.id)).toEqual([ani.id]);
      expect((await store.searchPatients('suryani', '1985-06-07', { limit: 10 }, EVERY_CLINIC)).data).toEqual(
        [],
      );

      const taken = await store.updatePatient(ani.id, { nik: other.nik }, EVERY_CLINIC).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(taken).toBeInstanceOf(ClinicError);
      expect(taken).toMatchObject({ code: 'PATIENT_EXISTS', details: { patientId: other.id } });
      expect(await store.getPatient(ani.id, EVERY_CLINIC)).toEqual(renamed);

      const cleared = await store.updatePatient(ani.id, { nik: null, ihsNumber: null }, EVERY_CLINIC);
      expect(cleared).toMatchObject({ nik: null, ihsNumber: null, name: 'Ani Suryaningsih' });
      expect(await store.findPatientByNik(nik(50), EVERY_CLINIC)).toBeUndefined();
      // The NIK it gave up can go to the patient it really belongs to.
      expect((await store.updatePatient(other.id, { nik: nik(50) }, EVERY_CLINIC)).nik).toBe(nik(50));
      await rejects(store.updatePatient(newUuidV7(), { name: 'Nobody' }, EVERY_CLINIC), 'NOT_FOUND');

      // Two requests giving one NIK at once: the loser meets the UNIQUE index, and that engine's
      // error must be recognised as PATIENT_EXISTS, not answered as a 500.
      const db = (store as unknown as { db: { run(sql: string, params: unknown[]): Promise<number> } }).db;
      const raced = await db.run('UPDATE patients SET nik = ? WHERE id = ?', [nik(50), ani.id]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(raced)).toBe(true);
      expect(isUniqueViolation(new Error('something else'))).toBe(false);
    });

    it('registers health workers once per NIK in a clinic, and lists them by clinic and activity, page by page', async () => {
      const register = (clinicId: string, name: string, ids: { nik?: string; ihsNumber?: string }) =>
        store.createPractitioner({ clinicId, name, ...ids }, newUuidV7(), NOW);
      const sari = await register('clinic-p', 'Bidan Sari', { nik: nik(80) });
      expect(sari).toEqual({
        id: expect.any(String),
        clinicId: 'clinic-p',
        name: 'Bidan Sari',
        nik: nik(80),
        ihsNumber: null,
        active: true,
        createdAt: NOW,
        updatedAt: NOW,
      });
      expect(await store.getPractitioner(sari.id, EVERY_CLINIC)).toEqual(sari);
      expect(await store.getPractitioner(newUuidV7(), EVERY_CLINIC)).toBeUndefined();
      // One person may work at two clinics: the NIK is unique within a clinic only.
      const elsewhere = await register('clinic-q', 'Bidan Sari', { nik: nik(80) });
      const twice = await register('clinic-p', 'Sari', { nik: nik(80) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(twice).toMatchObject({ code: 'PRACTITIONER_EXISTS', details: { practitionerId: sari.id } });
      expect((twice as Error).message).not.toContain(nik(80));
      // Known by their IHS number only: any number of them, as NULL NIKs do not collide.
      const ani = await register('clinic-p', 'dr. Ani', { ihsNumber: '10009880728' });
      const budi = await register('clinic-p', 'Perawat Budi', { ihsNumber: '10006926841' });

      const later = '2026-11-24T00:00:00.000Z';
      const left = await store.updatePractitioner(budi.id, { active: false }, later, EVERY_CLINIC);
      expect(left).toEqual({ ...budi, active: false, updatedAt: later });
      const ids = async (query: { clinicId?: string; active?: boolean }) =>
        (await store.listPractitioners(query, { limit: 100 }, EVERY_CLINIC)).data.map((p) => p.id);
      expect(await ids({ clinicId: 'clinic-p' })).toEqual([sari.id, ani.id, budi.id]);
      expect(await ids({ clinicId: 'clinic-p', active: true })).toEqual([sari.id, ani.id]);
      expect(await ids({ clinicId: 'clinic-p', active: false })).toEqual([budi.id]);
      expect(await ids({ clinicId: 'clinic-q' })).toEqual([elsewhere.id]);
      const first = await store.listPractitioners({ clinicId: 'clinic-p' }, { limit: 2 }, EVERY_CLINIC);
      const second = await store.listPractitioners(
        { clinicId: 'clinic-p' },
        { limit: 2, cursor: first.nextCursor! },
        EVERY_CLINIC,
      );
      expect([...first.data, ...second.data].map((p) => p.id)).toEqual([sari.id, ani.id, budi.id]);
      expect(second.nextCursor).toBeNull();

      const renamed = await store.updatePractitioner(
        ani.id,
        { name: 'dr. Ani Wulandari', nik: nik(81) },
        later,
        EVERY_CLINIC,
      );
      expect(renamed).toEqual({ ...ani, name: 'dr. Ani Wulandari', nik: nik(81), updatedAt: later });
      const taken = await store.updatePractitioner(ani.id, { nik: nik(80) }, later, EVERY_CLINIC).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(taken).toMatchObject({ code: 'PRACTITIONER_EXISTS', details: { practitionerId: sari.id } });
      // Another clinic's health worker with that NIK is no obstacle.
      expect((await store.updatePractitioner(elsewhere.id, { nik: nik(81) }, later, EVERY_CLINIC)).nik).toBe(
        nik(81),
      );
      // SATUSEHAT names a practitioner by IHS number, found by the NIK: one of the two must stay.
      await rejects(store.updatePractitioner(sari.id, { nik: null }, later, EVERY_CLINIC), 'VALIDATION');
      expect((await store.updatePractitioner(ani.id, { nik: null }, later, EVERY_CLINIC)).nik).toBeNull();
      await rejects(store.updatePractitioner(ani.id, { ihsNumber: null }, later, EVERY_CLINIC), 'VALIDATION');
      await rejects(
        store.updatePractitioner(newUuidV7(), { name: 'Nobody' }, later, EVERY_CLINIC),
        'NOT_FOUND',
      );

      // The forwarder's look-up by NIK sets a number only where none is, for the NIK it asked about.
      expect(await store.adoptPractitionerIhsNumber(sari.id, nik(81), '10001354453')).toBe(false);
      expect(await store.adoptPractitionerIhsNumber(newUuidV7(), nik(80), '10001354453')).toBe(false);
      expect(await store.adoptPractitionerIhsNumber(sari.id, nik(80), '10010910332')).toBe(true);
      expect(await store.adoptPractitionerIhsNumber(sari.id, nik(80), '10001354453')).toBe(false);
      const adopted = await store.getPractitioner(sari.id, EVERY_CLINIC);
      expect(adopted).toMatchObject({ nik: nik(80), ihsNumber: '10010910332' });
      expect(adopted!.updatedAt).not.toBe(sari.updatedAt);
    });

    it('opens a screening naming a health worker of its clinic who still works there, and nobody else', async () => {
      const patient = await store.createPatient(
        { nik: nik(60), name: 'Ketut Sulastri', birthDate: '1968-09-10', sex: 'female' },
        newUuidV7(),
        NOW,
        'clinic-s',
      );
      const register = (clinicId: string, n: number) =>
        store.createPractitioner({ clinicId, name: `Bidan ${n}`, nik: nik(n) }, newUuidV7(), NOW);
      const own = await register('clinic-s', 90);
      const other = await register('clinic-t', 91);
      const gone = await register('clinic-s', 92);
      await store.updatePractitioner(gone.id, { active: false }, NOW, EVERY_CLINIC);
      const open = (practitionerId: string | null) =>
        store.createScreening(
          {
            patientId: patient.id,
            clinicId: 'clinic-s',
            kioskId: 'kiosk-1',
            practitioner: null,
            practitionerId,
          },
          newUuidV7(),
          NOW,
        );

      const screening = await open(own.id);
      expect(screening.practitionerId).toBe(own.id);
      expect(await store.getScreening(screening.id, EVERY_CLINIC)).toEqual(screening);
      expect((await store.fhirSource(screening.id))?.practitioner).toEqual(own);
      const listed = await store.listScreenings({ clinicId: 'clinic-s' }, { limit: 10 }, EVERY_CLINIC);
      expect(listed.data.map((s) => s.practitionerId)).toEqual([own.id]);
      const unnamed = await open(null);
      expect(unnamed.practitionerId).toBeNull();
      expect((await store.fhirSource(unnamed.id))?.practitioner).toBeNull();

      const unknown = newUuidV7();
      const missing = await open(unknown).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(missing).toMatchObject({ code: 'PRACTITIONER_NOT_FOUND', details: { practitionerId: unknown } });
      const foreign = await open(other.id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(foreign).toMatchObject({ code: 'PRACTITIONER_NOT_USABLE', details: { reason: 'other-clinic' } });
      expect((foreign as Error).message).toMatch(/clinic clinic-t, not of clinic clinic-s/);
      const left = await open(gone.id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(left).toMatchObject({ code: 'PRACTITIONER_NOT_USABLE', details: { reason: 'inactive' } });
      expect((foreign as Error).message).not.toContain(nik(91));
      // Refused before anything was written: the clinic still has only the two screenings above.
      expect(
        (await store.listScreenings({ clinicId: 'clinic-s' }, { limit: 10 }, EVERY_CLINIC)).data,
      ).toHaveLength(2);
    });

    it('revokes a client: its tokens end, it is listed as revoked, and a kiosk leaves the broker list', async () => {
      const partner = {
        id: 'partner.revoke-test',
        role: 'partner' as const,
        name: 'Dashboard',
        secretHash: hashSecret('s'),
        clinicId: null,
        kioskId: null,
        access: EVERY_CLINIC,
        createdAt: NOW,
      };
      await store.createClient(partner);
      await store.saveToken('revoke-tok', partner.id, ['patient.read'], '2030-01-01T00:00:00.000Z');
      expect(await store.findToken('revoke-tok', NOW)).toBeDefined();
      // A kiosk's client alone, not a registered kiosk: registering one would close this shared
      // store to the unregistered kiosks the other tests send from.
      await store.createClient({
        ...partner,
        id: 'kiosk.clinic-r.kiosk-r',
        role: 'kiosk',
        clinicId: 'clinic-r',
        kioskId: 'kiosk-r',
        access: { all: false, clinicIds: ['clinic-r'] },
      });
      expect((await store.kioskSecrets()).map((k) => k.username)).toContain('kiosk.clinic-r.kiosk-r');

      const revoked = await store.revokeClient(partner.id, '2026-11-23T04:00:00.000Z');
      expect(revoked).toEqual({
        clientId: partner.id,
        role: 'partner',
        name: 'Dashboard',
        clinicId: null,
        kioskId: null,
        clinics: '*',
        createdAt: NOW,
        revokedAt: '2026-11-23T04:00:00.000Z',
      });
      expect(await store.findToken('revoke-tok', NOW)).toBeUndefined();
      expect((await store.getClient(partner.id))?.revokedAt).toBe('2026-11-23T04:00:00.000Z');
      // Again: the first time stays.
      expect((await store.revokeClient(partner.id, '2026-11-24T00:00:00.000Z')).revokedAt).toBe(
        '2026-11-23T04:00:00.000Z',
      );
      // A token saved after the revocation (a sign-in racing it) is refused as well.
      await store.saveToken('late-tok', partner.id, ['patient.read'], '2030-01-01T00:00:00.000Z');
      expect(await store.findToken('late-tok', NOW)).toBeUndefined();

      await store.revokeClient('kiosk.clinic-r.kiosk-r', NOW);
      expect((await store.kioskSecrets()).map((k) => k.username)).not.toContain('kiosk.clinic-r.kiosk-r');

      const partners = await store.listClients({ role: 'partner' }, { limit: 500 }, EVERY_CLINIC);
      expect(partners.data.find((c) => c.clientId === partner.id)?.revokedAt).toBe(
        '2026-11-23T04:00:00.000Z',
      );
      expect(partners.data.every((c) => c.role === 'partner')).toBe(true);
      const firstPage = await store.listClients({}, { limit: 1 }, EVERY_CLINIC);
      expect(firstPage.data).toHaveLength(1);
      expect(firstPage.nextCursor).not.toBeNull();
      await rejects(store.revokeClient('partner.nobody', NOW), 'NOT_FOUND');
    });

    it('lists referrals by when they were made, in any offset, start included and end excluded', async () => {
      const before = new Date(Date.now() - 1);
      const r = bpReading({}, [URGENT_BP]);
      await store.ingestReadings([r]);
      const after = new Date(Date.now() + 1);
      const ids = async (query: { from?: string; to?: string }) =>
        (await store.listReferrals(query, { limit: 500 }, EVERY_CLINIC)).data
          .filter((x) => x.readingId === r.id)
          .map((x) => x.flag.code);
      const made = (await store.listReferrals({}, { limit: 500 }, EVERY_CLINIC)).data.find(
        (x) => x.readingId === r.id,
      )!;
      expect(await ids({ from: before.toISOString(), to: after.toISOString() })).toEqual(['bp.grade-3']);
      // The same instants written in WIB (+07:00), as a dashboard in Jakarta would send them.
      expect(await ids({ from: wib(before), to: wib(after) })).toEqual(['bp.grade-3']);
      expect(await ids({ from: made.createdAt })).toEqual(['bp.grade-3']);
      expect(await ids({ to: made.createdAt })).toEqual([]);
      expect(await ids({ from: after.toISOString() })).toEqual([]);
      expect(await ids({ to: before.toISOString() })).toEqual([]);
    });

    it('lists screenings by when they were opened', async () => {
      const patient = await store.createPatient(
        { nik: nik(40), name: 'Made Wirawan', birthDate: '1970-02-03', sex: 'male' },
        newUuidV7(),
        NOW,
        'clinic-1',
      );
      const open = (at: string) =>
        store.createScreening(
          {
            patientId: patient.id,
            clinicId: 'clinic-1',
            kioskId: 'kiosk-dates',
            practitioner: null,
            practitionerId: null,
          },
          newUuidV7(),
          at,
        );
      const lateEvening = await open('2026-11-22T16:59:59.999Z'); // 23:59:59.999 WIB on the 22nd
      const earlyMorning = await open('2026-11-22T17:00:00.000Z'); // 00:00 WIB on the 23rd
      const listed = async (query: { from?: string; to?: string }) =>
        (
          await store.listScreenings({ kioskId: 'kiosk-dates', ...query }, { limit: 100 }, EVERY_CLINIC)
        ).data.map((x) => x.id);
      const wibDay = { from: '2026-11-23T00:00:00+07:00', to: '2026-11-24T00:00:00+07:00' };
      expect(await listed(wibDay)).toEqual([earlyMorning.id]);
      expect(await listed({ to: wibDay.from })).toEqual([lateEvening.id]);
      expect(await listed({})).toEqual([lateEvening.id, earlyMorning.id]);
    });

    it('registers patients once per NIK, finds them by NIK or name and birth date, page by page', async () => {
      await rejects(
        store.createPatient(
          { nik: nik(1), name: 'Someone Else', birthDate: '1990-01-01', sex: 'male' },
          newUuidV7(),
          NOW,
          'clinic-1',
        ),
        'PATIENT_EXISTS',
      );
      expect((await store.findPatientByNik(nik(1), EVERY_CLINIC))?.name).toBe('Siti Aminah 1');
      expect(await store.findPatientByNik(nik(999), EVERY_CLINIC)).toBeUndefined();
      for (let i = 10; i < 15; i++) {
        await store.createPatient(
          { name: `Budi Santoso ${i}`, birthDate: '1975-03-04', sex: 'male' },
          newUuidV7(),
          NOW,
          'clinic-1',
        );
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchPatients(
          'budi  SANTOSO',
          '1975-03-04',
          { limit: 2, cursor },
          EVERY_CLINIC,
        );
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((p) => p.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([
        'Budi Santoso 10',
        'Budi Santoso 11',
        'Budi Santoso 12',
        'Budi Santoso 13',
        'Budi Santoso 14',
      ]);
      expect((await store.searchPatients('budi', '1975-03-05', { limit: 10 }, EVERY_CLINIC)).data).toEqual(
        [],
      );
      await rejects(
        store.searchPatients('budi', '1975-03-04', { limit: 2, cursor: 'bm90LWEtY3Vyc29y' }, EVERY_CLINIC),
        'VALIDATION',
      );
    });

    it('finishes a screening once and queues it for forwarding', async () => {
      const { screening } = await patientAndScreening(3);
      await rejects(
        store.createScreening(
          { patientId: newUuidV7(), clinicId: 'c', kioskId: 'k', practitioner: null, practitionerId: null },
          newUuidV7(),
          NOW,
        ),
        'NOT_FOUND',
      );
      const finished = await store.finishScreening(screening.id, NOW, true);
      expect(finished).toMatchObject({
        status: 'finished',
        finishedAt: NOW,
        forwarding: { status: 'pending', attempts: 0 },
      });
      await rejects(store.finishScreening(screening.id, NOW, true), 'SCREENING_CLOSED');
      const listed = await store.listScreenings(
        { status: 'finished', forwarding: 'pending' },
        { limit: 100 },
        EVERY_CLINIC,
      );
      expect(listed.data.map((s) => s.id)).toContain(screening.id);
      const open = await store.listScreenings({ status: 'open' }, { limit: 100 }, EVERY_CLINIC);
      expect(open.data.map((s) => s.id)).not.toContain(screening.id);
    });

    it('leases each due screening to one sender, retries later, and records the outcome', async () => {
      const { screening } = await patientAndScreening(4);
      await store.finishScreening(screening.id, '2026-11-23T03:00:00.000Z', true);
      const t0 = '2026-11-23T03:00:01.000Z';
      const lease = '2026-11-23T03:01:01.000Z';
      const first = await store.claimForwarding(t0, lease, 100);
      expect(first.map((c) => c.screeningId)).toContain(screening.id);
      expect((await store.claimForwarding(t0, lease, 100)).map((c) => c.screeningId)).not.toContain(
        screening.id,
      );
      await store.recordForwarding(
        screening.id,
        {
          outcome: 'retry',
          httpStatus: 503,
          detail: 'Gateway Timeout',
          nextAttemptAt: '2026-11-23T03:00:10.000Z',
        },
        t0,
      );
      expect(
        (await store.claimForwarding('2026-11-23T03:00:05.000Z', lease, 100)).map((c) => c.screeningId),
      ).not.toContain(screening.id);
      const second = await store.claimForwarding('2026-11-23T03:00:10.000Z', lease, 100);
      expect(second.find((c) => c.screeningId === screening.id)?.attempts).toBe(1);
      const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] };
      await store.recordForwarding(screening.id, { outcome: 'failed', httpStatus: 400, detail: outcome }, t0);
      expect((await store.getScreening(screening.id, EVERY_CLINIC))?.forwarding).toMatchObject({
        status: 'failed',
        attempts: 2,
        httpStatus: 400,
        outcome,
      });
      await store.requeueForwarding(screening.id, '2026-11-23T03:00:20.000Z');
      await store.claimForwarding('2026-11-23T03:00:20.000Z', lease, 100);
      await store.recordForwarding(
        screening.id,
        { outcome: 'sent', httpStatus: 200 },
        '2026-11-23T03:00:21.000Z',
      );
      expect((await store.getScreening(screening.id, EVERY_CLINIC))?.forwarding).toMatchObject({
        status: 'sent',
        attempts: 3,
        sentAt: '2026-11-23T03:00:21.000Z',
        outcome: null,
      });
    });

    it('lists the audit log by patient, client, action and time range, in the order it was written', async () => {
      const patientId = newUuidV7();
      const other = newUuidV7();
      const line = (at: string, clientId: string, action: string, pid: string | null) => ({
        at,
        clientId,
        action,
        resourceType: 'patient',
        resourceId: pid,
        patientId: pid,
        clinicId: null,
        requestId: pid ? `req-${action}` : null,
      });
      await store.audit([
        line('2026-11-22T23:30:00.000Z', 'partner.a', 'read', patientId),
        line('2026-11-23T01:00:00.000Z', 'partner.b', 'update', patientId),
        line('2026-11-23T01:00:00.000Z', 'partner.a', 'read', other),
        line('2026-11-23T02:00:00.000Z', 'system.satusehat-forwarder', 'update', patientId),
      ]);
      await store.audit([line('2026-11-23T03:00:00.000Z', 'partner.a', 'search', null)]);

      const all = await store.listAuditEvents({ patientId }, { limit: 10 }, EVERY_CLINIC);
      expect(all.data.map((e) => [e.clientId, e.action])).toEqual([
        ['partner.a', 'read'],
        ['partner.b', 'update'],
        ['system.satusehat-forwarder', 'update'],
      ]);
      expect(all.data[0]).toEqual({
        id: expect.any(String),
        at: '2026-11-22T23:30:00.000Z',
        clientId: 'partner.a',
        action: 'read',
        resourceType: 'patient',
        resourceId: patientId,
        patientId,
        requestId: 'req-read',
      });
      // 23 November in Western Indonesia Time starts at 17:00 UTC the day before; `to` is not included.
      const day = await store.listAuditEvents(
        { patientId, from: '2026-11-23T00:00:00+07:00', to: '2026-11-23T09:00:00+07:00' },
        { limit: 10 },
        EVERY_CLINIC,
      );
      expect(day.data.map((e) => e.action)).toEqual(['read', 'update']);
      expect(
        (
          await store.listAuditEvents({ clientId: 'partner.a', action: 'read' }, { limit: 10 }, EVERY_CLINIC)
        ).data.map((e) => e.patientId),
      ).toEqual([patientId, other]);
      const p1 = await store.listAuditEvents({ patientId }, { limit: 2 }, EVERY_CLINIC);
      const p2 = await store.listAuditEvents(
        { patientId },
        { limit: 2, cursor: p1.nextCursor! },
        EVERY_CLINIC,
      );
      expect([...p1.data, ...p2.data]).toEqual(all.data);
      expect(p2.nextCursor).toBeNull();
      expect(
        (
          await store.listAuditEvents(
            { resourceType: 'patient', action: 'search' },
            { limit: 10 },
            EVERY_CLINIC,
          )
        ).data,
      ).toEqual([expect.objectContaining({ patientId: null, requestId: null })]);
    });

    it('lists observations by kind and time range', async () => {
      const r = bpReading({ kioskId: 'kiosk-obs', measuredAt: '2030-01-01T09:00:00+07:00' });
      await store.ingestReadings([r]);
      const inRange = await store.listObservations(
        { kind: 'blood-pressure', from: '2030-01-01T01:59:59Z', to: '2030-01-01T02:00:01Z' },
        { limit: 10 },
        EVERY_CLINIC,
      );
      expect(inRange.data.map((o) => o.id)).toEqual([`${r.id}.systolic`, `${r.id}.diastolic`]);
      expect(inRange.data[0]?.measuredAt).toBe('2030-01-01T02:00:00.000Z');
      expect(
        (
          await store.listObservations(
            { kind: 'glucose', from: '2030-01-01T00:00:00Z' },
            { limit: 10 },
            EVERY_CLINIC,
          )
        ).data,
      ).toEqual([]);
    });

    it('replays an idempotent request, refuses a reused key, and lets an abandoned one be tried again', async () => {
      const f = { method: 'POST', path: '/patients', bodyHash: 'h1' };
      expect(await store.beginIdempotent('c1', 'k1', f, NOW)).toEqual({ state: 'new' });
      expect(await store.beginIdempotent('c1', 'k1', f, NOW)).toEqual({ state: 'in-progress' });
      await store.completeIdempotent('c1', 'k1', 201, '{"id":1}');
      expect(await store.beginIdempotent('c1', 'k1', f, NOW)).toEqual({
        state: 'replay',
        statusCode: 201,
        response: '{"id":1}',
      });
      expect(await store.beginIdempotent('c1', 'k1', { ...f, bodyHash: 'h2' }, NOW)).toEqual({
        state: 'mismatch',
      });
      expect(await store.beginIdempotent('c2', 'k1', f, NOW)).toEqual({ state: 'new' });
      await store.abandonIdempotent('c2', 'k1');
      expect(await store.beginIdempotent('c2', 'k1', f, NOW)).toEqual({ state: 'new' });
      await store.purge(NOW, '2030-01-01T00:00:00.000Z');
      expect(await store.beginIdempotent('c1', 'k1', f, NOW)).toEqual({ state: 'new' });
    });

    it('refuses unknown kiosks once one is registered, and ends old tokens when a secret rotates', async () => {
      expect(
        await store.ingestReadings([bpReading({ kioskId: 'kiosk-x' })], { requireRegisteredKiosks: true }),
      ).toEqual([
        {
          status: 'rejected',
          code: 'UNKNOWN_KIOSK',
          message: 'kiosk clinic-1/kiosk-x is not registered with this clinic server',
        },
      ]);
      expect(await store.clinicKnown('clinic-9')).toBe(false);
      const kiosk = await store.registerKiosk(
        { clinicId: 'clinic-9', kioskId: 'kiosk-9', name: 'Posyandu Melati' },
        'kiosk.clinic-9.kiosk-9',
        hashSecret('s1'),
        NOW,
      );
      // A clinic is known to the record once anything names it: `kiosks provision` asks.
      expect(await store.clinicKnown('clinic-9')).toBe(true);
      expect(await store.clinicKnown('clinic-1')).toBe(true);
      expect(await store.clinicKnown('clinic-nowhere')).toBe(false);
      expect(kiosk).toMatchObject({
        clinicId: 'clinic-9',
        kioskId: 'kiosk-9',
        status: null,
        lastReadingAt: null,
      });
      await rejects(
        store.registerKiosk(
          { clinicId: 'clinic-9', kioskId: 'kiosk-9', name: null },
          'kiosk.clinic-9.kiosk-9',
          'x',
          NOW,
        ),
        'KIOSK_EXISTS',
      );
      const known = bpReading({ clinicId: 'clinic-9', kioskId: 'kiosk-9' });
      const outcomes = await store.ingestReadings([known, bpReading({ kioskId: 'kiosk-y' })]);
      expect(outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status))).toEqual([
        'stored',
        'UNKNOWN_KIOSK',
      ]);
      expect((await store.getKiosk('clinic-9', 'kiosk-9'))?.lastReadingAt).toBe(
        new Date(known.measuredAt).toISOString(),
      );

      await store.saveToken(
        'tokhash',
        'kiosk.clinic-9.kiosk-9',
        ['patient.read'],
        '2030-01-01T00:00:00.000Z',
      );
      expect(await store.findToken('tokhash', NOW)).toMatchObject({
        role: 'kiosk',
        scopes: ['patient.read'],
        kioskId: 'kiosk-9',
      });
      expect(await store.findToken('tokhash', '2030-01-01T00:00:00.000Z')).toBeUndefined();
      await store.rotateKioskSecret('clinic-9', 'kiosk-9', hashSecret('s2'), NOW);
      expect(await store.findToken('tokhash', NOW)).toBeUndefined();
      expect((await store.kioskSecrets()).map((k) => k.username)).toEqual(['kiosk.clinic-9.kiosk-9']);
      await rejects(store.rotateKioskSecret('clinic-9', 'nope', 'x', NOW), 'NOT_FOUND');

      const online = {
        state: 'online' as const,
        clinicId: 'clinic-9',
        kioskId: 'kiosk-9',
        at: '2026-11-23T03:00:05Z',
      };
      await store.recordKioskStatus(online, NOW);
      await store.recordKioskStatus({ ...online, state: 'offline', at: '2026-11-23T03:00:01Z' }, NOW);
      expect((await store.getKiosk('clinic-9', 'kiosk-9'))?.status).toEqual(online);
      expect((await store.listKiosks({}, { limit: 10 }, EVERY_CLINIC)).data.map((k) => k.kioskId)).toEqual([
        'kiosk-9',
      ]);
    });

    // Runs after a kiosk is registered: from then on kiosks are checked and their readings audited.
    it("keeps each clinic's patients, screenings and readings its own, and refuses a kiosk's writes into another's", async () => {
      const A: ClinicAccess = { all: false, clinicIds: ['clinic-a'] };
      const B: ClinicAccess = { all: false, clinicIds: ['clinic-b'] };
      for (const clinicId of ['clinic-a', 'clinic-b']) {
        await store.registerKiosk({ clinicId, kioskId: 'k', name: null }, `kiosk.${clinicId}.k`, 'x', NOW);
      }
      const ani = await store.createPatient(
        { nik: nik(800), name: 'Ani Wulandari', birthDate: '1979-02-03', sex: 'female' },
        newUuidV7(),
        NOW,
        'clinic-b',
      );
      expect(await store.getPatient(ani.id, B)).toEqual(ani);
      expect(await store.getPatient(ani.id, A)).toBeUndefined();
      expect(await store.findPatientByNik(nik(800), A)).toBeUndefined();
      expect((await store.searchPatients('Ani Wulandari', '1979-02-03', { limit: 5 }, A)).data).toEqual([]);
      await rejects(store.updatePatient(ani.id, { name: 'Ani W' }, A), 'NOT_FOUND');
      const screeningB = await store.createScreening(
        { patientId: ani.id, clinicId: 'clinic-b', kioskId: 'k', practitioner: null, practitionerId: null },
        newUuidV7(),
        NOW,
      );
      // Clinic A cannot open a screening of a patient it does not see.
      await rejects(
        store.createScreening(
          { patientId: ani.id, clinicId: 'clinic-a', kioskId: 'k', practitioner: null, practitionerId: null },
          newUuidV7(),
          NOW,
        ),
        'NOT_FOUND',
      );
      expect(await store.getScreening(screeningB.id, A)).toBeUndefined();
      expect((await store.listScreenings({ patientId: ani.id }, { limit: 5 }, A)).data).toEqual([]);
      expect((await store.listScreenings({ patientId: ani.id }, { limit: 5 }, B)).data).toHaveLength(1);

      // A kiosk of A names B's open screening, or B's patient: refused, audited, nothing stored.
      const forged = bpReading({ clinicId: 'clinic-a', kioskId: 'k', sessionId: screeningB.id }, [URGENT_BP]);
      const byPatient = bpReading({ clinicId: 'clinic-a', kioskId: 'k', patientId: ani.id });
      const own = bpReading({ clinicId: 'clinic-b', kioskId: 'k', sessionId: screeningB.id });
      const outcomes = await store.ingestReadings([forged, byPatient, own]);
      expect(outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status))).toEqual([
        'FOREIGN_SCREENING',
        'FOREIGN_PATIENT',
        'stored',
      ]);
      expect(await store.getReading(forged.id)).toBeUndefined();
      expect(await store.getReading(byPatient.id)).toBeUndefined();
      expect((await store.listReferrals({ patientId: ani.id }, { limit: 5 }, EVERY_CLINIC)).data).toEqual([]);
      expect((await store.getScreeningDetail(screeningB.id, B))?.observations).toHaveLength(2);
      const lines = await store.listAuditEvents({ resourceType: 'reading' }, { limit: 50 }, EVERY_CLINIC);
      const line = (id: string) => lines.data.find((l) => l.resourceId === id);
      expect(line(forged.id)).toMatchObject({
        clientId: 'kiosk.clinic-a.k',
        action: 'refuse-foreign_screening',
        patientId: null,
      });
      expect(line(own.id)).toMatchObject({
        clientId: 'kiosk.clinic-b.k',
        action: 'ingest',
        patientId: ani.id,
      });
      // Each clinic's administrator reads its own lines only.
      const seenByA = await store.listAuditEvents({ resourceType: 'reading' }, { limit: 50 }, A);
      expect(seenByA.data.map((l) => l.resourceId)).toContain(forged.id);
      expect(seenByA.data.map((l) => l.resourceId)).not.toContain(own.id);
      expect((await store.listObservations({ patientId: ani.id }, { limit: 10 }, A)).data).toEqual([]);
      expect((await store.listObservations({ patientId: ani.id }, { limit: 10 }, B)).data).toHaveLength(2);

      // Ani comes to clinic A with her KTP: the same NIK, name and birth date let A see her from now on;
      // a NIK alone with another name does not.
      await rejects(
        store.createPatient(
          { nik: nik(800), name: 'Someone Else', birthDate: '1979-02-03', sex: 'female' },
          newUuidV7(),
          NOW,
          'clinic-a',
        ),
        'PATIENT_EXISTS',
      );
      expect(await store.getPatient(ani.id, A)).toBeUndefined();
      const linked = await store
        .createPatient(
          { nik: nik(800), name: 'ani  WULANDARI', birthDate: '1979-02-03', sex: 'female' },
          newUuidV7(),
          NOW,
          'clinic-a',
        )
        .catch((e: unknown) => e);
      expect(linked).toMatchObject({ code: 'PATIENT_EXISTS', details: { patientId: ani.id } });
      expect(await store.getPatient(ani.id, A)).toEqual(ani);
      // Seeing the patient is not seeing B's screenings of her.
      expect(await store.getScreening(screeningB.id, A)).toBeUndefined();

      // A reading of A's kiosk cannot be assigned to B's screening, even by an administrator of both.
      const stray = bpReading({ clinicId: 'clinic-a', kioskId: 'k' });
      await store.ingestReadings([stray]);
      await rejects(
        store.assignReading(stray.id, screeningB.id, 'admin', NOW),
        'SCREENING_OF_ANOTHER_CLINIC',
      );

      // A clinic id with `_` lists its own clients only, not those of a clinic one letter apart.
      for (const [id, clinic] of [
        ['partner.under_score', 'kdmp_1'],
        ['partner.lookalike', 'kdmpX1'],
      ] as const) {
        await store.createClient({
          id,
          role: 'partner',
          name: id,
          secretHash: 'x',
          clinicId: null,
          kioskId: null,
          access: { all: false, clinicIds: [clinic] },
          createdAt: NOW,
        });
      }
      const listed = await store.listClients({}, { limit: 50 }, { all: false, clinicIds: ['kdmp_1'] });
      expect(listed.data.map((c) => c.clientId)).toEqual(['partner.under_score']);
    });

    it('searches names with wildcards as plain characters, and refuses fewer than three letters', async () => {
      const born = '1991-02-03';
      const ani = await store.createPatient(
        { name: 'Ani Lestari', birthDate: born, sex: 'female' },
        newUuidV7(),
        NOW,
        'clinic-1',
      );
      await store.createPatient(
        { name: 'Budi Santoso', birthDate: born, sex: 'male' },
        newUuidV7(),
        NOW,
        'clinic-1',
      );
      for (const name of ['%', '_', '%%%', 'a%', '\\', '%_\\', 'a_i', '\u674e\u660e\u534e']) {
        await rejects(store.searchPatients(name, born, { limit: 10 }, EVERY_CLINIC), 'VALIDATION');
      }
      const found = async (name: string) =>
        (await store.searchPatients(name, born, { limit: 10 }, EVERY_CLINIC)).data.map((p) => p.id);
      expect(await found('ani%')).toEqual([ani.id]);
      expect(await found('an%i')).toEqual([]);
      expect(await found('LESTARI')).toEqual([ani.id]);
    });

    it("counts a client's live tokens, and purges expired tokens and day-old idempotency keys", async () => {
      await store.saveToken('live-1', 'partner.tokens', ['patient.read'], '2030-01-01T01:00:00.000Z');
      await store.saveToken('live-2', 'partner.tokens', ['patient.read'], '2030-01-01T00:30:00.000Z');
      await store.saveToken('gone', 'partner.tokens', ['patient.read'], '2029-12-31T23:00:00.000Z');
      expect(await store.liveTokens('partner.tokens', '2030-01-01T00:00:00.000Z')).toEqual({
        count: 2,
        firstExpiry: '2030-01-01T00:30:00.000Z',
      });
      expect(await store.liveTokens('partner.none', '2030-01-01T00:00:00.000Z')).toEqual({
        count: 0,
        firstExpiry: null,
      });

      const f = { method: 'POST', path: '/patients', bodyHash: 'h' };
      await store.beginIdempotent('partner.tokens', 'old', f, '2029-12-30T00:00:00.000Z');
      await store.beginIdempotent('partner.tokens', 'recent', f, '2029-12-31T12:00:00.000Z');
      await store.purge('2030-01-01T00:00:00.000Z', '2029-12-31T00:00:00.000Z');
      // The expired token is gone from the table, not just refused: counted from before it expired.
      expect((await store.liveTokens('partner.tokens', '2029-12-31T00:00:00.000Z')).count).toBe(2);
      expect(await store.beginIdempotent('partner.tokens', 'old', f, NOW)).toEqual({ state: 'new' });
      expect(await store.beginIdempotent('partner.tokens', 'recent', f, NOW)).toEqual({
        state: 'in-progress',
      });
    });

    kioskActivityContract(() => store);
    fleetContract(() => store);
    reportContract(() => store);
    clinicsAndAccountsContract(() => store);
  });
}

/**
 * An audit log written before lines named their patient (SQLite version 4, PostgreSQL 3): `write`
 * runs one statement on that older record. After the migration each old line names the patient of
 * what it names, and its screening (from before the practitioners table) names no health worker;
 * `check` says so through the store.
 */
export async function seedAuditBeforePatientColumn(
  write: (sql: string, params: (string | number | null)[]) => Promise<unknown>,
) {
  const patientId = newUuidV7();
  const screeningId = newUuidV7();
  const reading = bpReading({ sessionId: screeningId });
  await write(
    'INSERT INTO patients (id, nik, name, name_key, birth_date, sex, ihs_number, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [patientId, nik(70), 'Ani', 'ani', '1980-05-12', 'female', null, NOW],
  );
  await write(
    'INSERT INTO screenings (id, patient_id, clinic_id, kiosk_id, status, opened_at) VALUES (?, ?, ?, ?, ?, ?)',
    [screeningId, patientId, 'clinic-1', 'kiosk-1', 'open', NOW],
  );
  await write(
    'INSERT INTO readings (id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at, stored_at, body, screening_id, assignment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      reading.id,
      reading.clinicId,
      reading.kioskId,
      reading.device.id,
      reading.kind,
      screeningId,
      patientId,
      reading.measuredAt,
      reading.receivedAt,
      NOW,
      JSON.stringify(reading),
      screeningId,
      'assigned',
    ],
  );
  const lines: [string, string, string | null][] = [
    ['create', 'patient', patientId],
    ['search', 'patient', `${patientId},${newUuidV7()}`],
    ['read', 'screening', screeningId],
    ['read', 'fhir-bundle', screeningId],
    ['create', 'observation', reading.id],
    ['create', 'client', 'partner.x'],
  ];
  for (const [i, [action, type, id]] of lines.entries()) {
    await write(
      'INSERT INTO audit_log (id, at, client_id, action, resource_type, resource_id, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [`0${i}-${newUuidV7()}`, NOW, 'partner.x', action, type, id, `req-${i}`],
    );
  }
  return {
    async check(store: SqlClinicStore) {
      const all = await store.listAuditEvents({}, { limit: 50 }, EVERY_CLINIC);
      expect(all.data.map((e) => [e.action, e.resourceType, e.patientId])).toEqual([
        ['create', 'patient', patientId],
        // It named two patients in one resourceId: no single one to give it.
        ['search', 'patient', null],
        ['read', 'screening', patientId],
        ['read', 'fhir-bundle', patientId],
        ['create', 'observation', patientId],
        ['create', 'client', null],
      ]);
      expect((await store.listAuditEvents({ patientId }, { limit: 50 }, EVERY_CLINIC)).data).toHaveLength(4);
      // A screening opened before health workers were registered names none of them.
      expect((await store.getScreening(screeningId, EVERY_CLINIC))?.practitionerId).toBeNull();
    },
  };
}
