import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerCa, ConfigError, loadConfig, parseConfig } from './config.js';

const good = {
  kiosk: { id: 'kiosk-1', clinicId: 'clinic-1' },
  mqtt: { url: 'mqtt://127.0.0.1:1883' },
  outbox: { path: 'outbox.db' },
  devices: [{ id: 'scale-1', protocol: 'ad-scale', port: '/dev/ttyUSB0', baudRate: 9600 }],
};

function problemsOf(raw: unknown): readonly string[] {
  try {
    parseConfig(raw, '/var/lib/kd');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('kiosk config', () => {
  it('accepts the minimal shape, fills defaults and resolves the outbox path against the config folder', () => {
    const config = parseConfig(good, '/var/lib/kd');
    expect(config.outbox.path).toBe('/var/lib/kd/outbox.db');
    expect(config.mqtt.protocolVersion).toBe(5);
    expect(config.kiosk.timeZone).toBe('Asia/Jakarta');
    expect(config.mqtt.maxBatch).toBe(50);
  });

  it('names every bad key and how to fix it', () => {
    const problems = problemsOf({
      ...good,
      mqtt: { url: 'localhost:1883', protocolVersion: 3, maxBatch: 501, maxInFlight: 0 },
      devices: [
        { id: 'scale 1', protocol: 'ad-scale', port: '/dev/ttyUSB0', baudRate: '9600', colour: 'red' },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mqtt\.url: .*fix: set it to the broker address/),
        expect.stringMatching(/^mqtt\.protocolVersion: .*fix: use 5 for Mosquitto/),
        expect.stringMatching(/^mqtt\.maxBatch: .*fix: a whole number of readings per message from 1 to 500/),
        expect.stringMatching(/^mqtt\.maxInFlight: .*fix: a whole number of messages from 1 to 1000/),
        expect.stringMatching(/^devices\.0\.id: .*fix: give the device a short id/),
        expect.stringMatching(/^devices\.0\.baudRate: .*fix: set it to the device's baud rate/),
        expect.stringMatching(/^devices\.0\.colour: unknown key/),
      ]),
    );
  });

  it('refuses a time zone the system does not know, and names the Indonesian ones', () => {
    expect(problemsOf({ ...good, kiosk: { ...good.kiosk, timeZone: 'WIB' } })).toEqual([
      expect.stringMatching(/^kiosk\.timeZone: .*fix: .*Asia\/Jakarta \(WIB\)/),
    ]);
    const config = parseConfig({ ...good, kiosk: { ...good.kiosk, timeZone: 'Asia/Makassar' } }, '/');
    expect(config.kiosk.timeZone).toBe('Asia/Makassar');
  });

  it('says a missing key is missing', () => {
    const { kiosk: _k, ...noKiosk } = good;
    expect(problemsOf(noKiosk)).toEqual([
      expect.stringMatching(/^kiosk: .*missing|^kiosk: .*expected object/),
    ]);
  });

  it('refuses two devices with one id', () => {
    expect(problemsOf({ ...good, devices: [good.devices[0], good.devices[0]] })).toEqual([
      expect.stringMatching(/^devices\.1\.id: "scale-1" is used twice/),
    ]);
  });

  it('reports unreadable files and broken YAML in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-config-'));
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/cannot read the config file .*ENOENT/);
    writeFileSync(join(dir, 'bad.yaml'), 'kiosk: [unclosed\n');
    expect(() => loadConfig(join(dir, 'bad.yaml'))).toThrow(/is not valid YAML/);
  });

  it("reads the broker's CA from mqtt.caFile beside the config, and names a missing or wrong file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'broker-ca.pem'), pem);
    const config = parseConfig({ ...good, mqtt: { ...good.mqtt, caFile: 'broker-ca.pem' } }, dir);
    expect(config.mqtt.caFile).toBe(join(dir, 'broker-ca.pem'));
    expect(brokerCa(config)?.toString('utf8')).toBe(pem);
    expect(brokerCa(parseConfig(good, dir))).toBeUndefined();

    const missing = parseConfig({ ...good, mqtt: { ...good.mqtt, caFile: 'gone.pem' } }, dir);
    expect(() => brokerCa(missing)).toThrow(/mqtt\.caFile: cannot read .*gone\.pem \(ENOENT\); fix:/);
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\n');
    const key = parseConfig({ ...good, mqtt: { ...good.mqtt, caFile: 'key.pem' } }, dir);
    expect(() => brokerCa(key)).toThrow(/holds no PEM certificate/);
  });
});
