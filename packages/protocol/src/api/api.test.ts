import { describe, expect, it } from 'vitest';
import { ROLE_SCOPES, Scope, TokenRequest } from './auth.js';
import { ApiError, Page, PageQuery } from './common.js';
import { Nik, nikProblem } from './nik.js';
import { Patient, PatientCreate, PatientSearch } from './patient.js';

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
    expect(
      TokenRequest.safeParse({ grant_type: 'password', client_id: 'a', client_secret: 'b' }).success,
    ).toBe(false);
  });
});
