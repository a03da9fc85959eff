import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClinicServerProcess,
  createAdminClient,
  createTestDatabase,
  queryDatabase,
  type SatusehatFake,
  startClinicServerProcess,
  startSatusehatFake,
  type TestDatabase,
  waitFor,
} from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue #24, findings 3, 4, 8 and 9, tried from outside: real clinic-server processes on SQLite and
// PostgreSQL, spoken to over HTTP as a partner app or an attacker would.

const dir = mkdtempSync(join(tmpdir(), 'kd-security-secrets-'));
const ORG = '10000004';
const servers: ClinicServerProcess[] = [];
let fake: SatusehatFake;
let pg: TestDatabase | undefined;

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

async function http<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; key?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T, headers: r.headers };
}

async function signIn(base: string, clientId: string, clientSecret: string) {
  return http<{ access_token: string; message?: string }>(base, 'POST', '/oauth2/token', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
}

async function adminToken(base: string, db: string): Promise<string> {
  const creds = createAdminClient(db);
  const answer = await signIn(base, creds.clientId, creds.clientSecret);
  expect(answer.status).toBe(200);
  return answer.body.access_token;
}

/** A NIK of the right structure (province 32, regency 01, district 01, born 12-05-80), serial `n`. */
const nik = (n: number) => `320101120580${String(n).padStart(4, '0')}`;

interface Exercised {
  /** Secrets, tokens and Idempotency-Keys: nowhere in the record. */
  secrets: string[];
  /** NIKs: only in patients.nik and practitioners.nik. */
  niks: string[];
  /** Names: only in patients.name/name_key and practitioners.name. */
  names: string[];
  /** Checks the replays' answers (after the scan, so that a kept secret shows in the scan first). */
  checkReplays(): void;
}

/**
 * What a partner app and an administrator do through the API, each POST with an Idempotency-Key as
 * the SDK sends it; every POST is replayed once, as a retry would.
 */
async function exercise(base: string, token: string, tag: string): Promise<Exercised> {
  const secrets = [token];
  const post = async (path: string, body: unknown) => {
    const key = randomUUID();
    // The key is the answer's encryption key material: the record keeps only what is derived from it.
    secrets.push(key);
    const first = await http(base, 'POST', path, { token, body, key });
    const replay = await http(base, 'POST', path, { token, body, key });
    return { first, replay };
  };

  // Answers with a secret are shown once: a replay says so instead of showing it again.
  const client = await post('/clients', { name: `Partner ${tag}`, role: 'partner', clinics: ['clinic-1'] });
  expect(client.first.status).toBe(201);
  secrets.push(client.first.body['clientSecret'] as string);
  const kiosk = await post('/kiosks', { clinicId: `clinic-${tag}`, kioskId: 'kiosk-1', name: 'Posyandu' });
  expect(kiosk.first.status).toBe(201);
  secrets.push(kiosk.first.body['clientSecret'] as string);
  const rotated = await post(`/kiosks/clinic-${tag}/kiosk-1/rotate`, undefined);
  expect(rotated.first.status).toBe(200);
  secrets.push(rotated.first.body['clientSecret'] as string);
  // A key reused for another request is still refused as before.
  const key = randomUUID();
  secrets.push(key);
  const reusedFirst = await http(base, 'POST', '/clients', {
    token,
    key,
    body: { name: 'A', role: 'partner', clinics: ['clinic-1'] },
  });
  expect(reusedFirst.status).toBe(201);
  secrets.push(reusedFirst.body['clientSecret'] as string);
  const reused = await http(base, 'POST', '/clients', {
    token,
    key,
    body: { name: 'B', role: 'partner', clinics: ['clinic-1'] },
  });

  // Answers with personal data are replayed whole, from a record that cannot read them.
  const patientName = `Siti Aminah Rahayu ${tag}`;
  const patient = await post('/patients', {
    nik: nik(1),
    name: patientName,
    birthDate: '1980-05-12',
    sex: 'female',
    clinicId: `clinic-${tag}`,
  });
  expect(patient.first.status).toBe(201);
  const workerName = `Bidan Sulastri Wulandari ${tag}`;
  const worker = await post('/practitioners', {
    clinicId: `clinic-${tag}`,
    name: workerName,
    nik: nik(2),
    ihsNumber: '10009880728',
  });
  expect(worker.first.status).toBe(201);
  const checkReplays = () => {
    for (const replay of [client.replay, kiosk.replay, rotated.replay]) {
      expect(replay.status).toBe(409);
      expect(replay.body).toMatchObject({ code: 'IDEMPOTENCY_SECRET_NOT_KEPT' });
      expect(replay.body['message']).toMatch(/shown once.*rotate the credentials/);
      for (const secret of secrets) expect(JSON.stringify(replay.body)).not.toContain(secret);
    }
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    for (const made of [patient, worker]) {
      expect(made.replay.status).toBe(201);
      expect(made.replay.headers.get('idempotent-replayed')).toBe('true');
      expect(made.replay.body).toEqual(made.first.body);
    }
  };
  return { secrets, niks: [nik(1), nik(2)], names: [patientName, workerName], checkReplays };
}

const ALLOWED: Record<string, (table: string, column: string) => boolean> = {
  nik: (t, c) => (t === 'patients' || t === 'practitioners') && c === 'nik',
  name: (t, c) =>
    (t === 'patients' && (c === 'name' || c === 'name_key')) || (t === 'practitioners' && c === 'name'),
  secret: () => false,
};

/** Every cell of every table that holds one of the values outside its columns, and what was scanned. */
function scan(tables: Record<string, Record<string, unknown>[]>, found: Exercised) {
  const needles = [
    ...found.secrets.map((v) => ({ kind: 'secret', v })),
    ...found.niks.map((v) => ({ kind: 'nik', v })),
    ...found.names.map((v) => ({ kind: 'name', v: v.toLowerCase() })),
  ];
  const leaks: string[] = [];
  const scanned: string[] = [];
  for (const [table, rows] of Object.entries(tables)) {
    scanned.push(`${table} (${rows.length} rows)`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = (Buffer.isBuffer(value) ? value.toString('latin1') : String(value)).toLowerCase();
        for (const n of needles) {
          if (text.includes(n.v.toLowerCase()) && !ALLOWED[n.kind]!(table, column)) {
            leaks.push(`${n.kind} in ${table}.${column}`);
          }
        }
      }
    }
  }
  console.log(`scanned ${scanned.join(', ')} for ${needles.length} values`);
  return leaks;
}

