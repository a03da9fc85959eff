// `pnpm demo`: one screening at one kiosk, from the devices to SATUSEHAT, on one machine, with
// nothing installed but Node.
//
//   simulated scale, oximeter, BLE gateway ──TCP──▶ kiosk agent ──MQTT──▶ embedded broker ──▶ clinic server
//        (SQLite record) ──FHIR Bundle──▶ a local stand-in for SATUSEHAT
//
// Every part is the real program, started as its own process, as in production. Played: the
// devices (`kiosk-agent simulate`, over TCP so socat is not needed; the BP monitor behind a BLE
// gateway, whose dialogue the simulator answers), the health worker (the demo
// makes the kiosk page's own calls to the agent's local API) and SATUSEHAT (the test stand-in that
// speaks its token, Patient and Bundle API, since there is no internet here). Exits 0 once the
// readings are in the record, the screening is in SATUSEHAT and the kiosk's outbox is empty.
//
// `pnpm demo --keep-open` leaves everything running afterwards, to look at the kiosk page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SIMULATED_BLE_ADDRESS } from '@klinik-desa/devices/simulate';
import type { DeviceMeasurement, KioskCredentials } from '@klinik-desa/protocol';
import { ClinicClient } from '@klinik-desa/sdk';
import {
  AGENT_CLI,
  clinicServerCli,
  freePort,
  type RunningProcess,
  type SatusehatFake,
  SERVER_CLI,
  startSatusehatFake,
  startTsProcess,
  TEST_PAGE_PIN,
  TEST_PAGE_PIN_HASH,
  unlockKioskPage,
  waitFor,
} from '@klinik-desa/testkit';
import Database from 'better-sqlite3';

const PATIENT = {
  nik: '3201014102950003',
  name: 'Siti Aminah',
  birthDate: '1979-04-12',
  sex: 'female',
} as const;
const IHS_NUMBER = 'P02478375538';
/** The midwife doing the check: the clinic registers her by NIK and finds her SATUSEHAT number. */
const MIDWIFE = { name: 'Bidan Sari', nik: '3201014506870004', ihsNumber: '10009880728' } as const;
const WEIGHT_KG = 62.45;
const SPO2 = { value: 93, pulse: 78 };
const BLOOD_PRESSURE: DeviceMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 134, unit: 'mm[Hg]' },
  diastolic: { value: 86, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 102, unit: 'mm[Hg]' },
  pulseRate: { value: 74, unit: '/min' },
};
/** The meter's own clock: Western Indonesia Time to the minute, as a Contour keeps it. */
const meterClock = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
const GLUCOSE: DeviceMeasurement = {
  kind: 'glucose',
  concentration: { value: 112, unit: 'mg/dL' },
  sequenceNumber: 1,
  deviceTime: meterClock,
  specimen: 'capillary-plasma',
};
/** Measured with a stadiometer and a tape, and typed in on the kiosk page. */
const TYPED = [
  { kind: 'height', height: { value: 158.5, unit: 'cm' } },
  { kind: 'waist', waistCircumference: { value: 86, unit: 'cm' } },
] as const;
const ORGANIZATION = '10000004';
const USAGE = `Usage: pnpm demo [--keep-open]

One screening at one kiosk, from the devices to SATUSEHAT, every part a real process on this
machine. Exits 0 once the readings are in the clinic record and the screening is in SATUSEHAT.

Options:
  --keep-open   leave everything running afterwards, to look at the kiosk page (Ctrl-C ends it)
  -h, --help    this help`;

