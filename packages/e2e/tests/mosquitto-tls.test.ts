// Mosquitto with TLS and dynamic security, as docs/operations.md sets it up: a private CA made with
// openssl, a broker whose only listener is TLS, the clinic server's ingest and administrator logins
// trusting that CA (--broker-ca), and a kiosk on mqtts:// whose readings are stored and answered.
// Plain MQTT, a client that does not trust the CA, and a wrong password are all refused.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KioskCredentials, type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import {
  type ClinicOnMosquitto,
  clinicServerCli,
  makeTlsFiles,
  startClinicOnMosquitto,
  type TlsFiles,
  waitFor,
} from '@klinik-desa/testkit';
import mqtt, { type IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKiosksInRecord } from '../src/clinic-kiosk.js';
import { Stack, stackPerTest, weighing } from '../src/stack.js';
import { storedReadingIds } from '../src/stored-readings.js';
import { weightReading } from '../src/weight-reading.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-mosquitto-tls-'));
const db = join(dir, 'clinic.db');
const PASSWORDS = { ingest: 'ingest-password-for-tls-tests', admin: 'admin-password-for-tls-tests' };
let kiosk: KioskCredentials;
let tls: TlsFiles;
let clinic: ClinicOnMosquitto | undefined;

beforeAll(async () => {
  [kiosk] = (await registerKiosksInRecord(db, 'clinic-1', ['kiosk-tls'])) as [KioskCredentials];
  tls = makeTlsFiles(dir);
  clinic = await startClinicOnMosquitto(db, PASSWORDS, { tls });
});

afterAll(async () => {
  await clinic?.stop();
});

/** How a connection attempt ended: connected, or the error's code and message. */
async function tryConnect(url: string, options: IClientOptions): Promise<string> {
  try {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...options,
    });
    await client.endAsync(true);
    return 'connected';
  } catch (error) {
    const e = error as Error & { code?: string | number };
    return `${e.code ?? ''} ${e.message}`;
  }
}

describe('Mosquitto with TLS and dynamic security', () => {
  it("stores a kiosk's reading sent over mqtts:// to a server that trusts the CA given with --broker-ca", async () => {
    const url = clinic!.broker.url;
    expect(url).toMatch(/^mqtts:\/\//);
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      clientId: kiosk.mqttUsername,
      username: kiosk.mqttUsername,
      password: kiosk.mqttPassword,
      ca: readFileSync(tls.caFile),
    });
    try {
      const receipts: Receipt[] = [];
      client.on('message', (_topic, payload) => {
        receipts.push(...ReceiptMessage.parse(JSON.parse(payload.toString('utf8'))).receipts);
      });
      await client.subscribeAsync(topics.receipts('clinic-1', 'kiosk-tls'), { qos: 1 });
      const reading = weightReading('clinic-1', 'kiosk-tls');
      await client.publishAsync(topics.readings('clinic-1', 'kiosk-tls'), JSON.stringify(reading), {
        qos: 1,
      });
      await waitFor(() => receipts.some((r) => r.readingId === reading.id), { what: 'the receipt over TLS' });
      expect(receipts.find((r) => r.readingId === reading.id)?.status).toBe('stored');
      expect(storedReadingIds(db)).toContain(reading.id);
    } finally {
      await client.endAsync();
    }
  });

  it('refuses plain MQTT on the TLS port, a client without the CA, and a wrong password', async () => {
    const port = clinic!.broker.port;
    const credentials = {
      clientId: kiosk.mqttUsername,
      username: kiosk.mqttUsername,
      password: kiosk.mqttPassword,
    };
    expect(await tryConnect(`mqtt://127.0.0.1:${port}`, credentials)).not.toBe('connected');
    // Node's own CAs do not know the private CA: the broker's certificate is not trusted.
    expect(await tryConnect(`mqtts://127.0.0.1:${port}`, credentials)).toMatch(
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/,
    );
    expect(
      await tryConnect(`mqtts://127.0.0.1:${port}`, {
        ...credentials,
        password: 'not-the-password',
        ca: readFileSync(tls.caFile),
      }),
    ).toMatch(/Bad User Name or Password|Not authorized/i);
  });

  it('names a missing --broker-ca file and stops before serving', () => {
    const r = clinicServerCli([
      'start',
      '--db',
      join(dir, 'other.db'),
      '--port',
      '0',
      '--broker',
      clinic!.broker.url,
      '--broker-ca',
      join(dir, 'no-such-ca.pem'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`cannot read the broker CA file ${join(dir, 'no-such-ca.pem')} (ENOENT)`);
  });
});

describe('a real kiosk agent on mqtts://', () => {
  const track = stackPerTest();

  it('sends a weighing from its scale to a clinic server, both trusting the broker through their CA file', async () => {
    const files = makeTlsFiles(mkdtempSync(join(tmpdir(), 'kd-agent-tls-')));
    const stack = await track(new Stack({ mqttVersion: 5, tls: files })).start();
    expect(stack.broker.url).toMatch(/^mqtts:\/\//);
    stack.write(weighing(61.4));
    const [reading] = await stack.waitForRecords(1);
    expect(reading?.values[0]?.value).toBe(61.4);
    await stack.waitForEmptyOutbox();
  });
});