function sqliteTables(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    return Object.fromEntries(
      names.map(({ name }) => [
        name,
        db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[],
      ]),
    );
  } finally {
    db.close();
  }
}

async function postgresTables(url: string) {
  const names = await queryDatabase<{ tablename: string }>(
    url,
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
  );
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const { tablename } of names) {
    tables[tablename] = await queryDatabase<Record<string, unknown>>(url, `SELECT * FROM "${tablename}"`);
  }
  return tables;
}

async function start(name: string, db: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const server = await startClinicServerProcess(name, ['--db', db, '--broker-port', '0', ...extra], env);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  fake = await startSatusehatFake({ clients: { 'kd-client': { secret: 'kd-secret', organizationId: ORG } } });
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await fake?.close();
  await pg?.drop();
});

describe('no secret and no personal data at rest where not needed (finding 3)', () => {
  it('SQLite: secrets nowhere, NIKs and names only in their columns; replays answer as they should', async () => {
    const db = join(dir, 'secrets.db');
    const server = await start('clinic-sqlite', db);
    const found = await exercise(server.httpUrl, await adminToken(server.httpUrl, db), 'a');
    expect(scan(sqliteTables(db), found)).toEqual([]);
    found.checkReplays();
  });

  it('PostgreSQL: the same', async () => {
    pg = await createTestDatabase();
    const server = await start('clinic-postgres', pg.url);
    const found = await exercise(server.httpUrl, await adminToken(server.httpUrl, pg.url), 'b');
    expect(scan(await postgresTables(pg.url), found)).toEqual([]);
    found.checkReplays();
  });
});

