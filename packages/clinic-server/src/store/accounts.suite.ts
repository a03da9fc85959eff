import { expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import type { SqlClinicStore } from './sql-store.js';

const AT = '2026-12-07T02:00:00.000Z';
const LATER = '2026-12-07T03:00:00.000Z';

/**
 * The clinics, puskesmas, accounts and sessions part of the record contract. Called inside
 * `describeStoreContract`, so it runs against SQLite and PostgreSQL alike; its rows are its own.
 */
export function clinicsAndAccountsContract(store: () => SqlClinicStore) {
  it('keeps clinics and the puskesmas that supervise them, seen only by those who reach them', async () => {
    const s = store();
    await s.createPuskesmas({ id: 'pkm-ca', name: 'Puskesmas A', clinicIds: [] }, AT);
    await s.createClinic(
      { id: 'clinic-ca1', name: 'Klinik 1', village: 'Desa 1', puskesmasId: 'pkm-ca' },
      AT,
    );
    await s.createClinic(
      {
        id: 'clinic-ca2',
        name: 'Klinik 2',
        organizationId: '100012345',
        location: { id: 'loc-1', display: 'Ruang 1' },
      },
      AT,
    );
    expect(await s.clinicsOfPuskesmas('pkm-ca')).toEqual(['clinic-ca1']);
    await expect(s.createClinic({ id: 'clinic-ca1', name: 'again' }, AT)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      s.createClinic({ id: 'clinic-ca3', name: 'K', puskesmasId: 'pkm-none' }, AT),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    const moved = await s.updatePuskesmas('pkm-ca', { clinicIds: ['clinic-ca2'] }, LATER);
    expect(moved).toMatchObject({ id: 'pkm-ca', clinicIds: ['clinic-ca2'], updatedAt: LATER });
    expect(await s.getClinic('clinic-ca1', EVERY_CLINIC)).toMatchObject({
      puskesmasId: null,
      updatedAt: LATER,
    });
    await expect(s.updatePuskesmas('pkm-ca', { clinicIds: ['clinic-nope'] }, LATER)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    // The refused change left the list as it was.
    expect(await s.clinicsOfPuskesmas('pkm-ca')).toEqual(['clinic-ca2']);

    const viaPuskesmas = { all: false as const, clinicIds: ['clinic-ca2'], puskesmasId: 'pkm-ca' };
    const other = { all: false as const, clinicIds: ['clinic-ca1'] };
    expect(await s.getClinic('clinic-ca2', other)).toBeUndefined();
    expect(await s.getClinic('clinic-ca2', viaPuskesmas)).toMatchObject({
      organizationId: '100012345',
      location: { id: 'loc-1', display: 'Ruang 1' },
    });
    expect(await s.getPuskesmas('pkm-ca', other)).toBeUndefined();
    expect((await s.listPuskesmas({ limit: 10 }, viaPuskesmas)).data.map((p) => p.id)).toEqual(['pkm-ca']);
    expect(
      (await s.listClinics({ puskesmasId: 'pkm-ca' }, { limit: 10 }, EVERY_CLINIC)).data.map((c) => c.id),
    ).toEqual(['clinic-ca2']);
    const cleared = await s.updateClinic('clinic-ca2', { location: null, village: 'Desa 2' }, LATER);
    expect(cleared).toMatchObject({ location: null, village: 'Desa 2', organizationId: '100012345' });
  });

  it('keeps accounts and sessions, a session found only while both of its ends are ahead', async () => {
    const s = store();
    await s.createAccount({
      username: 'ca-siti',
      displayName: 'Siti',
      role: 'puskesmas-staff',
      access: { all: false, clinicIds: [], puskesmasId: 'pkm-ca' },
      passwordHash: 'scrypt$hash',
      createdAt: AT,
    });
    await expect(
      s.createAccount({
        username: 'ca-siti',
        displayName: 'Other',
        role: 'operator',
        access: EVERY_CLINIC,
        passwordHash: 'x',
        createdAt: AT,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await s.getAccount('ca-siti')).toMatchObject({
      role: 'puskesmas-staff',
      access: { puskesmasId: 'pkm-ca' },
    });
    const listed = await s.listAccounts({ limit: 10 }, { all: false, clinicIds: [], puskesmasId: 'pkm-ca' });
    expect(listed.data).toEqual([
      {
        username: 'ca-siti',
        displayName: 'Siti',
        role: 'puskesmas-staff',
        clinics: { puskesmasId: 'pkm-ca' },
        createdAt: AT,
        disabledAt: null,
      },
    ]);

    await s.saveSession('hash-ca', 'ca-siti', AT, '2026-12-07T02:30:00.000Z', '2026-12-07T14:00:00.000Z');
    expect(await s.findSession('hash-ca', '2026-12-07T02:29:59.000Z')).toMatchObject({
      account: { username: 'ca-siti' },
      expiresAt: '2026-12-07T14:00:00.000Z',
    });
    expect(await s.findSession('hash-ca', '2026-12-07T02:30:00.000Z')).toBeUndefined();
    await s.touchSession('hash-ca', '2026-12-07T15:00:00.000Z');
    expect(await s.findSession('hash-ca', '2026-12-07T13:59:59.000Z')).toBeDefined();
    expect(await s.findSession('hash-ca', '2026-12-07T14:00:00.000Z')).toBeUndefined();
    await s.endSession('hash-ca');
    expect(await s.findSession('hash-ca', AT)).toBeUndefined();
  });
}
