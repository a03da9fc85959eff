// `pnpm demo`: the whole path of a reading on one machine, with nothing installed but Node.
//
//   simulated A&D scale ──TCP──▶ kiosk agent ──MQTT──▶ embedded broker ──▶ clinic server ──▶ SQLite
//
// Every part is the real program, started as its own process, as in production; only the scale is
// played by `kiosk-agent simulate` (over TCP, so socat is not needed). Exits 0 once every weighing
// is in the clinic record and the kiosk's outbox is empty.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_CLI, type RunningProcess, SERVER_CLI, startTsProcess, waitFor } from '@klinik-desa/testkit';
import Database from 'better-sqlite3';

const WEIGHTS = [62.45, 71.3, 54.8];
const dir = mkdtempSync(join(tmpdir(), 'klinik-desa-demo-'));
const clinicDb = join(dir, 'clinic.db');
const outboxDb = join(dir, 'outbox.db');
const running: RunningProcess[] = [];

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  say('klinik-desa demo: one kiosk, one simulated scale, the clinic server with its embedded broker');
  say(`working folder: ${dir}\n`);

  const server = startTsProcess('clinic-server', SERVER_CLI, [
    'start',
    '--db',
    clinicDb,
    '--broker-port',
    '0',
  ]);
  running.push(server);
  const [, brokerUrl] = await server
    .waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/)
    .catch(async () => {
      throw new Error(`the clinic server did not start:\n${server.output()}`);
    });
  say(`1. clinic server started; embedded MQTT broker at ${brokerUrl}`);

  const scale = startTsProcess('scale', AGENT_CLI, [
    'simulate',
    '--protocol',
    'ad-scale',
    '--listen',
    '127.0.0.1:0',
    '--weights',
    WEIGHTS.join(','),
    '--interval-ms',
    '150',
  ]);
  running.push(scale);
  const [, scaleUrl] = await scale.waitForLine(/listening on (tcp:\/\/[\d.]+:\d+)/);
  say(
    `2. simulated A&D scale ready at ${scaleUrl}; it will weigh ${WEIGHTS.length} people: ${WEIGHTS.join(' kg, ')} kg`,
  );

  const config = join(dir, 'kiosk.yaml');
  writeFileSync(
    config,
    [
      'kiosk: { id: kiosk-1, clinicId: demo-clinic }',
      `mqtt: { url: "${brokerUrl}", protocolVersion: 4 }`,
      `outbox: { path: "${outboxDb}" }`,
      'http: { port: 0 }',
      'devices:',
      `  - { id: scale-1, protocol: ad-scale, port: "${scaleUrl}" }`,
      '',
    ].join('\n'),
  );
  const agent = startTsProcess('kiosk-agent', AGENT_CLI, [
    'start',
    '--config',
    config,
    '--log-level',
    'warn',
  ]);
  running.push(agent);
  say('3. kiosk agent started; readings as they land in the clinic record:\n');

  const seen = new Set<string>();
  await waitFor(
    () => {
      let rows: { id: string; body: string }[] = [];
      try {
        const db = new Database(clinicDb, { readonly: true, fileMustExist: true });
        rows = db.prepare('SELECT id, body FROM readings ORDER BY id').all() as {
          id: string;
          body: string;
        }[];
        db.close();
      } catch {
        return false;
      }
      for (const row of rows) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        const r = JSON.parse(row.body) as {
          kind: string;
          device: { id: string };
          kioskId: string;
          values: { name: string; value: number; unit: string }[];
        };
        const v = r.values[0];
        say(
          `   stored  ${r.kind} ${v?.value} ${v?.unit}  from ${r.device.id} at ${r.kioskId}  (reading ${row.id})`,
        );
      }
      return seen.size >= WEIGHTS.length;
    },
    { timeoutMs: 60_000, intervalMs: 100, what: `${WEIGHTS.length} readings in the clinic record` },
  );
  await waitFor(
    () => {
      const db = new Database(outboxDb, { readonly: true, fileMustExist: true });
      const n = (
        db.prepare("SELECT count(*) AS n FROM outbox WHERE state != 'received'").get() as { n: number }
      ).n;
      db.close();
      return n === 0;
    },
    { timeoutMs: 30_000, what: 'the receipts to empty the kiosk outbox' },
  );
  say(
    `\n4. all ${WEIGHTS.length} weighings are in the clinic record, once each; the kiosk outbox is empty (every receipt arrived).`,
  );
  say(
    '   One weighing gave one reading, although the scale repeated its stable line while each person stood on it.',
  );
  return 0;
}

async function cleanup() {
  await Promise.all(running.map((p) => p.stop(3000)));
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