describe('strict input, search that cannot enumerate, redacted SATUSEHAT answers (findings 4, 9)', () => {
  let base: string;
  let token: string;
  let db: string;

  beforeAll(async () => {
    db = join(dir, 'input.db');
    const config = join(dir, 'clinic.yaml');
    writeFileSync(
      config,
      [
        'satusehat:',
        `  authBaseUrl: ${fake.authBaseUrl}`,
        `  fhirBaseUrl: ${fake.fhirBaseUrl}`,
        '  clientId: kd-client',
        `  organizationId: "${ORG}"`,
        '  location: { id: b017aa54-f1df-4ec2-9d84-8823815d7228, display: Ruang Skrining }',
        '  defaultPractitioner: { ihsNumber: "10009880728", name: Bidan Sari }',
        '  pollMs: 100',
        '  maxAttempts: 1',
        '',
      ].join('\n'),
    );
    const server = await start('clinic-input', db, ['--config', config], {
      SATUSEHAT_CLIENT_SECRET: 'kd-secret',
    });
    base = server.httpUrl;
    token = await adminToken(base, db);
  });

  it('finds nobody by wildcards, and refuses a name search of fewer than three letters', async () => {
    const born = '1975-03-04';
    for (const name of ['Budi Santoso', 'Ani Lestari', 'Wayan Sudarsana']) {
      const r = await http(base, 'POST', '/patients', {
        token,
        body: { name, birthDate: born, sex: 'male', clinicId: 'clinic-1' },
      });
      expect(r.status).toBe(201);
    }
    for (const name of ['%', '_', '%%%', 'a%', 'ab']) {
      const r = await http<{ code: string; message: string; data?: unknown[] }>(
        base,
        'POST',
        '/patients/search',
        {
          token,
          body: { name, birthDate: born },
        },
      );
      console.log(
        `search ${JSON.stringify(name)}: ${r.status} ${r.body.message ?? `${r.body.data?.length} found`}`,
      );
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'VALIDATION' });
      expect(r.body.message).toMatch(/at least 3 letters or digits/);
    }
    const ani = await http<{ data: { name: string }[] }>(base, 'POST', '/patients/search', {
      token,
      body: { name: 'ani%', birthDate: born },
    });
    expect(ani.body.data.map((p) => p.name)).toEqual(['Ani Lestari']);
  });

  it('refuses a form-encoded body anywhere but the token endpoint, with the fix', async () => {
    const form = await fetch(`${base}/patients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        name: 'Siti',
        birthDate: '1980-05-12',
        sex: 'female',
        clinicId: 'clinic-1',
      }).toString(),
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/application\/json.*only POST \/oauth2\/token takes a form/),
    });
  });

  it('refuses names with NUL, bidi overrides and zero-width characters, and keeps names in NFC', async () => {
    for (const bad of ['Siti\u0000Aminah', 'Siti \u202eAminah', 'Siti\u200bAminah']) {
      const r = await http<{ code: string; message: string }>(base, 'POST', '/patients', {
        token,
        body: { name: bad, birthDate: '1980-05-12', sex: 'female', clinicId: 'clinic-1' },
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION');
      expect(r.body.message).toMatch(/body\.name: remove control characters, bidi controls/);
    }
    const client = await http(base, 'POST', '/clients', {
      token,
      body: { name: 'App\u200d', role: 'partner', clinics: ['clinic-1'] },
    });
    expect(client.status).toBe(400);
    const nfd = 'Jose\u0301 Sa\u0301nchez';
    const made = await http<{ id: string; name: string }>(base, 'POST', '/patients', {
      token,
      body: { name: nfd, birthDate: '1980-05-12', sex: 'male', clinicId: 'clinic-1' },
    });
    expect(made.body.name).toBe('Jos\u00e9 S\u00e1nchez');
    const sqlite = new Database(db, { readonly: true });
    const row = sqlite.prepare('SELECT name FROM patients WHERE id = ?').get(made.body.id) as {
      name: string;
    };
    sqlite.close();
    expect(row.name).toBe(nfd.normalize('NFC'));
  });

  it("stores SATUSEHAT's error answer redacted and bounded", async () => {
    const patientNik = nik(7);
    const patient = await http<{ id: string }>(base, 'POST', '/patients', {
      token,
      body: {
        nik: patientNik,
        name: 'Dewi Kartika',
        birthDate: '1980-05-12',
        sex: 'female',
        clinicId: 'clinic-1',
      },
    });
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(30).toString('base64url')}.${randomBytes(30).toString('base64url')}`;
    const bearer = randomBytes(24).toString('base64url');
    fake.failNext(
      5,
      400,
      `invalid request for Patient ${patientNik}; Authorization: Bearer ${bearer}; id_token ${jwt}; ${'x'.repeat(8000)}`,
    );
    const screening = await http<{ id: string }>(base, 'POST', '/screenings', {
      token,
      body: { patientId: patient.body.id, clinicId: 'clinic-1', kioskId: 'kiosk-1' },
    });
    expect(screening.status).toBe(201);
    await http(base, 'POST', `/screenings/${screening.body.id}/finish`, { token, body: { forward: true } });
    let forwarding: { status: string; outcome: unknown } = { status: 'pending', outcome: null };
    await waitFor(
      async () => {
        const r = await http<{ forwarding: typeof forwarding }>(
          base,
          'GET',
          `/screenings/${screening.body.id}`,
          {
            token,
          },
        );
        forwarding = r.body.forwarding;
        return forwarding.status === 'failed';
      },
      { timeoutMs: 20_000, what: 'the forwarder to give up on the screening' },
    );
    const shown = JSON.stringify(forwarding.outcome);
    console.log(`kept outcome (${shown.length} chars): ${shown.slice(0, 160)}…`);
    for (const secret of [patientNik, bearer, jwt.slice(0, 40)]) expect(shown).not.toContain(secret);
    expect(shown).toMatch(/\[redacted NIK\].*Bearer \[redacted\]/);
    expect(shown.length).toBeLessThanOrEqual(2048);
    const sqlite = new Database(db, { readonly: true });
    const row = sqlite.prepare('SELECT fwd_outcome FROM screenings WHERE id = ?').get(screening.body.id) as {
      fwd_outcome: string;
    };
    sqlite.close();
    expect(row.fwd_outcome).not.toContain(patientNik);
    expect(row.fwd_outcome).not.toContain(bearer);
  });
});

