import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import { DEFAULT_KIOSK_TEMPLATE, kioskYaml, nextKioskIds, parseKioskTemplate } from './kiosk-files.js';

const login = {
  clinicId: 'clinic-1',
  kioskId: 'kiosk-007',
  username: 'kiosk.clinic-1.kiosk-007',
  secret: 's3cret',
};

describe('nextKioskIds', () => {
  it('continues after the highest number taken with the prefix, padded to three digits', () => {
    expect(nextKioskIds([], 'kiosk-', 3)).toEqual(['kiosk-001', 'kiosk-002', 'kiosk-003']);
    expect(nextKioskIds(['kiosk-002', 'kiosk-010', 'lobby', 'posyandu-99'], 'kiosk-', 2)).toEqual([
      'kiosk-011',
      'kiosk-012',
    ]);
    expect(nextKioskIds(['posyandu-99'], 'posyandu-', 1)).toEqual(['posyandu-100']);
  });

  it('pads to four digits once the row passes 999, so the ids still sort as made', () => {
    const ids = nextKioskIds(['k998'], 'k', 3);
    expect(ids).toEqual(['k0999', 'k1000', 'k1001']);
  });

  it('refuses a prefix that makes ids no topic may carry, naming the fix', () => {
    expect(() => nextKioskIds([], 'kiosk/', 1)).toThrow(ConfigError);
    expect(() => nextKioskIds([], 'x'.repeat(63), 1)).toThrow(/choose a shorter prefix/);
  });
});

describe('kioskYaml', () => {
  it('writes the kiosk ids and its one secret as broker password and API secret', () => {
    const config = parse(
      kioskYaml(login, { brokerUrl: 'mqtts://broker.example:8883', apiUrl: 'https://clinic.example.id' }),
    );
    expect(config).toMatchObject({
      kiosk: { id: 'kiosk-007', clinicId: 'clinic-1', timeZone: 'Asia/Jakarta' },
      mqtt: { url: 'mqtts://broker.example:8883', username: 'kiosk.clinic-1.kiosk-007', password: 's3cret' },
      clinicApi: {
        baseUrl: 'https://clinic.example.id',
        clientId: 'kiosk.clinic-1.kiosk-007',
        clientSecret: 's3cret',
      },
      devices: DEFAULT_KIOSK_TEMPLATE['devices'],
    });
    expect(parse(kioskYaml(login, { brokerUrl: 'mqtt://h:1883' }))).not.toHaveProperty('clinicApi');
  });

  it("keeps a template's devices and settings and replaces its ids and logins", () => {
    const template = parseKioskTemplate(
      [
        'kiosk: { id: old, clinicId: old-clinic, timeZone: Asia/Makassar }',
        'mqtt: { url: "mqtt://old:1", passwordFile: /etc/pw, protocolVersion: 4, reconnectMaxMs: 1000 }',
        'outbox: { path: /data/outbox.db }',
        'devices: [{ id: scale-1, protocol: ad-scale, port: /dev/ttyUSB0 }]',
        'clinicApi: { baseUrl: "http://old", clientId: old, clientSecretFile: /etc/api }',
      ].join('\n'),
      'tpl.yaml',
    );
    const config = parse(kioskYaml(login, { brokerUrl: 'mqtt://new:1883', template }));
    expect(config).toEqual({
      kiosk: { id: 'kiosk-007', clinicId: 'clinic-1', timeZone: 'Asia/Makassar' },
      mqtt: {
        url: 'mqtt://new:1883',
        protocolVersion: 4,
        reconnectMaxMs: 1000,
        username: 'kiosk.clinic-1.kiosk-007',
        password: 's3cret',
      },
      outbox: { path: '/data/outbox.db' },
      devices: [{ id: 'scale-1', protocol: 'ad-scale', port: '/dev/ttyUSB0' }],
    });
  });

  it('refuses a template that is not a kiosk config, naming the file', () => {
    expect(() => parseKioskTemplate('a: [', 'bad.yaml')).toThrow(/bad.yaml is not valid YAML/);
    expect(() => parseKioskTemplate('kiosk: {}', 'nodev.yaml')).toThrow(/nodev.yaml is not a kiosk config/);
  });
});
