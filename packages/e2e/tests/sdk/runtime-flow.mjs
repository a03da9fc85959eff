// A partner app's day with the built SDK, as plain JavaScript that Node, Deno and Bun all run
// unchanged: sign in, register patients, open a screening, page through a search, and meet each
// kind of error. It prints one JSON line of what happened, with the record's own ids left out, so
// runtime-flow.test.ts can hold every runtime to the same expected answer.
//
// Usage: <runtime> runtime-flow.mjs  with KD_URL, KD_CLIENT_ID, KD_CLIENT_SECRET (an administrator)
// and KD_RUN (a short name that keeps this run's kiosk and NIKs apart from other runs).

import * as sdk from '../../../sdk/dist/index.js';
import {
  APIConnectionError,
  APIUserAbortError,
  ClinicClient,
  ConflictError,
  InvalidArgumentError,
  KlinikDesaError,
  NotFoundError,
  ValidationError,
} from '../../../sdk/dist/index.js';
import { ClinicClient as LiteClinicClient } from '../../../sdk/dist/lite.js';

const env = (name) => {
  const value = globalThis.Deno ? globalThis.Deno.env.get(name) : globalThis.process?.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const baseUrl = env('KD_URL');
const run = env('KD_RUN');
/** The runtime as it names itself. */
const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
/** NIK digits that pass the structure check: a woman born 17-08-1990, serial from the run's number. */
const nik = (n) => `320101570890${String(n).padStart(4, '0')}`;
const base = Number(env('KD_NIK_BASE'));
const clinicId = 'kdmp-3201-001';
const kioskId = `kiosk-${run}`;

/** What an error looks like to an app: its class chain (as instanceof sees it), code and status. */
function described(error) {
  const classes = [
    ConflictError,
    NotFoundError,
    ValidationError,
    InvalidArgumentError,
    APIUserAbortError,
    APIConnectionError,
    KlinikDesaError,
  ]
    .filter((type) => error instanceof type)
    .map((type) => type.name);
  return { classes, code: error.code, status: error.status ?? null };
}
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return described(error);
  }
  throw new Error('expected the call to fail');
}

const out = { runtime };
// An app that logs `error.constructor.name` or a class's `name` must see the names it imports.
out.misnamedExports = Object.entries(sdk)
  .filter(([name, value]) => typeof value === 'function' && value.name !== name)
  .map(([name, value]) => `${name} is named ${value.name}`);
const admin = new ClinicClient({
  baseUrl,
  clientId: env('KD_CLIENT_ID'),
  clientSecret: env('KD_CLIENT_SECRET'),
});
const partnerCredentials = await admin.clients.create({
  name: `dashboard ${run}`,
  role: 'partner',
  clinics: [clinicId],
});
const partner = new ClinicClient({ baseUrl, ...partnerCredentials });
const kiosk = new ClinicClient({ baseUrl, ...(await admin.kiosks.create({ clinicId, kioskId })) });

const patient = await kiosk.patients.create({
  nik: nik(base),
  name: 'Siti Rahayu',
  birthDate: '1990-08-17',
  sex: 'female',
});
out.patient = { name: patient.name, nik: patient.nik === nik(base), ihsNumber: patient.ihsNumber };
// PATCH, which no other call of the flow sends.
out.updated = (await partner.patients.update(patient.id, { ihsNumber: 'P02478375538' })).ihsNumber;
out.foundByNik = (await kiosk.patients.findByNik(nik(base)))?.id === patient.id;
out.unknownNik = await kiosk.patients.findByNik(nik(base + 99));
out.conflict = await failure(
  kiosk.patients.create({ nik: nik(base), name: 'Siti R', birthDate: '1990-08-17', sex: 'female' }),
);
out.notFound = await failure(partner.patients.retrieve('0190f3a4-1c2b-7d3e-8f4a-5b6c7d8e9f01'));
out.badNik = await failure(kiosk.patients.findByNik('1234'));
out.validation = await failure(partner.screenings.create({ patientId: 'not-a-uuid', clinicId, kioskId }));

const names = Array.from({ length: 5 }, (_, i) => `Budi ${run} ${i}`);
for (const [i, name] of names.entries()) {
  await partner.patients.create({ nik: nik(base + 10 + i), name, birthDate: '1975-01-02', sex: 'male' });
}
const pages = [];
for await (const page of partner.patients
  .search({ name: `budi ${run}`, birthDate: '1975-01-02', limit: 2 })
  .pages()) {
  pages.push(page.data.length);
}
out.pages = pages;

const again = { nik: nik(base + 20), name: 'Dewi Lestari', birthDate: '1980-05-12', sex: 'female' };
const first = await partner.patients.create(again, { idempotencyKey: `import-${run}` });
out.idempotentReplay =
  (await partner.patients.create(again, { idempotencyKey: `import-${run}` })).id === first.id;

const screening = await kiosk.screenings.create({ patientId: patient.id, clinicId, kioskId });
const manual = await partner.observations.create({
  screeningId: screening.id,
  kind: 'waist',
  measuredAt: new Date().toISOString(),
  values: [{ name: 'waist', code: '8280-0', value: 96, unit: 'cm' }],
});
const finished = await partner.screenings.finish(screening.id);
out.screening = {
  opened: screening.status,
  manualValues: manual.observations.map((o) => o.value),
  finished: finished.status,
};
out.finishedTwice = await failure(partner.screenings.finish(screening.id));
// The test clinic has no SATUSEHAT organization configured, so its Bundle is not ready yet.
out.fhirNotReady = await failure(partner.screenings.fhirBundle(screening.id));

const lite = new LiteClinicClient({ baseUrl, ...partnerCredentials });
out.lite = (await lite.patients.retrieve(patient.id)).name;

out.aborted = await failure(partner.patients.retrieve(patient.id, { signal: AbortSignal.abort() }));
const nobody = new ClinicClient({
  baseUrl: 'http://127.0.0.1:9',
  clientId: 'x',
  clientSecret: 'y',
  maxRetries: 0,
});
out.refused = await failure(nobody.patients.retrieve(patient.id));

console.log(JSON.stringify(out));
