// Type tests of the public API. They are checked by `tsc -p packages/sdk/tsconfig.json` (the
// package's typecheck, which `pnpm test` runs): each `expectTypeOf` that does not hold, and each
// `@ts-expect-error` line that compiles, is a type error there. Nothing here runs.
import { describe, expectTypeOf, it } from 'vitest';
import {
  APIConnectionTimeoutError,
  type APIError,
  type ApiErrorCode,
  type ClientOptions,
  ClinicClient,
  type CursorPage,
  type FhirBundle,
  type Kiosk,
  type KioskCredentials,
  KlinikDesaError,
  type ManualReadingCreated,
  NotFoundError,
  type Observation,
  type ObservationCreateParams,
  type PagedList,
  type Patient,
  type PatientSearchParams,
  type PractitionerCreateParams,
  type PractitionerListParams,
  type PractitionerRecord,
  type PractitionerUpdateParams,
  type RateLimitError,
  type Referral,
  type RequestOptions,
  type ResponseValidator,
  type Screening,
  type ScreeningDetail,
  type UnassignedReading,
} from './index.js';
import { ClinicClient as LiteClinicClient } from './lite.js';
import { protocolValidator } from './validate.js';

declare const client: ClinicClient;

describe('construction', () => {
  it('needs a base URL and client credentials; the rest is optional', () => {
    expectTypeOf<ClientOptions>().toHaveProperty('baseUrl').toEqualTypeOf<string>();
    // @ts-expect-error clientSecret is required
    new ClinicClient({ baseUrl: 'http://x', clientId: 'a' });
    new ClinicClient({
      baseUrl: 'http://x',
      clientId: 'a',
      clientSecret: 'b',
      scope: ['patient.read', 'referral.read'],
      timeout: 10_000,
      maxRetries: 0,
      validate: false,
      fetch: (url, init) => fetch(url, init),
    });
    // @ts-expect-error not a scope the API knows
    new ClinicClient({ baseUrl: 'http://x', clientId: 'a', clientSecret: 'b', scope: ['patient.delete'] });
  });

  it('the lite client takes the protocol validator, and the full one is a lite one', () => {
    expectTypeOf(protocolValidator).toEqualTypeOf<ResponseValidator>();
    new LiteClinicClient({
      baseUrl: 'http://x',
      clientId: 'a',
      clientSecret: 'b',
      validate: protocolValidator,
    });
    expectTypeOf<ClinicClient>().toExtend<LiteClinicClient>();
  });
});

