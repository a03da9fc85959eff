import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClinicCliError,
  type ClinicServerProcess,
  clinicServerCli,
  startClinicServerProcess,
} from './clinic.js';
import { type MosquittoBroker, type MosquittoOptions, startMosquitto } from './mosquitto.js';

/** The broker users `clinic-server mosquitto-config` writes unless told other names. */
export const MOSQUITTO_INGEST_USER = 'klinik-desa-ingest';
export const MOSQUITTO_ADMIN_USER = 'klinik-desa-admin';

/** The passwords of the clinic server's two broker logins: its ingest and the dynsec administrator. */
export interface MosquittoPasswords {
  ingest: string;
  admin: string;
}

/**
 * Runs `clinic-server mosquitto-config` for the kiosks registered in `db`, as an operator does
 * before starting Mosquitto, and returns the dynamic-security.json it wrote into `out`.
 */
export function writeMosquittoConfig(db: string, out: string, passwords: MosquittoPasswords): string {
  const r = clinicServerCli(['mosquitto-config', '--db', db, '--out', out], {
    MQTT_PASSWORD: passwords.ingest,
    MQTT_ADMIN_PASSWORD: passwords.admin,
  });
  if (r.code !== 0) throw new ClinicCliError(`mosquitto-config failed: ${r.stderr}`);
  return readFileSync(join(out, 'dynamic-security.json'), 'utf8');
}

export interface ClinicOnMosquitto {
  readonly broker: MosquittoBroker;
  readonly server: ClinicServerProcess;
  /** The ingest's MQTT client id, which no kiosk may take. */
  readonly ingestClientId: string;
  /** Stops the server, then the broker. */
  stop(): Promise<void>;
}

/**
 * The production pairing: a real Mosquitto loaded with the dynamic-security file written for
 * `db`'s kiosks, and a clinic server on it that logs in both as the ingest and as the dynsec
 * administrator. Kiosks registered before the call reach the broker through the file; later ones,
 * and revocations, through the administrator login.
 */
export async function startClinicOnMosquitto(
  db: string,
  passwords: MosquittoPasswords,
  options: Pick<MosquittoOptions, 'tls'> = {},
): Promise<ClinicOnMosquitto> {
  const out = mkdtempSync(join(tmpdir(), 'kd-mosquitto-config-'));
  const broker = await startMosquitto({
    dynamicSecurity: writeMosquittoConfig(db, out, passwords),
    ...options,
  });
  // Pinned per broker, so a test can try to take it; the server's default names the host.
  const ingestClientId = `ingest-${broker.port}`;
  let server: ClinicServerProcess;
  try {
    server = await startClinicServerProcess(
      'clinic-server',
      [
        '--db',
        db,
        '--broker',
        broker.url,
        '--username',
        MOSQUITTO_INGEST_USER,
        '--client-id',
        ingestClientId,
        '--mqtt-admin-user',
        MOSQUITTO_ADMIN_USER,
        ...(options.tls ? ['--broker-ca', options.tls.caFile] : []),
      ],
      { MQTT_PASSWORD: passwords.ingest, MQTT_ADMIN_PASSWORD: passwords.admin },
    );
  } catch (error) {
    await broker.stop();
    throw error;
  }
  return {
    broker,
    server,
    ingestClientId,
    async stop() {
      await server.stop();
      await broker.stop();
    },
  };
}
