import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, Scope, TokenRequest } from './auth.js';
import { ApiError, Page, PageQuery } from './common.js';
import { Nik, nikProblem } from './nik.js';
import { Patient, PatientCreate, PatientSearch } from './patient.js';
import {
  PractitionerCreate,
  PractitionerListQuery,
  PractitionerPage,
  PractitionerUpdate,
} from './practitioner.js';
import { ScreeningCreate } from './screening.js';

describe('NIK', () => {
  it('accepts the structure of a NIK, women with day + 40 too', () => {
    expect(nikProblem('3201011205800001')).toBeUndefined();
    expect(nikProblem('3201015205800001')).toBeUndefined();
    expect(Nik.safeParse('3201015205800001').success).toBe(true);
  });

  it.each([
    ['320101120580000', 'exactly 16 digits'],
    ['32010112058000a1', 'exactly 16 digits'],
    ['0901011205800001', 'province code'],
    ['3200011205800001', 'regency'],
    ['3201001205800001', 'district'],
    ['3201013205800001', 'birth date'],
    ['3201011213800001', 'birth date'],
    ['3201011205800000', 'serial'],
  ])('refuses %s (%s)', (nik, why) => {
    expect(nikProblem(nik)).toContain(why);
    expect(Nik.safeParse(nik).success).toBe(false);
  });
});

describe('API schemas', () => {
  it('keep a patient strict, and search either by NIK or by name and birth date', () => {
    expect(
      PatientCreate.safeParse({
        name: 'Ani',
        birthDate: '1980-05-12',
        sex: 'female',
        nik: '3201015205800001',
      }).success,
    ).toBe(true);
    expect(
      PatientCreate.safeParse({ name: 'Ani', birthDate: '1980-05-12', sex: 'female', extra: 1 }).success,
    ).toBe(false);
    expect(PatientCreate.safeParse({ name: ' ', birthDate: '1980-05-12', sex: 'female' }).success).toBe(
      false,
    );
    expect(PatientSearch.safeParse({ nik: '3201015205800001' }).success).toBe(true);
    expect(PatientSearch.safeParse({ name: 'Ani', birthDate: '1980-05-12' }).success).toBe(true);
    expect(PatientSearch.safeParse({ name: 'Ani' }).success).toBe(false);
  });

  it('register a health worker by NIK or IHS number, and say why one of them is needed', () => {
    const base = { clinicId: 'kdmp-3201-001', name: ' Bidan Sari ' };
    expect(PractitionerCreate.parse({ ...base, nik: '3201015205800001' }).name).toBe('Bidan Sari');
    expect(PractitionerCreate.safeParse({ ...base, ihsNumber: '10009880728' }).success).toBe(true);
    const neither = PractitionerCreate.safeParse(base);
    expect(neither.error?.issues.map((i) => i.message)).toEqual([
      "give the health worker's NIK (the clinic then finds their IHS number in SATUSEHAT) or their IHS number",
    ]);
    expect(PractitionerCreate.safeParse({ ...base, nik: '3201015205800000' }).success).toBe(false);
    expect(PractitionerCreate.safeParse({ ...base, ihsNumber: 'N1', active: true }).success).toBe(false);
    expect(PractitionerUpdate.safeParse({ nik: null, active: false }).success).toBe(true);
    expect(PractitionerUpdate.safeParse({}).success).toBe(false);
    expect(PractitionerUpdate.safeParse({ clinicId: 'other' }).success).toBe(false);
    expect(PractitionerPage.safeParse({ data: [], nextCursor: null }).success).toBe(true);
  });

  it('read `active` of a practitioner list as the word it is in a URL', () => {
    expect(PractitionerListQuery.parse({ active: 'false' })).toEqual({ active: false });
    expect(PractitionerListQuery.parse({ active: 'true', clinicId: 'c-1' })).toEqual({
      active: true,
      clinicId: 'c-1',
    });
    expect(PractitionerListQuery.safeParse({ active: 'yes' }).success).toBe(false);
  });

  it('open a screening naming its health worker inline or by id, not both', () => {
    const base = {
      patientId: '01a20650-802b-7611-80f8-96a42a6e0407',
      clinicId: 'kdmp-3201-001',
      kioskId: 'kiosk-1',
    };
    const practitionerId = '01a20650-802b-7611-80f8-96a42a6e0408';
    expect(ScreeningCreate.safeParse({ ...base, practitionerId }).success).toBe(true);
    expect(ScreeningCreate.safeParse({ ...base, practitioner: { ihsNumber: 'N1' } }).success).toBe(true);
    const both = ScreeningCreate.safeParse({ ...base, practitionerId, practitioner: { ihsNumber: 'N1' } });
    expect(both.error?.issues.map((i) => i.message)).toEqual([
      "give the health worker either inline (practitioner) or by the clinic's id (practitionerId), not both",
    ]);
  });

  it('page lists with data and nextCursor, and bound the page size', () => {
    const PatientPage = Page(Patient, 'PatientTest');
    expect(PatientPage.safeParse({ data: [], nextCursor: null }).success).toBe(true);
    expect(PageQuery.parse({})).toEqual({ limit: 50 });
    expect(PageQuery.parse({ limit: '20' })).toEqual({ limit: 20 });
    expect(PageQuery.safeParse({ limit: '501' }).success).toBe(false);
    expect(PageQuery.safeParse({ cursor: 'a/b' }).success).toBe(false);
  });

  it('give errors one shape with a stable code', () => {
    expect(ApiError.safeParse({ code: 'NOT_FOUND', message: 'no', requestId: 'r' }).success).toBe(true);
    expect(ApiError.safeParse({ code: 'not found', message: 'no', requestId: 'r' }).success).toBe(false);
  });

  it('let each role hold only known scopes, admins all of them', () => {
    for (const scopes of Object.values(ROLE_SCOPES))
      for (const s of scopes) expect(Scope.options).toContain(s);
    expect(ROLE_SCOPES.admin).toEqual(Scope.options);
    expect(ROLE_SCOPES.kiosk).not.toContain('kiosk.admin');
    // A kiosk lists the clinic's health workers for its page; registering them is the clinic's.
    expect(ROLE_SCOPES.kiosk).toContain('practitioner.read');
    expect(ROLE_SCOPES.kiosk).not.toContain('practitioner.write');
    expect(ROLE_SCOPES.partner).toEqual(expect.arrayContaining(['practitioner.read', 'practitioner.write']));
    expect(
      TokenRequest.safeParse({ grant_type: 'password', client_id: 'a', client_secret: 'b' }).success,
    ).toBe(false);
  });
});
