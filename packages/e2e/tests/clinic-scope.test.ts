// Issue #24, finding 2: every operation of the clinic API, as its OpenAPI document lists it, called
// by a kiosk, a partner and an administrator of clinic A with clinic B's resource ids. Each must be
// refused (403 or 404), or, for a list or a search that names no foreign id, answer without any of
// B's data. The same request by B's own administrator must reach the resource (not 401/403/404), so
// a refusal is the clinic rule at work and not a request the test got wrong. Real processes: the
// clinic server with its embedded broker and SQLite, kiosk B publishing over MQTT.
import type { KioskCredentials } from '@klinik-desa/protocol';
import { ApiTestClient, type ClinicServerProcess } from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAsKiosk, startClinicProcess } from '../src/clinic-process.js';
import { weightReading } from '../src/weight-reading.js';

const A = 'clinic-a';
const B = 'clinic-b';
const PA = 'pkm-a';
const PB = 'pkm-b';
const STAFF_B = 'staff-of-b';
const URGENT = { code: 'bp.grade-3', severity: 'urgent', value: 'systolic', rules: 'ilp-2024.1' };
const BP_VALUES = [
  { name: 'systolic', code: '8480-6', value: 190, unit: 'mm[Hg]' },
  { name: 'diastolic', code: '8462-4', value: 125, unit: 'mm[Hg]' },
];
// The quarter now on the server's wall clock (Asia/Jakarta, +07:00, its default zone).
const QUARTER = (() => {
  const local = new Date(Date.now() + 7 * 3_600_000);
  return `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
})();
let serial = 9000;
const nik = () => `320101120580${String(serial++).padStart(4, '0')}`;

interface Ids {
  patient: string;
  patientNik: string;
  practitioner: string;
  open: string;
  finished: string;
  unassigned: string;
  referral: string;
  partner: string;
  kiosk: KioskCredentials;
}

/** One request: path with ids filled in, an optional body. */
interface Call {
  path: string;
  body?: unknown;
  /** A list or search naming no foreign id: it may answer, without B's data. */
  mayAnswer?: boolean;
  /**
   * An operation only an administrator of every clinic may do (a puskesmas's clinics decide what
   * everyone scoped to it reaches): the control request is made by that administrator instead.
   */
  controlByEveryClinicAdmin?: boolean;
  /**
   * An operation on the caller's own account alone (no id of B can be named): every attacker is
   * refused, and there is no request of B's administrator to check it against.
   */
  ownAccountOnly?: boolean;
}

/**
 * How to call each operation with B's ids. Keyed by `METHOD /path` as the OpenAPI document names
 * it; an operation missing here fails the test, so a new route cannot skip the matrix.
 */
function attacks(b: Ids): Record<string, Call[]> {
  const screening = { patientId: b.patient, clinicId: B, kioskId: 'kiosk-b' };
  return {
    'POST /clients': [{ path: '/clients', body: { name: 'rogue', role: 'partner', clinics: [B] } }],
    'GET /clients': [{ path: '/clients', mayAnswer: true }],
    'POST /clients/{id}/revoke': [{ path: `/clients/${b.partner}/revoke` }],
    'POST /patients': [
      { path: '/patients', body: { name: 'Rogue Entry', birthDate: '1990-01-01', sex: 'male', clinicId: B } },
    ],
    'GET /patients/{id}': [{ path: `/patients/${b.patient}` }],
    'PATCH /patients/{id}': [{ path: `/patients/${b.patient}`, body: { name: 'Changed By A' } }],
    'POST /patients/search': [
      { path: '/patients/search', body: { nik: b.patientNik }, mayAnswer: true },
      {
        path: '/patients/search',
        body: { name: 'Wayan Sudarsana', birthDate: '1971-07-07' },
        mayAnswer: true,
      },
    ],
    'POST /practitioners': [{ path: '/practitioners', body: { clinicId: B, name: 'Rogue', nik: nik() } }],
    'GET /practitioners': [
      { path: `/practitioners?clinicId=${B}` },
      { path: '/practitioners', mayAnswer: true },
    ],
    'GET /practitioners/{id}': [{ path: `/practitioners/${b.practitioner}` }],
    'PATCH /practitioners/{id}': [{ path: `/practitioners/${b.practitioner}`, body: { active: false } }],
    'POST /screenings': [{ path: '/screenings', body: screening }],
    'GET /screenings': [
      { path: `/screenings?clinicId=${B}` },
      { path: `/screenings?patientId=${b.patient}` },
      { path: '/screenings', mayAnswer: true },
    ],
    'GET /screenings/{id}': [{ path: `/screenings/${b.open}` }],
    'POST /screenings/{id}/finish': [{ path: `/screenings/${b.open}/finish`, body: { forward: false } }],
    'POST /screenings/{id}/forward': [{ path: `/screenings/${b.finished}/forward` }],
    'GET /screenings/{id}/fhir': [{ path: `/screenings/${b.finished}/fhir` }],
    'GET /observations': [
      { path: `/observations?patientId=${b.patient}` },
      { path: `/observations?screeningId=${b.open}` },
      { path: '/observations', mayAnswer: true },
    ],
    'POST /observations': [
      {
        path: '/observations',
        body: {
          screeningId: b.open,
          kind: 'blood-pressure',
          measuredAt: new Date().toISOString(),
          values: BP_VALUES,
          flags: [URGENT],
        },
      },
    ],
    'GET /readings/unassigned': [
      { path: `/readings/unassigned?clinicId=${B}` },
      { path: '/readings/unassigned', mayAnswer: true },
    ],
    'POST /readings/{id}/assign': [
      { path: `/readings/${b.unassigned}/assign`, body: { screeningId: b.open } },
    ],
    'POST /readings/{id}/discard': [{ path: `/readings/${b.unassigned}/discard`, body: { reason: 'rogue' } }],
    'GET /referrals': [
      { path: `/referrals?clinicId=${B}` },
      { path: `/referrals?patientId=${b.patient}` },
      { path: '/referrals', mayAnswer: true },
    ],
    'POST /referrals/{id}/acknowledge': [
      { path: `/referrals/${b.referral}/acknowledge`, body: { note: 'rogue' } },
    ],
    'GET /audit-events': [
      { path: `/audit-events?patientId=${b.patient}` },
      { path: '/audit-events?limit=500', mayAnswer: true },
    ],
    'GET /reports/quarterly': [
      { path: `/reports/quarterly?quarter=${QUARTER}&clinicId=${B}` },
      { path: `/reports/quarterly?quarter=${QUARTER}`, mayAnswer: true },
    ],
    'POST /kiosks': [{ path: '/kiosks', body: { clinicId: B, kioskId: 'rogue' } }],
    'GET /kiosks': [{ path: `/kiosks?clinicId=${B}` }, { path: '/kiosks', mayAnswer: true }],
    'GET /kiosks/{clinicId}/{kioskId}': [{ path: `/kiosks/${B}/kiosk-b` }],
    'GET /kiosks/{clinicId}/{kioskId}/status': [{ path: `/kiosks/${B}/kiosk-b/status` }],
    'POST /clinics': [{ path: '/clinics', body: { id: B, name: 'Rogue Clinic' } }],
    'GET /clinics': [
      { path: `/clinics?puskesmasId=${PB}`, mayAnswer: true },
      { path: '/clinics', mayAnswer: true },
    ],
    'GET /clinics/{id}': [{ path: `/clinics/${B}` }],
    'PATCH /clinics/{id}': [
      { path: `/clinics/${B}`, body: { name: 'Klinik Desa B' } },
      { path: `/clinics/${B}`, body: { puskesmasId: PA }, controlByEveryClinicAdmin: true },
    ],
    'POST /puskesmas': [
      {
        path: '/puskesmas',
        body: { id: PB, name: 'Rogue', clinicIds: [B] },
        controlByEveryClinicAdmin: true,
      },
    ],
    'GET /puskesmas': [{ path: '/puskesmas', mayAnswer: true }],
    'GET /puskesmas/{id}': [{ path: `/puskesmas/${PB}` }],
    'PATCH /puskesmas/{id}': [
      { path: `/puskesmas/${PB}`, body: { name: 'Rogue' }, controlByEveryClinicAdmin: true },
    ],
    'POST /accounts': [
      {
        path: '/accounts',
        body: {
          username: 'rogue',
          displayName: 'Rogue',
          role: 'clinic-staff',
          clinics: [B],
          password: 'a-long-rogue-password',
        },
      },
    ],
    'GET /accounts': [{ path: '/accounts', mayAnswer: true }],
    'POST /accounts/{username}/disable': [
      { path: `/accounts/${STAFF_B}/disable`, controlByEveryClinicAdmin: true },
    ],
    'POST /accounts/{username}/enable': [
      { path: `/accounts/${STAFF_B}/enable`, controlByEveryClinicAdmin: true },
    ],
    'PUT /accounts/{username}/password': [
      {
        path: `/accounts/${STAFF_B}/password`,
        body: { password: 'a-long-rogue-password' },
        controlByEveryClinicAdmin: true,
      },
    ],
    // With B's staff's password: a session of A's staff is told its own old password is wrong.
    'POST /account/password': [
      {
        path: '/account/password',
        body: { oldPassword: 'kata-sandi-puskesmas-b', newPassword: 'a-long-rogue-password' },
        ownAccountOnly: true,
      },
    ],
    'GET /kiosks/{clinicId}/{kioskId}/events': [
      { path: `/kiosks/${B}/kiosk-b/events` },
      { path: `/kiosks/${B}/kiosk-b/events?type=device-lost` },
    ],
    'POST /kiosks/{clinicId}/{kioskId}/rotate': [{ path: `/kiosks/${B}/kiosk-b/rotate` }],
    'GET /fleet': [{ path: `/fleet?clinicId=${B}` }, { path: '/fleet', mayAnswer: true }],
  };
}

/** Operations that change what later ones need go last, in this order. */
const LAST = [
  'POST /readings/{id}/assign',
  'POST /readings/{id}/discard',
  'POST /referrals/{id}/acknowledge',
  'POST /screenings/{id}/forward',
  'POST /kiosks/{clinicId}/{kioskId}/rotate',
  'POST /clients/{id}/revoke',
  'POST /screenings/{id}/finish',
  // Moves clinic B under puskesmas A: last, as the puskesmas A callers reach B from then on.
  'PATCH /clinics/{id}',
];

describe("clinic scope: no caller of clinic A reaches clinic B's record", () => {
  let server: ClinicServerProcess;
  let ownerB: ApiTestClient;
  let root: ApiTestClient;
  let callers: Record<string, ApiTestClient>;
  let b: Ids;
  let document: { paths: Record<string, Record<string, { security?: unknown[] }>> };

  beforeAll(async () => {
    const clinic = await startClinicProcess('kd-clinic-scope-');
    const { brokerUrl, made } = clinic;
    server = clinic.server;
    root = clinic.root;
    const signIn = (c: { clientId: string; clientSecret: string }) =>
      new ApiTestClient(server.httpUrl, c.clientId, c.clientSecret).signIn();
    const client = (role: string, clinic: string) =>
      made<{ clientId: string; clientSecret: string }>('POST', '/clients', {
        name: `${role} of ${clinic}`,
        role,
        clinics: [clinic],
      });
    ownerB = await signIn(await client('admin', B));
    const kioskA = await made<KioskCredentials>('POST', '/kiosks', { clinicId: A, kioskId: 'kiosk-a' });
    await made('POST', '/clinics', { id: A, name: 'Klinik Desa A', village: 'Desa A' });
    await made('POST', '/clinics', { id: B, name: 'Klinik Desa B', village: 'Desa B' });
    await made('POST', '/puskesmas', { id: PA, name: 'Puskesmas A', clinicIds: [A] });
    await made('POST', '/puskesmas', { id: PB, name: 'Puskesmas B', clinicIds: [B] });
    const password = 'kata-sandi-puskesmas-a';
    await made('POST', '/accounts', {
      username: 'staff-of-a',
      displayName: 'Staf Puskesmas A',
      role: 'puskesmas-staff',
      clinics: { puskesmasId: PA },
      password,
    });
    await made('POST', '/accounts', {
      username: STAFF_B,
      displayName: 'Staf Puskesmas B',
      role: 'puskesmas-staff',
      clinics: { puskesmasId: PB },
      password: 'kata-sandi-puskesmas-b',
    });
    const puskesmasPartner = await made<{ clientId: string; clientSecret: string }>('POST', '/clients', {
      name: 'partner of puskesmas A',
      role: 'partner',
      clinics: { puskesmasId: PA },
    });
    callers = {
      'kiosk A': await signIn(kioskA),
      'partner A': await signIn(await client('partner', A)),
      'admin A': await signIn(await client('admin', A)),
      'partner of pkm A': await signIn(puskesmasPartner),
      'staff of pkm A': await ApiTestClient.signInPerson(server.httpUrl, 'staff-of-a', password),
    };

    // Clinic B's record, made by B's own administrator and B's kiosk.
    const own = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await ownerB.request<T>(method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const kiosk = await own<KioskCredentials>('POST', '/kiosks', { clinicId: B, kioskId: 'kiosk-b' });
    const patientNik = nik();
    const patient = await own<{ id: string }>('POST', '/patients', {
      nik: patientNik,
      name: 'Wayan Sudarsana',
      birthDate: '1971-07-07',
      sex: 'male',
    });
    const practitioner = await own<{ id: string }>('POST', '/practitioners', {
      clinicId: B,
      name: 'Bidan Komang',
      nik: nik(),
    });
    const open = await own<{ id: string }>('POST', '/screenings', {
      patientId: patient.id,
      clinicId: B,
      kioskId: 'kiosk-b',
      practitionerId: practitioner.id,
    });
    await own('POST', '/observations', {
      screeningId: open.id,
      kind: 'blood-pressure',
      measuredAt: new Date().toISOString(),
      values: BP_VALUES,
      flags: [URGENT],
    });
    const referrals = await own<{ data: { id: string }[] }>('GET', `/referrals?patientId=${patient.id}`);
    const finished = await own<{ id: string }>('POST', '/screenings', {
      patientId: patient.id,
      clinicId: B,
      kioskId: 'kiosk-b',
    });
    await own('POST', `/screenings/${finished.id}/finish`, { forward: false });
    const partner = await client('partner', B);

    // A reading B's kiosk measured before any screening was open: unassigned.
    const stray = weightReading(B, 'kiosk-b');
    await publishAsKiosk(brokerUrl, kiosk, [stray]);

    b = {
      patient: patient.id,
      patientNik,
      practitioner: practitioner.id,
      open: open.id,
      finished: finished.id,
      unassigned: stray.id,
      referral: referrals.data[0]!.id,
      partner: partner.clientId,
      kiosk,
    };
    document = (await (await fetch(`${server.httpUrl}/openapi.json`)).json()) as typeof document;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses every operation with clinic B ids to a kiosk, a partner and an administrator of clinic A', async () => {
    const table = attacks(b);
    const operations = Object.entries(document.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => (op.security?.length ?? 0) > 0)
          .map(([method]) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`),
      )
      .sort((x, y) => LAST.indexOf(x) - LAST.indexOf(y));
    expect(
      operations.filter((op) => !table[op]),
      'operations without an attack in the matrix: add them to attacks()',
    ).toEqual([]);

    // Anything that names clinic B or one of its ids.
    const markers = [
      B,
      b.patient,
      b.patientNik,
      b.practitioner,
      b.open,
      b.finished,
      b.unassigned,
      b.referral,
      PB,
      STAFF_B,
    ];
    const rows: string[][] = [];
    const failures: string[] = [];
    for (const op of operations) {
      const method = op.split(' ')[0]!;
      for (const call of table[op]!) {
        const row = [`${method} ${call.path.split('?')[0] === call.path ? call.path : call.path}`];
        for (const [name, caller] of Object.entries(callers)) {
          const r = await caller.request(method, call.path, call.body);
          const text = JSON.stringify(r.body ?? '');
          const leaked = markers.filter((m) => text.includes(m));
          const refused = r.status === 403 || r.status === 404;
          const hidden = call.mayAnswer === true && r.status === 200 && leaked.length === 0;
          const code = (r.body as { code?: string } | undefined)?.code;
          row.push(refused ? `${r.status} ${code}` : hidden ? '200, none of B' : `${r.status} LEAK`);
          if (!refused && !hidden) {
            failures.push(
              `${name}: ${method} ${call.path} → ${r.status} ${leaked.join(', ')} ${text.slice(0, 200)}`,
            );
          }
        }
        if (call.ownAccountOnly) {
          rows.push([...row, 'n/a']);
          continue;
        }
        const control = await (call.controlByEveryClinicAdmin ? root : ownerB).request(
          method,
          call.path,
          call.body,
        );
        row.push(String(control.status));
        if ([401, 403, 404].includes(control.status)) {
          failures.push(
            `B's own administrator: ${method} ${call.path} → ${control.status}: the attack request is wrong`,
          );
        }
        rows.push(row);
      }
    }
    const header = ['operation with B ids', ...Object.keys(callers), "B's admin (or every clinic's)"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
    console.log([line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n'));
    expect(failures).toEqual([]);
  });
});