/** Read before anything is started: `--help` and a bad option must not run the demo. */
function demoOptions(): { keepOpen: boolean } {
  try {
    const { values } = parseArgs({
      strict: true,
      options: { 'keep-open': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return { keepOpen: values['keep-open'] === true };
  } catch (error) {
    // parseArgs says what was wrong in its first sentence ("Unknown option '--foo'").
    const what = (error as Error).message.split('. ')[0];
    process.stderr.write(`demo: ${what}; options: --keep-open, --help\n`);
    process.exit(2);
  }
}
const { keepOpen } = demoOptions();

const dir = mkdtempSync(join(tmpdir(), 'klinik-desa-demo-'));
const clinicDb = join(dir, 'clinic.db');
const outboxDb = join(dir, 'outbox.db');
const running: RunningProcess[] = [];
let satusehat: SatusehatFake | undefined;

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

async function json<T>(response: Promise<Response>): Promise<T> {
  const r = await response;
  const body = (await r.json()) as T & { message?: string };
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${body.message ?? ''}`);
  return body;
}

/** Secrets go in files only the agent's user can read, as in production, not in the config. */
function secret(name: string, value: string): string {
  const file = join(dir, name);
  writeFileSync(file, value, { mode: 0o600 });
  return file;
}

function outboxWaiting(): number {
  const db = new Database(outboxDb, { readonly: true, fileMustExist: true });
  const n = (db.prepare("SELECT count(*) AS n FROM outbox WHERE state != 'received'").get() as { n: number })
    .n;
  db.close();
  return n;
}

/** A finger held in the oximeter until its value settles (it streams 60 packets a second), then out. */
function oximetry(): string[] {
  const held: DeviceMeasurement = {
    kind: 'pulse-oximetry',
    spo2: { value: SPO2.value, unit: '%' },
    pulseRate: { value: SPO2.pulse, unit: '/min' },
  };
  const out: DeviceMeasurement = {
    kind: 'pulse-oximetry',
    spo2: { value: null, unit: '%', missing: 'unsuccessful' },
    pulseRate: { value: null, unit: '/min', missing: 'unsuccessful' },
  };
  return [...Array.from({ length: 130 }, () => JSON.stringify(held)), JSON.stringify(out)].flatMap((m) => [
    '--measurement',
    m,
  ]);
}

async function main(): Promise<number> {
  say('klinik-desa demo: one screening at one kiosk, from the devices to SATUSEHAT, on this machine');
  say(`working folder: ${dir}\n`);
  const standIn = await startStandIn();
  const { brokerUrl, apiUrl } = await startClinic(standIn);
  const { admin, kiosk } = await registerAtClinic(apiUrl);
  const ports = {
    scale: await freePort(),
    oximeter: await freePort(),
    gateway: await freePort(),
    meter: await freePort(),
  };
  const { pageUrl, headers } = await startAgent(brokerUrl, apiUrl, kiosk, ports);
  const { card, session } = await openCheck(pageUrl, headers);
  await measure(pageUrl, headers, ports);
  await printResults(admin, session.sessionId);
  await finishCheck(standIn, admin, pageUrl, headers, card.id, session.sessionId);
  await waitFor(() => outboxWaiting() === 0, {
    timeoutMs: 30_000,
    what: 'the receipts to empty the kiosk outbox',
  });
  say('8. the kiosk outbox is empty: the clinic confirmed every reading.');
  say('   One weighing gave one reading, although the scale repeated its stable line while she stood on it;');
  say('   the oximeter streamed 130 packets and gave one reading once her value had settled.');
  if (keepOpen) {
    say(
      `\nEverything is still running. Open ${pageUrl}/ (or ${pageUrl}/?lang=en) in a browser\nand unlock it with the health worker's PIN ${TEST_PAGE_PIN}; Ctrl-C stops.`,
    );
    // SIGTERM too (a process manager, `kill`): without it the agent and servers outlive the demo.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }
  return 0;
}

/** SATUSEHAT's stand-in, which knows the patient and the midwife by NIK. */
async function startStandIn(): Promise<SatusehatFake> {
  const fake = await startSatusehatFake({
    clients: { 'demo-clinic': { secret: 'demo-secret', organizationId: ORGANIZATION } },
    patients: [
      {
        ihsNumber: IHS_NUMBER,
        nik: PATIENT.nik,
        name: PATIENT.name,
        birthDate: PATIENT.birthDate,
        gender: 'female',
      },
    ],
    practitioners: [MIDWIFE],
  });
  say(
    `1. SATUSEHAT stand-in at ${fake.url} (a local imitation of its API; it knows ${PATIENT.name} and ${MIDWIFE.name} by NIK)`,
  );
  satusehat = fake;
  return fake;
}

/** The clinic server with its embedded broker and SQLite record, forwarding to the stand-in. */
async function startClinic(standIn: SatusehatFake): Promise<{ brokerUrl: string; apiUrl: string }> {
  const config = join(dir, 'clinic.yaml');
  writeFileSync(
    config,
    [
      'satusehat:',
      `  authBaseUrl: ${standIn.authBaseUrl}`,
      `  fhirBaseUrl: ${standIn.fhirBaseUrl}`,
      '  clientId: demo-clinic',
      `  organizationId: "${ORGANIZATION}"`,
      '  location: { id: b017aa54-f1df-4ec2-9d84-8823815d7228, display: Ruang Skrining }',
      '  pollMs: 200',
      '',
    ].join('\n'),
  );
  const server = startTsProcess(
    'clinic-server',
    SERVER_CLI,
    ['start', '--db', clinicDb, '--config', config, '--broker-port', '0', '--port', '0'],
    { env: { SATUSEHAT_CLIENT_SECRET: 'demo-secret' } },
  );
  running.push(server);
  const [, brokerUrl] = await server.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/).catch(() => {
    throw new Error(`the clinic server did not start:\n${server.output()}`);
  });
  const [, apiUrl] = await server.waitForLine(/clinic API listening on (http:\/\/[\d.]+:\d+)/);
  say(`2. clinic server started: API ${apiUrl}, embedded MQTT broker ${brokerUrl}, SQLite record`);

  return { brokerUrl: brokerUrl as string, apiUrl: apiUrl as string };
}

/** The operator's first steps: an administrator from the command line, then the kiosk and the people. */
async function registerAtClinic(apiUrl: string) {
  const created = clinicServerCli([
    'client',
    'create',
    '--db',
    clinicDb,
    '--role',
    'admin',
    '--name',
    'demo admin',
    // The administrator of the demo's one clinic: it sees that clinic's patients and kiosks only.
    '--clinic',
    'demo-clinic',
  ]);
  if (created.code !== 0) throw new Error(`clinic-server client create failed: ${created.stderr}`);
  const adminCreds = JSON.parse(created.stdout) as { clientId: string; clientSecret: string };
  const admin = new ClinicClient({ baseUrl: apiUrl as string, ...adminCreds });
  const kiosk = await admin.kiosks.create({ clinicId: 'demo-clinic', kioskId: 'kiosk-1' });
  await admin.patients.create(PATIENT);
  await admin.practitioners.create({ clinicId: 'demo-clinic', name: MIDWIFE.name, nik: MIDWIFE.nik });
  say(
    `3. kiosk-1 registered at the clinic; ${PATIENT.name} and the midwife ${MIDWIFE.name} registered by NIK\n   (no SATUSEHAT numbers yet)`,
  );

  return { admin, kiosk };
}

type Ports = { scale: number; oximeter: number; gateway: number; meter: number };

/** The kiosk agent with its four devices over TCP, and the kiosk page unlocked with the PIN. */
async function startAgent(brokerUrl: string, apiUrl: string, kiosk: KioskCredentials, ports: Ports) {
  const pagePort = await freePort();
  const kioskConfig = join(dir, 'kiosk.yaml');
  writeFileSync(
    kioskConfig,
    [
      'kiosk: { id: kiosk-1, clinicId: demo-clinic }',
      `mqtt: { url: "${brokerUrl}", protocolVersion: 4, username: "${kiosk.mqttUsername}", passwordFile: "${secret('mqtt-password', kiosk.mqttPassword)}" }`,
      `outbox: { path: "${outboxDb}" }`,
      // The health worker's PIN for the kiosk page (a kiosk gets its own with `kiosk-agent set-pin`).
      `http: { port: ${pagePort}, page: { pinHash: "${TEST_PAGE_PIN_HASH}" } }`,
      `clinicApi: { baseUrl: "${apiUrl}", clientId: "${kiosk.clientId}", clientSecretFile: "${secret('api-secret', kiosk.clientSecret)}" }`,
      'devices:',
      `  - { id: scale-1, protocol: ad-scale, port: "tcp://127.0.0.1:${ports.scale}" }`,
      `  - { id: meter-1, protocol: bayer-contour, port: "tcp://127.0.0.1:${ports.meter}" }`,
      `  - { id: oximeter-1, protocol: contec-cms50d-plus, port: "tcp://127.0.0.1:${ports.oximeter}" }`,
      `  - { id: gateway-1, protocol: ble-gateway, port: "tcp://127.0.0.1:${ports.gateway}", dialogue: { devices: [{ address: "${SIMULATED_BLE_ADDRESS}" }] } }`,
      '',
    ].join('\n'),
  );
  const agent = startTsProcess('kiosk-agent', AGENT_CLI, ['start', '--config', kioskConfig]);
  running.push(agent);
  const [, pageUrl] = await agent.waitForLine(/local API on (http:\/\/127\.0\.0\.1:\d+)/);
  say(`4. kiosk agent started; the kiosk page is at ${pageUrl}/ (PIN ${TEST_PAGE_PIN})`);
  // The page's calls answer only once the health worker has unlocked it with the PIN.
  const headers = { cookie: await unlockKioskPage(pageUrl as string, TEST_PAGE_PIN) };

  return { pageUrl: pageUrl as string, headers };
}

/** What the kiosk page does when the health worker types the NIK and presses "Mulai pemeriksaan". */
async function openCheck(pageUrl: string, headers: Record<string, string>) {
  const found = await json<{ data: { id: string; name: string; ageYears: number; sex: string }[] }>(
    fetch(`${pageUrl}/patients/search`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ nik: PATIENT.nik }),
    }),
  );
  const card = found.data[0];
  if (!card) throw new Error('the kiosk did not find the patient by NIK');
  const staff = await json<{ practitioners: { id: string; name: string }[] }>(
    fetch(`${pageUrl}/practitioners`, { headers }),
  );
  const midwife = staff.practitioners.find((p) => p.name === MIDWIFE.name);
  if (!midwife) throw new Error(`the kiosk page does not offer ${MIDWIFE.name} as the health worker`);
  const session = await json<{ sessionId: string; onServer: boolean }>(
    fetch(`${pageUrl}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        patientId: card.id,
        sex: card.sex,
        ageYears: card.ageYears,
        glucoseContext: 'fasting',
        practitionerId: midwife.id,
      }),
    }),
  );
  say(
    `5. ${MIDWIFE.name} chooses her name on the kiosk page, finds ${card.name} (${card.ageYears}) by NIK\n   and starts the check at the clinic`,
  );

  return { card, session };
}

/** The simulated devices measure her, and the height and waist are typed in. */
async function measure(pageUrl: string, headers: Record<string, string>, ports: Ports): Promise<void> {
  for (const [name, port, what] of [
    // Left switched on afterwards, so the kiosk page of `--keep-open` shows them ready, not unplugged.
    [
      'scale',
      ports.scale,
      ['--protocol', 'ad-scale', '--weights', String(WEIGHT_KG), '--interval-ms', '150', '--stay-open'],
    ],
    [
      'oximeter',
      ports.oximeter,
      ['--protocol', 'contec-cms50d-plus', ...oximetry(), '--interval-ms', '5', '--stay-open'],
    ],
    [
      'gateway',
      ports.gateway,
      ['--protocol', 'ble-gateway', '--measurement', JSON.stringify(BLOOD_PRESSURE)],
    ],
    ['meter', ports.meter, ['--protocol', 'bayer-contour', '--measurement', JSON.stringify(GLUCOSE)]],
  ] as const) {
    const device = startTsProcess(name, AGENT_CLI, ['simulate', '--listen', `127.0.0.1:${port}`, ...what]);
    running.push(device);
    await device.waitForLine(/listening on tcp:/);
  }
  say(
    '6. a simulated A&D scale, Contec CMS50D+ oximeter, Bluetooth BP monitor (through the BLE gateway)\n   and Contour glucose meter measure her (fasting); her height and waist are typed in.\n   Results in the clinic record:\n',
  );
  for (const typed of TYPED) {
    await json(fetch(`${pageUrl}/readings/manual`, { method: 'POST', headers, body: JSON.stringify(typed) }));
  }
}

/** One line per reading in the clinic record, with the flags the health worker acts on. */
async function printResults(admin: ClinicClient, screeningId: string): Promise<void> {
  const KINDS = ['weight', 'pulse-oximetry', 'blood-pressure', 'glucose', 'height', 'waist'];
  const observations = await waitFor(
    async () => {
      const page = await admin.observations.list({ screeningId }).firstPage();
      return KINDS.every((k) => page.data.some((o) => o.kind === k)) ? page.data : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `the ${KINDS.join(', ')} in the clinic record` },
  );
  // One line per reading, with the flags the health worker acts on.
  const byReading = new Map<string, typeof observations>();
  for (const o of observations) byReading.set(o.readingId, [...(byReading.get(o.readingId) ?? []), o]);
  for (const values of byReading.values()) {
    const flags = new Map(
      values
        .flatMap((o) => o.flags)
        .filter((f) => !f.code.startsWith('time.'))
        .map((f) => [f.code, f]),
    );
    say(
      `   ${values[0]?.kind.padEnd(15)} ${values.map((o) => `${o.name} ${o.value} ${o.unit}`).join(', ')}${[...flags.values()].map((f) => `\n${' '.repeat(19)}[${f.severity}] ${f.message?.en ?? f.code}`).join('')}`,
    );
  }
}

/** "Selesai": the clinic finishes the screening and sends it to SATUSEHAT. */
async function finishCheck(
  standIn: SatusehatFake,
  admin: ClinicClient,
  pageUrl: string,
  headers: Record<string, string>,
  patientId: string,
  screeningId: string,
): Promise<void> {
  const closed = await json<{
    finished: boolean;
    summary?: { computed: { name: string; value: number | null; unit: string }[] };
  }>(fetch(`${pageUrl}/session`, { method: 'DELETE', headers }));
  if (!closed.finished) throw new Error('the clinic did not finish the screening');
  const sent = await waitFor(
    async () => {
      const s = await admin.screenings.retrieve(screeningId);
      if (s.forwarding.status === 'failed')
        throw new Error(`SATUSEHAT refused the screening: ${JSON.stringify(s.forwarding.outcome)}`);
      return s.forwarding.status === 'sent' ? s : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the screening sent to SATUSEHAT' },
  );
  const patient = await admin.patients.retrieve(patientId);
  const sentObservations = standIn.resources('Observation').length;
  say(
    `\n7. "Selesai": the clinic finished the screening (worst flag: ${sent.severity}), computed\n   ${(closed.summary?.computed ?? []).map((c) => `${c.name} ${c.value} ${c.unit}`).join(', ')}, and sent it to SATUSEHAT:`,
  );
  const encounter = standIn.resources('Encounter')[0]?.resource as
    | { participant?: { individual?: { reference?: string } }[] }
    | undefined;
  const performer = encounter?.participant?.[0]?.individual?.reference;
  if (performer !== `Practitioner/${MIDWIFE.ihsNumber}`)
    throw new Error(`the Encounter names ${performer ?? 'nobody'}, not ${MIDWIFE.name}`);
  say(`   ${PATIENT.name}'s SATUSEHAT number ${patient.ihsNumber} was found by her NIK,`);
  say(`   and ${MIDWIFE.name}'s (${performer}) by hers;`);
  say(`   the stand-in holds 1 Encounter and ${sentObservations} Observations for her.`);
}

async function cleanup() {
  await Promise.all(running.map((p) => p.stop(3000)));
  await satusehat?.close();
  rmSync(dir, { recursive: true, force: true });
}

main()
  .then(async (code) => {
    await cleanup();
    say('\ndemo finished.');
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    for (const p of running) process.stderr.write(`--- ${p.name} output ---\n${p.output().slice(-3000)}\n`);
    await cleanup();
    process.exit(1);
  });
