import { newUuidV7 } from '@klinik-desa/protocol';
import { type SatusehatFake, startSatusehatFake, waitFor } from '@klinik-desa/testkit';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import { derivedReadings } from '../domain/derived.js';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { bpReading, nik, URGENT_BP } from '../testing/fixtures.js';
import type { ForwarderConfig } from './config.js';
import { FORWARDER_ACTOR, Forwarder } from './forwarder.js';

const ORG = '10000004';
const OBS_SYSTEM = `http://sys-ids.kemkes.go.id/observation/${ORG}`;
let fake: SatusehatFake;
let store: SqlClinicStore;
let forwarder: Forwarder | undefined;

beforeAll(async () => {
  fake = await startSatusehatFake({ clients: { 'kd-client': { secret: 'kd-secret', organizationId: ORG } } });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(async () => {
  await forwarder?.stop();
  forwarder = undefined;
  await store.close();
});

/** Every log line the forwarder wrote in this test, as text. */
let logged: string[] = [];

function start(overrides: Partial<ForwarderConfig> = {}, endpoint: SatusehatFake = fake, on = store) {
  logged = [];
  forwarder = new Forwarder({
    store: on,
    log: pino({ level: 'debug' }, { write: (line: string) => logged.push(line) }),
    config: {
      authBaseUrl: endpoint.authBaseUrl,
      fhirBaseUrl: endpoint.fhirBaseUrl,
      clientId: 'kd-client',
      clientSecret: 'kd-secret',
      organizationId: ORG,
      location: { id: 'b017aa54-f1df-4ec2-9d84-8823815d7228', display: 'Ruang Skrining Klinik Desa' },
      defaultPractitioner: { ihsNumber: '10009880728', name: 'Bidan Sari' },
      baseBackoffMs: 20,
      maxBackoffMs: 50,
      pollMs: 50,
      ...overrides,
    },
  });
  forwarder.start();
  return forwarder;
}

/**
 * An open screening of patient `n`, with an IHS number and a NIK unless told otherwise, naming the
 * registered health worker `practitionerId` when given.
 */
async function openScreening(
  n: number,
  ihsNumber: string | null = `P0${n}1234567`,
  withNik = true,
  practitionerId: string | null = null,
) {
  const patient = await store.createPatient(
    {
      ...(withNik ? { nik: nik(n) } : {}),
      name: `Ani ${n}`,
      birthDate: '1980-05-12',
      sex: 'female',
      ...(ihsNumber ? { ihsNumber } : {}),
    },
    newUuidV7(),
    new Date().toISOString(),
    'clinic-1',
  );
  return store.createScreening(
    {
      patientId: patient.id,
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
      practitioner: null,
      practitionerId,
    },
    newUuidV7(),
    new Date(Date.now() - 60_000).toISOString(),
  );
}

/** A finished screening of patient `n` with two blood-pressure readings, queued for SATUSEHAT. */
async function finishedScreening(
  n: number,
  ihsNumber: string | null = `P0${n}1234567`,
  withNik = true,
  practitionerId: string | null = null,
) {
  const screening = await openScreening(n, ihsNumber, withNik, practitionerId);
  const readings = [
    bpReading({ sessionId: screening.id }, [URGENT_BP]),
    bpReading({ sessionId: screening.id }),
  ];
  await store.ingestReadings(readings);
  await store.finishScreening(screening.id, new Date().toISOString(), true);
  return { screening, readings };
}

async function settled(id: string, status: 'sent' | 'failed') {
  return waitFor(
    async () => {
      const s = await store.getScreening(id, EVERY_CLINIC);
      return s?.forwarding.status === status ? s : undefined;
    },
    { what: `screening ${id} forwarding ${status}`, timeoutMs: 20_000 },
  );
}

describe('the SATUSEHAT forwarder against a strict SATUSEHAT-like endpoint', () => {
  it('sends a finished screening as one valid transaction: an Encounter and one Observation per value', async () => {
    const { screening, readings } = await finishedScreening(1);
    start();
    const sent = await settled(screening.id, 'sent');
    expect(sent.forwarding).toMatchObject({ attempts: 1, httpStatus: 200, outcome: null });
    const encounters = fake
      .resources('Encounter')
      .filter((e) => (e.resource['identifier'] as { value: string }[]).some((i) => i.value === screening.id));
    expect(encounters).toHaveLength(1);
    for (const r of readings) {
      for (const name of ['systolic', 'diastolic']) {
        expect(fake.countByIdentifier(OBS_SYSTEM, `${r.id}.${name}`)).toBe(1);
      }
    }
    const obs = fake
      .resources('Observation')
      .find((o) =>
        (o.resource['identifier'] as { value: string }[]).some(
          (i) => i.value === `${readings[0]!.id}.systolic`,
        ),
      );
    // The Bundle's urn:uuid references were resolved by the server: the Observation points at the stored Encounter.
    expect(obs?.resource['encounter']).toEqual({ reference: `Encounter/${encounters[0]!.id}` });
  });

  it("sends a registered clinic's screenings under its own organization and location, others under the server's", async () => {
    // SATUSEHAT ties an organization to its client credentials: this fake's second client is the
    // clinic's own organization, while the server's configured organization stays ORG.
    const own = await startSatusehatFake({
      clients: { 'kd-clinic': { secret: 's2', organizationId: '10000099' } },
    });
    try {
      await store.createClinic(
        {
          id: 'clinic-1',
          name: 'Klinik Desa Cibadak',
          organizationId: '10000099',
          location: { id: 'c1a2b3c4-0000-4000-8000-000000000001', display: 'Ruang Cek Kesehatan Cibadak' },
        },
        new Date().toISOString(),
      );
      const { screening } = await finishedScreening(40);
      start({ clientId: 'kd-clinic', clientSecret: 's2' }, own);
      await settled(screening.id, 'sent');
      const encounter = own
        .resources('Encounter')
        .find((e) => (e.resource['identifier'] as { value: string }[]).some((i) => i.value === screening.id));
      expect(encounter?.resource['serviceProvider']).toEqual({ reference: 'Organization/10000099' });
      expect(encounter?.resource['location']).toEqual([
        {
          location: {
            reference: 'Location/c1a2b3c4-0000-4000-8000-000000000001',
            display: 'Ruang Cek Kesehatan Cibadak',
          },
        },
      ]);
      // Without its own ids the clinic's screenings go under the server's: here refused, as they
      // are not this client's organization.
      await store.updateClinic(
        'clinic-1',
        { organizationId: null, location: null },
        new Date().toISOString(),
      );
      const { screening: other } = await finishedScreening(41);
      const failed = await settled(other.id, 'failed');
      expect(JSON.stringify(failed.forwarding)).toContain(`encounter/${ORG} is not of organization 10000099`);
    } finally {
      await forwarder?.stop();
      forwarder = undefined;
      await own.close();
    }
  });

  it("sends the visit's mean blood pressure pointing at the stored measurements it came from", async () => {
    const screening = await openScreening(30);
    const measured = [bpReading({ sessionId: screening.id }), bpReading({ sessionId: screening.id })];
    await store.ingestReadings(measured);
    const mean = derivedReadings((await store.fhirSource(screening.id))!);
    expect(mean.map((r) => r.kind)).toEqual(['blood-pressure']);
    await store.ingestReadings(mean);
    await store.finishScreening(screening.id, new Date().toISOString(), true);
    start();
    await settled(screening.id, 'sent');
    const stored = (value: string) =>
      fake
        .resources('Observation')
        .find((o) => (o.resource['identifier'] as { value: string }[]).some((i) => i.value === value));
    expect(stored(`${mean[0]!.id}.systolic`)?.resource['derivedFrom']).toEqual(
      measured.map((r) => ({ reference: `Observation/${stored(`${r.id}.systolic`)!.id}` })),
    );
  });

  it('retries 5xx plain-text answers with backoff, then records the success', async () => {
    const { screening } = await finishedScreening(2);
    fake.failNext(2, 503, 'Gateway Timeout');
    start();
    const sent = await settled(screening.id, 'sent');
    expect(sent.forwarding.attempts).toBe(3);
  });

  it('after a timeout that came after the server stored the Bundle, the resend makes no second copy', async () => {
    const { screening, readings } = await finishedScreening(3);
    fake.timeOutAfterStoringNext(1);
    start({ requestTimeoutMs: 300 });
    const sent = await settled(screening.id, 'sent');
    expect(sent.forwarding.attempts).toBe(2);
    for (const r of readings) expect(fake.countByIdentifier(OBS_SYSTEM, `${r.id}.systolic`)).toBe(1);
    expect(fake.requests.some((q) => q.startsWith('GET /fhir-r4/v1/Observation?identifier='))).toBe(true);
  });

  it('without a check before resending (and no conditional create) the same timeout would duplicate', async () => {
    const { screening, readings } = await finishedScreening(4);
    fake.timeOutAfterStoringNext(1);
    start({ requestTimeoutMs: 300, checkBeforeResend: false });
    await settled(screening.id, 'sent');
    expect(fake.countByIdentifier(OBS_SYSTEM, `${readings[0]!.id}.systolic`)).toBe(2);
  });

  it('records a 4xx OperationOutcome as failed, without retrying', async () => {
    const { screening } = await finishedScreening(5);
    // Identifiers of another organization than the client's: SATUSEHAT refuses them.
    start({ organizationId: '99999999' });
    const failed = await settled(screening.id, 'failed');
    expect(failed.forwarding).toMatchObject({ attempts: 1, httpStatus: 400 });
    expect(failed.forwarding.outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'business-rule' }],
    });
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const { screening } = await finishedScreening(6);
    fake.throttleNext(1, 1);
    const before = Date.now();
    start();
    const retry = await waitFor(
      async () => {
        const s = await store.getScreening(screening.id, EVERY_CLINIC);
        return s?.forwarding.httpStatus === 429 ? s : undefined;
      },
      { what: 'the throttled attempt recorded' },
    );
    expect(Date.parse(retry.forwarding.nextAttemptAt!)).toBeGreaterThanOrEqual(before + 1000);
    await settled(screening.id, 'sent');
  });

  it('gets a new token when the server no longer knows the old one', async () => {
    const first = await finishedScreening(7);
    start();
    await settled(first.screening.id, 'sent');
    const issued = fake.tokensIssued;
    fake.revokeTokens();
    const second = await finishedScreening(8);
    forwarder!.kick();
    await settled(second.screening.id, 'sent');
    expect(fake.tokensIssued).toBe(issued + 1);
  });

  it('does not send a patient without an IHS number or NIK, says why, and sends once the number is set', async () => {
    const { screening } = await finishedScreening(9, null, false);
    start();
    const failed = await settled(screening.id, 'failed');
    expect(failed.forwarding.outcome).toMatchObject({ code: 'FHIR_NOT_READY' });
    expect(fake.countByIdentifier(`http://sys-ids.kemkes.go.id/encounter/${ORG}`, screening.id)).toBe(0);
    expect(fake.requests.filter((q) => q.startsWith('GET /fhir-r4/v1/Patient'))).toEqual([]);

    // What the clinic does next (PATCH /patients/{id}, then POST /screenings/{id}/forward).
    await store.updatePatient(failed.patientId, { ihsNumber: 'P09123456789' }, EVERY_CLINIC);
    await store.requeueForwarding(screening.id, new Date().toISOString());
    forwarder!.kick();
    await settled(screening.id, 'sent');
    expect(fake.countByIdentifier(`http://sys-ids.kemkes.go.id/encounter/${ORG}`, screening.id)).toBe(1);
  });

  describe('an IHS number looked up by NIK', () => {
    const patientSearches = () => fake.requests.filter((q) => q.startsWith('GET /fhir-r4/v1/Patient?'));
    const person = (n: number, ihsNumber: string) => ({
      ihsNumber,
      nik: nik(n),
      name: `Ani ${n}`,
      birthDate: '1980-05-12',
      gender: 'female' as const,
    });
    const encounterOf = (screeningId: string) =>
      fake
        .resources('Encounter')
        .find((e) => (e.resource['identifier'] as { value: string }[]).some((i) => i.value === screeningId));
    /** No log line may carry a NIK (UU 27/2022): the look-up puts one in a URL. */
    const expectNoNikLogged = (n: number) => {
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.join('\n')).not.toContain(nik(n));
    };

    it('is kept on the patient, audited, sent as the subject, and asked for once per patient', async () => {
      fake.addPatient(person(21, 'P02478375538'));
      const first = await finishedScreening(21, null);
      const before = patientSearches().length;
      start();
      await settled(first.screening.id, 'sent');
      const patient = await store.getPatient(first.screening.patientId, EVERY_CLINIC);
      expect(patient?.ihsNumber).toBe('P02478375538');
      expect(encounterOf(first.screening.id)?.resource['subject']).toMatchObject({
        reference: 'Patient/P02478375538',
      });
      const second = await store.createScreening(
        {
          patientId: patient!.id,
          clinicId: 'clinic-1',
          kioskId: 'kiosk-1',
          practitioner: null,
          practitionerId: null,
        },
        newUuidV7(),
        new Date().toISOString(),
      );
      await store.ingestReadings([bpReading({ sessionId: second.id })]);
      await store.finishScreening(second.id, new Date().toISOString(), true);
      forwarder!.kick();
      await settled(second.id, 'sent');
      expect(patientSearches().length - before).toBe(1);
      const db = (store as unknown as { db: { all<T>(sql: string, p: unknown[]): Promise<T[]> } }).db;
      const audit = await db.all<{ client_id: string; action: string }>(
        'SELECT client_id, action FROM audit_log WHERE resource_id = ?',
        [patient!.id],
      );
      expect(audit).toEqual([{ client_id: FORWARDER_ACTOR, action: 'update' }]);
      expectNoNikLogged(21);
    });

    it('not found: failed with the fix named, and sent once SATUSEHAT knows the NIK', async () => {
      const { screening } = await finishedScreening(22, null);
      start();
      const failed = await settled(screening.id, 'failed');
      expect(failed.forwarding.outcome).toMatchObject({ code: 'PATIENT_NOT_IN_SATUSEHAT' });
      const message = (failed.forwarding.outcome as { message: string }).message;
      expect(message).toContain(`PATCH /patients/${failed.patientId}`);
      expect(message).toContain(`POST /screenings/${screening.id}/forward`);
      expect(message).not.toContain(nik(22));
      expect(encounterOf(screening.id)).toBeUndefined();

      // Registered in SATUSEHAT meanwhile (at a Puskesmas, say); the clinic queues it again.
      fake.addPatient(person(22, 'P02428473601'));
      await store.requeueForwarding(screening.id, new Date().toISOString());
      forwarder!.kick();
      await settled(screening.id, 'sent');
      expect((await store.getPatient(failed.patientId, EVERY_CLINIC))?.ihsNumber).toBe('P02428473601');
      expectNoNikLogged(22);
    });

    it('two people under one NIK: nothing guessed, nothing sent', async () => {
      fake.addPatient(person(23, 'P03647103112'));
      fake.addPatient(person(23, 'P01058967035'));
      const { screening } = await finishedScreening(23, null);
      start();
      const failed = await settled(screening.id, 'failed');
      expect(failed.forwarding.outcome).toMatchObject({ code: 'PATIENT_AMBIGUOUS_IN_SATUSEHAT' });
      expect((await store.getPatient(failed.patientId, EVERY_CLINIC))?.ihsNumber).toBeNull();
      expect(encounterOf(screening.id)).toBeUndefined();
    });

    it('SATUSEHAT down during the look-up: retried like a send, and the NIK stays out of the record', async () => {
      fake.addPatient(person(24, 'P01836748436'));
      const { screening } = await finishedScreening(24, null);
      fake.failNext(1, 503, 'Gateway Timeout');
      start();
      const retried = await waitFor(
        async () => {
          const s = await store.getScreening(screening.id, EVERY_CLINIC);
          return s?.forwarding.httpStatus === 503 ? s : undefined;
        },
        { what: 'the failed look-up recorded' },
      );
      expect(JSON.stringify(retried.forwarding)).not.toContain(nik(24));
      const sent = await settled(screening.id, 'sent');
      expect(sent.forwarding.attempts).toBe(2);
      expectNoNikLogged(24);
      expect(logged.join('\n')).toContain('GET /Patient');
    });

    it('a number the clinic set while SATUSEHAT was asked wins over the one found', async () => {
      fake.addPatient(person(25, 'P01654557057'));
      const { screening } = await finishedScreening(25, null);
      // The health worker's PATCH lands between SATUSEHAT's answer and the forwarder's write.
      const racing = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'adoptIhsNumber') return Reflect.get(target, key, receiver);
          return async (id: string, n: string, found: string) => {
            await target.updatePatient(id, { ihsNumber: 'P00805884304' }, EVERY_CLINIC);
            return target.adoptIhsNumber(id, n, found);
          };
        },
      });
      start({}, fake, racing);
      await settled(screening.id, 'sent');
      expect(encounterOf(screening.id)?.resource['subject']).toMatchObject({
        reference: 'Patient/P00805884304',
      });
    });

    it('off by configuration: no look-up, FHIR_NOT_READY as before', async () => {
      fake.addPatient(person(26, 'P00883356749'));
      const { screening } = await finishedScreening(26, null);
      const before = patientSearches().length;
      start({ lookUpIhsNumbers: false });
      const failed = await settled(screening.id, 'failed');
      expect(failed.forwarding.outcome).toMatchObject({ code: 'FHIR_NOT_READY' });
      expect(patientSearches().length).toBe(before);
    });
  });

  describe('the health worker a screening names', () => {
    const DEFAULT = 'Practitioner/10009880728';
    const practitionerSearches = () =>
      fake.requests.filter((q) => q.startsWith('GET /fhir-r4/v1/Practitioner?'));
    const encounterOf = (screeningId: string) =>
      fake
        .resources('Encounter')
        .find((e) => (e.resource['identifier'] as { value: string }[]).some((i) => i.value === screeningId));
    const observationsOf = (readings: { id: string }[]) =>
      fake
        .resources('Observation')
        .filter((o) =>
          (o.resource['identifier'] as { value: string }[]).some((i) =>
            readings.some((r) => i.value.startsWith(`${r.id}.`)),
          ),
        );
    const participantOf = (screeningId: string) => {
      const participants = encounterOf(screeningId)?.resource['participant'] as
        | { individual: { reference: string } }[]
        | undefined;
      return participants?.[0]?.individual.reference;
    };
    /** A health worker of clinic-1 registered with only the NIK they know. */
    const registerByNik = (n: number) =>
      store.createPractitioner(
        { clinicId: 'clinic-1', name: `Bidan Sari ${n}`, nik: nik(n) },
        newUuidV7(),
        new Date().toISOString(),
      );

    it('is found in SATUSEHAT by NIK, kept on the record (audited), asked for once, and named as participant and performer', async () => {
      fake.addPractitioner({ nik: nik(41), ihsNumber: '10018180913', name: 'Bidan Sari 41' });
      const sari = await registerByNik(41);
      const first = await finishedScreening(41, 'P04112345678', true, sari.id);
      const unnamed = await finishedScreening(42);
      const before = practitionerSearches().length;
      start();
      await settled(first.screening.id, 'sent');
      expect(participantOf(first.screening.id)).toBe('Practitioner/10018180913');
      const performers = observationsOf(first.readings).map((o) => o.resource['performer']);
      expect(performers).toHaveLength(4);
      for (const p of performers) expect(p).toEqual([{ reference: 'Practitioner/10018180913' }]);
      const searched = practitionerSearches().slice(before);
      expect(searched).toHaveLength(1);
      expect(new URL(searched[0]!.slice('GET '.length), 'http://x').searchParams.get('identifier')).toBe(
        `https://fhir.kemkes.go.id/id/nik|${nik(41)}`,
      );
      expect(await store.getPractitioner(sari.id, EVERY_CLINIC)).toMatchObject({
        nik: nik(41),
        ihsNumber: '10018180913',
      });
      const db = (store as unknown as { db: { all<T>(sql: string, p: unknown[]): Promise<T[]> } }).db;
      const audit = await db.all<{ client_id: string; action: string; resource_type: string }>(
        'SELECT client_id, action, resource_type, patient_id FROM audit_log WHERE resource_id = ?',
        [sari.id],
      );
      expect(audit).toEqual([
        { client_id: FORWARDER_ACTOR, action: 'update', resource_type: 'practitioner', patient_id: null },
      ]);

      // A screening that names nobody still goes out under the server's default practitioner.
      await settled(unnamed.screening.id, 'sent');
      expect(participantOf(unnamed.screening.id)).toBe(DEFAULT);

      const second = await finishedScreening(43, 'P04312345678', true, sari.id);
      forwarder!.kick();
      await settled(second.screening.id, 'sent');
      expect(participantOf(second.screening.id)).toBe('Practitioner/10018180913');
      expect(practitionerSearches().length - before).toBe(1);
      expect(logged.join('\n')).not.toContain(nik(41));
    });

    it('not found: failed with the fix named, not sent under the default, and sent once the clinic sets the number', async () => {
      const ani = await registerByNik(44);
      const { screening } = await finishedScreening(44, 'P04412345678', true, ani.id);
      start();
      const failed = await settled(screening.id, 'failed');
      expect(failed.forwarding.outcome).toMatchObject({
        code: 'PRACTITIONER_NOT_IN_SATUSEHAT',
        message: expect.stringContaining(`PATCH /practitioners/${ani.id}`),
      });
      const message = (failed.forwarding.outcome as { message: string }).message;
      expect(message).toContain(`POST /screenings/${screening.id}/forward`);
      expect(message).not.toContain(nik(44));
      expect(encounterOf(screening.id)).toBeUndefined();
      expect((await store.getPractitioner(ani.id, EVERY_CLINIC))?.ihsNumber).toBeNull();
      expect(logged.join('\n')).not.toContain(nik(44));

      // What the clinic does next: PATCH /practitioners/{id} with the number, then POST /screenings/{id}/forward.
      await store.updatePractitioner(
        ani.id,
        { ihsNumber: '10002074224' },
        new Date().toISOString(),
        EVERY_CLINIC,
      );
      const searches = practitionerSearches().length;
      await store.requeueForwarding(screening.id, new Date().toISOString());
      forwarder!.kick();
      await settled(screening.id, 'sent');
      expect(participantOf(screening.id)).toBe('Practitioner/10002074224');
      expect(practitionerSearches().length).toBe(searches);
    });

    it('a number the clinic set while SATUSEHAT was asked wins over the one found', async () => {
      fake.addPractitioner({ nik: nik(47), ihsNumber: '10001915884' });
      const dewi = await registerByNik(47);
      const { screening } = await finishedScreening(47, 'P04712345678', true, dewi.id);
      // The administrator's PATCH lands between SATUSEHAT's answer and the forwarder's write.
      const racing = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'adoptPractitionerIhsNumber') return Reflect.get(target, key, receiver);
          return async (id: string, n: string, found: string) => {
            await target.updatePractitioner(
              id,
              { ihsNumber: '10006926841' },
              new Date().toISOString(),
              EVERY_CLINIC,
            );
            return target.adoptPractitionerIhsNumber(id, n, found);
          };
        },
      });
      start({}, fake, racing);
      await settled(screening.id, 'sent');
      expect(participantOf(screening.id)).toBe('Practitioner/10006926841');
      expect((await store.getPractitioner(dewi.id, EVERY_CLINIC))?.ihsNumber).toBe('10006926841');
    });

    it('two health workers under one NIK: nothing guessed, nothing sent', async () => {
      fake.addPractitioner({ nik: nik(45), ihsNumber: '10012572188' });
      fake.addPractitioner({ nik: nik(45), ihsNumber: '10018452434' });
      const budi = await registerByNik(45);
      const { screening } = await finishedScreening(45, 'P04512345678', true, budi.id);
      start();
      const failed = await settled(screening.id, 'failed');
      expect(failed.forwarding.outcome).toMatchObject({
        code: 'PRACTITIONER_AMBIGUOUS_IN_SATUSEHAT',
        message: expect.stringContaining('SATUSEHAT answered 2 practitioners'),
      });
      expect((await store.getPractitioner(budi.id, EVERY_CLINIC))?.ihsNumber).toBeNull();
      expect(encounterOf(screening.id)).toBeUndefined();
    });

    it('off by configuration: no look-up, FHIR_NOT_READY naming the fix, and not the default instead', async () => {
      fake.addPractitioner({ nik: nik(46), ihsNumber: '10014058550' });
      const wati = await registerByNik(46);
      const { screening } = await finishedScreening(46, 'P04612345678', true, wati.id);
      const before = practitionerSearches().length;
      start({ lookUpIhsNumbers: false });
      const failed = await settled(screening.id, 'failed');
      expect(failed.forwarding.outcome).toMatchObject({
        code: 'FHIR_NOT_READY',
        message: expect.stringContaining(`PATCH /practitioners/${wati.id} {"ihsNumber": …}`),
      });
      expect(practitionerSearches().length).toBe(before);
      expect(encounterOf(screening.id)).toBeUndefined();
    });
  });

  it('relies on conditional create where the server honours it', async () => {
    const honouring = await startSatusehatFake({
      clients: { 'kd-client': { secret: 'kd-secret', organizationId: ORG } },
      honourConditionalCreate: true,
    });
    try {
      const { screening, readings } = await finishedScreening(10);
      honouring.timeOutAfterStoringNext(1);
      start({ requestTimeoutMs: 300, checkBeforeResend: false }, honouring);
      await settled(screening.id, 'sent');
      expect(honouring.countByIdentifier(OBS_SYSTEM, `${readings[0]!.id}.systolic`)).toBe(1);
      expect(honouring.requests.some((q) => q.startsWith('GET '))).toBe(false);
    } finally {
      await honouring.close();
    }
  });

  it('fetches a new token shortly before the old one expires', async () => {
    const shortLived = await startSatusehatFake({
      clients: { 'kd-client': { secret: 'kd-secret', organizationId: ORG } },
      tokenLifetimeSeconds: 1,
    });
    try {
      const first = await finishedScreening(11);
      start({}, shortLived);
      await settled(first.screening.id, 'sent');
      expect(shortLived.tokensIssued).toBe(1);
      // Past 90 % of the token's life, the next send asks for a new one before using it.
      await new Promise((r) => setTimeout(r, 950));
      const second = await finishedScreening(12);
      forwarder!.kick();
      const sent = await settled(second.screening.id, 'sent');
      expect(sent.forwarding.attempts).toBe(1);
      // A new token, and never a request with an expired one.
      expect(shortLived.tokensIssued).toBe(2);
      expect(shortLived.unauthorized).toBe(0);
    } finally {
      await shortLived.close();
    }
  });
});

