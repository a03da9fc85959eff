import { zoneSpec } from '@klinik-desa/screening';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ClinicRequestError, clinicClient } from './clinic-client.js';
import { ClinicPatients } from './clinic-patients.js';
import { unreachableClinic } from './test-configs.js';

const log = pino({ level: 'silent' });
const zone = zoneSpec({});

async function failure(promise: Promise<unknown>): Promise<ClinicRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClinicRequestError);
  return error as ClinicRequestError;
}

describe('ClinicPatients', () => {
  const patients = new ClinicPatients(clinicClient(unreachableClinic), zone, log);

  it('names the field a health worker typed wrong, before asking the clinic', async () => {
    expect(await failure(patients.search({ nik: '32010141' }))).toMatchObject({
      status: 400,
      code: 'BAD_PATIENT',
      message: expect.stringMatching(/^nik: /),
    });
    expect(await failure(patients.search({ name: 'Siti', birthDate: '12-04-1979' }))).toMatchObject({
      code: 'BAD_PATIENT',
      message: expect.stringMatching(/^birthDate: /),
    });
    expect(await failure(patients.register({ name: 'Siti', birthDate: '1979-04-12' }))).toMatchObject({
      code: 'BAD_PATIENT',
      message: expect.stringMatching(/^sex: /),
    });
  });

  it('names what is wrong by a code the kiosk page has words for', async () => {
    const problem = async (promise: Promise<unknown>) => (await failure(promise)).details;
    expect(await problem(patients.search({ nik: '32010141' }))).toEqual({
      field: 'nik',
      problem: 'NIK_NOT_16_DIGITS',
    });
    expect(await problem(patients.search({ nik: '9901015708900002' }))).toMatchObject({
      problem: 'NIK_PROVINCE',
    });
    // The day + 40 of a woman's NIK is a date; 72 (32 + 40) is not.
    expect(await problem(patients.search({ nik: '3201017208900002' }))).toMatchObject({
      problem: 'NIK_BIRTH_DATE',
    });
    expect(await problem(patients.search({ nik: 3201015708900002 }))).toMatchObject({
      problem: 'NIK_NOT_16_DIGITS',
    });
    expect(await problem(patients.search({ name: 'Si', birthDate: '1979-04-12' }))).toEqual({
      field: 'name',
      problem: 'SEARCH_NAME_TOO_SHORT',
    });
    expect(
      await problem(patients.register({ name: '', birthDate: '1979-04-12', sex: 'female' })),
    ).toMatchObject({
      problem: 'NAME_INVALID',
    });
    expect(await problem(patients.search({ name: 'Siti', birthDate: '12-04-1979' }))).toMatchObject({
      problem: 'BIRTH_DATE_INVALID',
    });
    expect(await problem(patients.register({ name: 'Siti', birthDate: '1979-04-12' }))).toMatchObject({
      problem: 'SEX_INVALID',
    });
  });

  it('says the clinic cannot be reached, and what to do meanwhile', async () => {
    const error = await failure(patients.search({ nik: '3201014102950003' }));
    expect(error).toMatchObject({ status: 503, code: 'CLINIC_UNREACHABLE' });
    expect(error.message).toMatch(/measure anyway/);
  });

  it('says so when the kiosk has no clinic API at all', async () => {
    const none = new ClinicPatients(undefined, zone, log);
    expect(await failure(none.get('pat-1'))).toMatchObject({ status: 503, code: 'NO_CLINIC_API' });
  });
});
