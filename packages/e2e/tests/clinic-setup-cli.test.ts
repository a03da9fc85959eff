// The first set-up of a clinic server from its shell: clinics, a puskesmas and a person's account
// made with the CLI, then the person signs in over HTTP to a real server on that record and sees
// their puskesmas's clinics. Bad input is named by its flag, in one line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTestClient, clinicServerCli, startClinicServerProcess } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';

describe('clinic-server clinic, puskesmas and account', () => {
  it('set up clinics, a puskesmas and an account that then signs in', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'kd-setup-cli-')), 'clinic.db');
    const ok = (args: string[], env = {}) => {
      const r = clinicServerCli(args, env);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    for (const id of ['clinic-1', 'clinic-2']) {
      ok(['clinic', 'create', '--db', db, '--id', id, '--name', `Klinik ${id}`, '--village', 'Cibadak']);
    }
    expect(
      ok([
        'clinic',
        'create',
        '--db',
        db,
        '--id',
        'clinic-3',
        '--name',
        'Klinik 3',
        '--organization',
        '100012345',
        '--location-id',
        'loc-3',
        '--location-name',
        'Ruang Skrining',
      ]),
    ).toMatchObject({ organizationId: '100012345', location: { id: 'loc-3', display: 'Ruang Skrining' } });
    expect(
      ok([
        'puskesmas',
        'create',
        '--db',
        db,
        '--id',
        'pkm-1',
        '--name',
        'Puskesmas Cibadak',
        '--clinic',
        'clinic-1',
        '--clinic',
        'clinic-2',
      ]),
    ).toMatchObject({ clinicIds: ['clinic-1', 'clinic-2'] });
    const made = ok(
      [
        'account',
        'create',
        '--db',
        db,
        '--username',
        'bidan.sari',
        '--name',
        'Bidan Sari',
        '--role',
        'puskesmas-staff',
        '--puskesmas',
        'pkm-1',
      ],
      { ACCOUNT_PASSWORD: 'sandi-bidan-sari-2026' },
    );
    expect(made).toEqual({
      username: 'bidan.sari',
      displayName: 'Bidan Sari',
      role: 'puskesmas-staff',
      clinics: { puskesmasId: 'pkm-1' },
      createdAt: expect.any(String),
    });

    const bad = [
      [['clinic', 'create', '--db', db, '--id', 'bad id', '--name', 'X'], {}, /^clinic-server: --id: /],
      [
        ['puskesmas', 'create', '--db', db, '--id', 'pkm-2', '--name', 'P', '--clinic', 'clinic-9'],
        {},
        /no clinic clinic-9: register it first/,
      ],
      [
        [
          'account',
          'create',
          '--db',
          db,
          '--username',
          'ani',
          '--name',
          'Ani',
          '--role',
          'clinic-staff',
          '--clinic',
          'clinic-1',
        ],
        {},
        /set ACCOUNT_PASSWORD/,
      ],
      [
        [
          'account',
          'create',
          '--db',
          db,
          '--username',
          'ani',
          '--name',
          'Ani',
          '--role',
          'clinic-staff',
          '--clinic',
          'clinic-1',
        ],
        { ACCOUNT_PASSWORD: 'short' },
        /^clinic-server: ACCOUNT_PASSWORD: use at least 12 characters/,
      ],
      [
        [
          'account',
          'create',
          '--db',
          db,
          '--username',
          'ani',
          '--name',
          'Ani',
          '--role',
          'nurse',
          '--all-clinics',
        ],
        { ACCOUNT_PASSWORD: 'long-enough-password' },
        /^clinic-server: --role: /,
      ],
    ] as const;
    for (const [args, env, message] of bad) {
      const r = clinicServerCli([...args], env);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0]).toMatch(message);
    }

    const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
    try {
      const person = await ApiTestClient.signInPerson(server.httpUrl, 'bidan.sari', 'sandi-bidan-sari-2026');
      const clinics = await person.request<{ data: { id: string }[] }>('GET', '/clinics');
      expect(clinics.body.data.map((c) => c.id)).toEqual(['clinic-1', 'clinic-2']);
    } finally {
      await server.stop();
    }
  });
});