describe('rate limits by verified identity (finding 8)', () => {
  it('limits made-up tokens by address, sign-ins by address and client, and look-ups per client', async () => {
    const db = join(dir, 'limits.db');
    const server = await start('clinic-limits', db);
    const base = server.httpUrl;
    const token = await adminToken(base, db);
    const partner = await http<{ clientId: string; clientSecret: string }>(base, 'POST', '/clients', {
      token,
      body: { name: 'Busy partner', role: 'partner', clinics: ['clinic-1'] },
    });

    // Ten tokens a minute per client; the eleventh is refused with the limit and Retry-After.
    const minted = [];
    for (let i = 0; i < 11; i++)
      minted.push(await signIn(base, partner.body.clientId, partner.body.clientSecret));
    expect(minted.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(minted[10]!.status).toBe(429);
    expect(minted[10]!.body.message).toMatch(/at most 10 tokens a minute per client/);
    expect(Number(minted[10]!.headers.get('retry-after'))).toBeGreaterThan(0);

    // Wrong secrets for one client_id: refused before the hash is computed, after ten.
    const wrong = [];
    for (let i = 0; i < 11; i++)
      wrong.push((await signIn(base, partner.body.clientId, 'not-the-secret')).status);
    expect(wrong).toEqual([...Array(10).fill(401), 429]);

    // A made-up Authorization header per request is no identity: the address's bucket runs out.
    const patientId = '01900000-0000-7000-8000-000000000000';
    const statuses = [];
    for (let i = 0; i < 100; i++) {
      const r = await http(base, 'GET', `/patients/${patientId}`, {
        token: randomBytes(32).toString('base64url'),
      });
      statuses.push(r.status);
    }
    console.log(
      `100 made-up tokens: ${statuses.filter((s) => s === 401).length} x 401, then ${statuses.filter((s) => s === 429).length} x 429`,
    );
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(-10)).toEqual(Array(10).fill(429));
    // The token endpoint is limited by the same address...
    const fromAddress = await signIn(base, 'admin.nobody', 'x');
    expect(fromAddress.status).toBe(429);
    expect(Number(fromAddress.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...while a verified client keeps its own bucket.
    expect((await http(base, 'GET', '/clients', { token })).status).toBe(200);

    // Patient look-ups have their own, tighter bucket per client.
    const lookups = [];
    for (let i = 0; i < 12; i++)
      lookups.push((await http(base, 'GET', `/patients/${patientId}`, { token })).status);
    expect(lookups.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(lookups.slice(10)).toEqual([429, 429]);
    const search = await http<{ message: string }>(base, 'POST', '/patients/search', {
      token,
      body: { name: 'Budi', birthDate: '1975-03-04' },
    });
    expect(search.status).toBe(429);
    expect(search.body.message).toMatch(/patient look-ups/);
  });
});
