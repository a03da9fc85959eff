// The fleet page in real Chromium, against a real clinic server process (embedded broker, SQLite):
// a kiosk publishes its status and events over MQTT with its own credentials, and the page, given
// a clinic administrator's token, shows the alerts a puskesmas worker reads, in Bahasa Indonesia
// first and in English on request, and nothing of another clinic.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FleetOverview,
  type KioskCredentials,
  type KioskStatus,
  newUuidV7,
  topics,
} from '@klinik-desa/protocol';
import {
  ApiTestClient,
  type ClinicServerProcess,
  createAdminClient,
  startClinicServerProcess,
  waitFor,
} from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openKioskPage, scriptErrors } from '../src/kiosk-browser.js';

const A = 'clinic-fleet-a';
const Z = 'clinic-fleet-z';
const HOUR = 3_600_000;

describe('the fleet page', () => {
  let server: ClinicServerProcess;
  let browser: Browser;
  let adminA: ApiTestClient;

  beforeAll(async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'kd-fleet-page-')), 'clinic.db');
    const national = createAdminClient(db);
    const ofA = createAdminClient(db, [A]);
    server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
    const [, brokerUrl] = await server.process.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/);
    const root = await new ApiTestClient(server.httpUrl, national.clientId, national.clientSecret).signIn();
    const register = async (clinicId: string, kioskId: string) => {
      const r = await root.request<KioskCredentials>('POST', '/kiosks', { clinicId, kioskId });
      if (r.status !== 201) throw new Error(`register ${clinicId}/${kioskId}: ${r.status}`);
      return r.body;
    };
    const kiosk = await register(A, 'kiosk-1');
    await register(A, 'kiosk-2');
    await register(Z, 'kiosk-z');
    adminA = await new ApiTestClient(server.httpUrl, ofA.clientId, ofA.clientSecret).signIn();

    // The kiosk speaks for itself over MQTT: its clock 10.5 minutes ahead, a reading waiting 30
    // hours, its scale failed, and 25 decode errors reported.
    const mq = await mqtt.connectAsync(brokerUrl!, {
      protocolVersion: 4,
      clientId: kiosk.mqttUsername,
      username: kiosk.mqttUsername,
      password: kiosk.mqttPassword,
      reconnectPeriod: 0,
    });
    const now = Date.now();
    const status: KioskStatus = {
      state: 'online',
      clinicId: A,
      kioskId: 'kiosk-1',
      at: new Date(now + 10.5 * 60_000).toISOString(),
      devices: [
        { id: 'scale-1', protocol: 'and-scale', state: 'failed', errors: { BAD_CHECKSUM: 3 } },
        { id: 'spo2-1', protocol: 'cms50', state: 'connected', errors: {} },
      ],
      outbox: {
        depth: 3,
        capacity: 10_000,
        oldestAt: new Date(now - 30 * HOUR).toISOString(),
        nearlyFull: false,
      },
    };
    await mq.publishAsync(topics.status(A, 'kiosk-1'), JSON.stringify(status), { qos: 1, retain: true });
    await mq.publishAsync(
      topics.events(A, 'kiosk-1'),
      JSON.stringify({
        id: newUuidV7(),
        clinicId: A,
        kioskId: 'kiosk-1',
        at: status.at,
        type: 'decode-errors',
        deviceId: 'scale-1',
        code: 'BAD_CHECKSUM',
        count: 25,
      }),
      { qos: 1 },
    );
    await mq.endAsync();
    await waitFor(
      async () => {
        const r = await adminA.request<FleetOverview>('GET', '/fleet');
        const k = r.body.clinics?.[0]?.kiosks.find((x) => x.kioskId === 'kiosk-1');
        return k?.state === 'online' && k.last24h.decodeErrors === 25;
      },
      { timeoutMs: 20_000, what: "kiosk-1's status and event in GET /fleet" },
    );
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows each alert with what to do, in Bahasa Indonesia first, then in English', async () => {
    const page = await openKioskPage(browser, `${server.httpUrl}/ui/fleet#token=${adminA.accessToken}`, {
      width: 1280,
      height: 900,
    });
    // The token leaves the address bar.
    expect(new URL(page.url()).hash).toBe('');
    const alerts = page.getByTestId('alert');
    await alerts.first().waitFor({ timeout: 20_000 });
    expect(await page.locator('html').getAttribute('lang')).toBe('id');
    const text = async () => (await alerts.allTextContents()).join('\n');
    const id = await text();
    expect(id).toContain('Alat scale-1 gagal dan dimatikan sampai agen kiosk dinyalakan ulang.');
    expect(id).toContain('Periksa kabel dan daya alat, lalu nyalakan ulang agen kiosk.');
    expect(id).toContain(
      'Pembacaan tertua yang belum dikonfirmasi klinik berumur 30 jam (3 pembacaan menunggu).',
    );
    expect(id).toContain('Jam kiosk lebih cepat 10 menit dari server klinik.');
    expect(id).toContain('Atur jam kiosk: aktifkan sinkronisasi waktu (timedatectl set-ntp true)');
    expect(id).toContain('25 galat baca alat dalam 24 jam terakhir.');
    // Critical first.
    const severities = await alerts.evaluateAll((els) => els.map((e) => e.className));
    expect(severities.indexOf('alert warning')).toBeGreaterThan(severities.lastIndexOf('alert critical'));

    const table = await page.getByTestId('clinics').textContent();
    expect(table).toContain(`Klinik ${A}`);
    expect(table).toContain('1 kiosk daring dari 2');
    expect(table).toContain('belum terdengar');
    expect(table).not.toContain(Z);

    await page.getByTestId('lang').click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const en = await text();
    expect(en).toContain('Device scale-1 failed and stays off until the kiosk agent restarts.');
    expect(en).toContain("The kiosk's clock is 10 min ahead of the clinic server.");
    expect(en).toContain('The oldest reading the clinic has not confirmed is 30 h old (3 readings waiting).');
    expect(await page.getByTestId('clinics').textContent()).toContain('1 kiosks online of 2');
    expect(scriptErrors(page)).toEqual([]);
    await page.close();
  });

  it('exports the same fleet on /metrics for Prometheus', async () => {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(text).toContain(`kd_fleet_kiosks{clinic="${A}",state="online"} 1`);
    expect(text).toContain(`kd_fleet_kiosks{clinic="${A}",state="unknown"} 1`);
    expect(text).toContain(`kd_kiosk_devices_failed{clinic="${A}",kiosk="kiosk-1"} 1`);
    expect(text).toContain(`kd_kiosk_outbox_backlog_readings{clinic="${A}",kiosk="kiosk-1"} 3`);
    expect(text).toMatch(
      new RegExp(`kd_kiosk_clock_skew_seconds\\{clinic="${A}",kiosk="kiosk-1"\\} 6[23]\\d`),
    );
    expect(text).toContain('kd_fleet_facts_ok 1');
  });

  it('tells a worker without a valid token how to open it, and is served under a strict CSP', async () => {
    const r = await fetch(`${server.httpUrl}/ui/fleet`);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await browser.newPage();
    await page.goto(`${server.httpUrl}/ui/fleet#token=not-a-token`);
    const problem = page.getByTestId('problem');
    await problem.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await problem.textContent()).toContain(
      'Tidak dapat masuk: sesi atau token tidak ada, salah atau kedaluwarsa. Masuk lagi di /masuk?next=/ui/fleet',
    );
    expect(await page.getByTestId('alert').count()).toBe(0);
    await page.close();
  });
});