describe('the SATUSEHAT-like endpoint is as strict as the real one', () => {
  async function token(): Promise<string> {
    const r = await fetch(`${fake.authBaseUrl}/accesstoken?grant_type=client_credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_id=kd-client&client_secret=kd-secret',
    });
    const body = (await r.json()) as { access_token: string; expires_in: unknown; token_type: string };
    expect(typeof body.expires_in).toBe('string');
    expect(body.token_type).toBe('BearerToken');
    return body.access_token;
  }

  async function post(bundle: unknown, bearer?: string) {
    const r = await fetch(fake.fhirBaseUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/fhir+json',
        authorization: `Bearer ${bearer ?? (await token())}`,
      },
      body: JSON.stringify(bundle),
    });
    return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
  }

  it('answers a Bundle that breaks the FHIR R4 schema with 400 and an OperationOutcome', async () => {
    const r = await post({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:1',
          resource: { resourceType: 'Observation', status: 'done', code: { text: 'x' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'structure' }],
    });
  });

  it('refuses unknown tokens with 401, and sends 5xx as plain text', async () => {
    expect((await post({ resourceType: 'Bundle', type: 'transaction', entry: [] }, 'nope')).status).toBe(401);
    fake.failNext(1, 504, 'Gateway Timeout');
    const r = await post({ resourceType: 'Bundle', type: 'transaction', entry: [] });
    expect(r).toMatchObject({ status: 504, type: 'text/plain', body: 'Gateway Timeout' });
  });
});