describe('resources', () => {
  it('return the protocol types', () => {
    expectTypeOf(client.patients.retrieve('id')).toEqualTypeOf<Promise<Patient>>();
    expectTypeOf(client.patients.findByNik('3201015708900002')).toEqualTypeOf<Promise<Patient | null>>();
    expectTypeOf(client.screenings.retrieve('id')).toEqualTypeOf<Promise<ScreeningDetail>>();
    expectTypeOf(client.screenings.finish('id')).toEqualTypeOf<Promise<Screening>>();
    expectTypeOf(client.screenings.fhirBundle('id')).toEqualTypeOf<Promise<FhirBundle>>();
    expectTypeOf(client.observations.create).returns.toEqualTypeOf<Promise<ManualReadingCreated>>();
    expectTypeOf(client.unassignedReadings.assign).returns.toEqualTypeOf<Promise<UnassignedReading>>();
    expectTypeOf(client.referrals.acknowledge('id')).toEqualTypeOf<Promise<Referral>>();
    expectTypeOf(client.kiosks.retrieve('c', 'k')).toEqualTypeOf<Promise<Kiosk>>();
    expectTypeOf(client.kiosks.rotateCredentials('c', 'k')).toEqualTypeOf<Promise<KioskCredentials>>();
    expectTypeOf<Patient['sex']>().toEqualTypeOf<'male' | 'female'>();
    expectTypeOf<Screening['forwarding']['status']>().toEqualTypeOf<
      'not-sent' | 'pending' | 'sent' | 'failed'
    >();
  });

  it('lists are paged lists of their items, iterable with for await', async () => {
    const list = client.observations.list({ kind: 'glucose' });
    expectTypeOf(list).toEqualTypeOf<PagedList<Observation>>();
    expectTypeOf(list.firstPage()).toEqualTypeOf<Promise<CursorPage<Observation>>>();
    const page = await list.firstPage();
    expectTypeOf(page.data).toEqualTypeOf<Observation[]>();
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>();
    expectTypeOf(page.nextPage()).toEqualTypeOf<Promise<CursorPage<Observation> | null>>();
    for await (const referral of client.referrals.list({ status: 'open' })) {
      expectTypeOf(referral).toEqualTypeOf<Referral>();
    }
    expectTypeOf(client.kiosks.list().toArray()).toEqualTypeOf<Promise<Kiosk[]>>();
  });

  it('check their arguments', () => {
    client.patients.create({ name: 'Siti', birthDate: '1990-08-17', sex: 'female' });
    // @ts-expect-error sex is 'male' or 'female'
    client.patients.create({ name: 'Siti', birthDate: '1990-08-17', sex: 'f' });
    // @ts-expect-error name is required
    client.patients.create({ birthDate: '1990-08-17', sex: 'female' });
    // @ts-expect-error no such field: the API refuses unknown fields
    client.patients.create({ name: 'Siti', birthDate: '1990-08-17', sex: 'female', phone: '0812' });
    // @ts-expect-error a filter the API does not have
    client.referrals.list({ status: 'closed' });
    // @ts-expect-error a list limit is a number
    client.referrals.list({ limit: '10' });
    // @ts-expect-error the reason is required to discard a reading
    client.unassignedReadings.discard('id', {});
  });

  it("register, list and change the clinic's health workers", () => {
    expectTypeOf(client.practitioners.create).parameter(0).toEqualTypeOf<PractitionerCreateParams>();
    expectTypeOf(client.practitioners.create).returns.toEqualTypeOf<Promise<PractitionerRecord>>();
    expectTypeOf(client.practitioners.retrieve('id')).toEqualTypeOf<Promise<PractitionerRecord>>();
    expectTypeOf(client.practitioners.update).parameter(1).toEqualTypeOf<PractitionerUpdateParams>();
    expectTypeOf(client.practitioners.update).returns.toEqualTypeOf<Promise<PractitionerRecord>>();
    expectTypeOf(client.practitioners.list({ clinicId: 'c', active: true })).toEqualTypeOf<
      PagedList<PractitionerRecord>
    >();
    expectTypeOf<PractitionerListParams['active']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<PractitionerRecord['ihsNumber']>().toEqualTypeOf<string | null>();
    expectTypeOf<Screening['practitionerId']>().toEqualTypeOf<string | null>();
    client.practitioners.create({ clinicId: 'c', name: 'Bidan Sari', nik: '3201015708900002' });
    client.practitioners.update('id', { active: false });
    client.practitioners.update('id', { nik: null, ihsNumber: '10009880728' });
    client.screenings.create({ patientId: 'p', clinicId: 'c', kioskId: 'k', practitionerId: 'id' });
    // @ts-expect-error a health worker belongs to a clinic
    client.practitioners.create({ name: 'Bidan Sari', nik: '3201015708900002' });
    // @ts-expect-error `active` is a boolean; the SDK writes the word in the URL
    client.practitioners.list({ active: 'true' });
    // @ts-expect-error a health worker's clinic is not changed, they are registered at the other
    client.practitioners.update('id', { clinicId: 'other' });
  });

  it('search by NIK or by name and birth date, not a mix of halves', () => {
    expectTypeOf<{ nik: string }>().toExtend<PatientSearchParams>();
    expectTypeOf<{ name: string; birthDate: string; limit: number }>().toExtend<PatientSearchParams>();
    expectTypeOf<{ name: string }>().not.toExtend<PatientSearchParams>();
  });

  it('a manual reading may leave out its flags (the server defaults them)', () => {
    expectTypeOf<ObservationCreateParams['flags']>().toEqualTypeOf<
      ManualReadingCreated['observations'][number]['flags'] | undefined
    >();
  });

  it('every method takes request options', () => {
    const options: RequestOptions = {
      timeout: 5_000,
      maxRetries: 1,
      signal: AbortSignal.timeout(1_000),
      headers: { 'x-trace': '1' },
      idempotencyKey: 'reading-1',
    };
    client.patients.retrieve('id', options);
    client.observations.list({}, options);
    client.screenings.forward('id', options);
    // @ts-expect-error not an option
    client.patients.retrieve('id', { retries: 3 });
  });
});

describe('errors', () => {
  it('carry status, code, requestId and headers; codes are the API codes', () => {
    expectTypeOf<APIError['status']>().toEqualTypeOf<number>();
    expectTypeOf<APIError['requestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<APIError['headers']>().toEqualTypeOf<Headers>();
    expectTypeOf<'PATIENT_EXISTS'>().toExtend<APIError['code']>();
    expectTypeOf<ApiErrorCode>().toExtend<APIError['code']>();
    expectTypeOf<RateLimitError['retryAfterMs']>().toEqualTypeOf<number | undefined>();
  });

  it('narrow with is() and instanceof', () => {
    const error: unknown = undefined;
    if (NotFoundError.is(error)) expectTypeOf(error).toEqualTypeOf<NotFoundError>();
    if (error instanceof APIConnectionTimeoutError) expectTypeOf(error.code).toBeString();
    if (KlinikDesaError.is(error)) expectTypeOf(error.retryable).toEqualTypeOf<boolean>();
    expectTypeOf<NotFoundError>().toExtend<APIError>();
    expectTypeOf<APIError>().toExtend<KlinikDesaError>();
  });
});
