import { describe, expect, it } from 'vitest';
import { parseConfigFile, resolveStartOptions } from './config.js';

describe('start options', () => {
  it('take flags over the environment over the config file', () => {
    const file = parseConfigFile(
      'db: file.db\nbroker: { url: "mqtt://file:1883", version: 4 }\nhttp: { port: 9000 }\n',
      'c.yaml',
    );
    expect(resolveStartOptions({}, {}, file)).toMatchObject({
      db: 'file.db',
      brokerUrl: 'mqtt://file:1883',
      httpPort: 9000,
    });
    expect(
      resolveStartOptions({}, { DATABASE_URL: 'postgres://h/db', CLINIC_SERVER_PORT: '0' }, file),
    ).toMatchObject({
      db: 'postgres://h/db',
      httpPort: 0,
    });
    expect(
      resolveStartOptions({ db: 'flag.db', port: 1 }, { DATABASE_URL: 'postgres://h/db' }, file),
    ).toMatchObject({
      db: 'flag.db',
      httpPort: 1,
      protocolVersion: 4,
    });
  });

  it('refuse a missing database, a bad port and SATUSEHAT settings without their secret', () => {
    expect(() => resolveStartOptions({}, {}, {})).toThrow('--db <sqlite path> is required');
    expect(() => resolveStartOptions({ db: 'x' }, { CLINIC_SERVER_PORT: 'eighty' }, {})).toThrow(
      /CLINIC_SERVER_PORT/,
    );
    const file = parseConfigFile(
      'satusehat: { environment: sandbox, organizationId: "100", location: { id: l, display: Ruang } }\n',
      'c.yaml',
    );
    expect(() => resolveStartOptions({ db: 'x' }, {}, file)).toThrow(/SATUSEHAT_CLIENT_SECRET/);
    const ok = resolveStartOptions(
      { db: 'x' },
      { SATUSEHAT_CLIENT_ID: 'id', SATUSEHAT_CLIENT_SECRET: 's' },
      file,
    );
    expect(ok.satusehat).toMatchObject({
      environment: 'sandbox',
      clientId: 'id',
      clientSecret: 's',
      organizationId: '100',
    });
  });

  it('name each bad key of a config file with its fix', () => {
    expect(() =>
      parseConfigFile('broker: { url: localhost }\nhttp: { port: -1 }\nextra: 1\n', 'c.yaml'),
    ).toThrow(
      /c\.yaml: broker\.url: use a URL such as mqtt:\/\/127\.0\.0\.1:1883; fix: set it to the broker address/,
    );
    expect(() => parseConfigFile(': : :', 'c.yaml')).toThrow(/not valid YAML/);
  });

  it('take CORS origins from the config file, and name a bad one with its fix', () => {
    const file = parseConfigFile(
      'db: c.db\nhttp: { corsOrigins: ["https://dashboard.example.id", "http://127.0.0.1:5173"] }\n',
      'c.yaml',
    );
    expect(resolveStartOptions({}, {}, file).corsOrigins).toEqual([
      'https://dashboard.example.id',
      'http://127.0.0.1:5173',
    ]);
    expect(() =>
      parseConfigFile(
        'http: { corsOrigins: ["https://ok.example.id", "https://dashboard.example.id/"] }\n',
        'c.yaml',
      ),
    ).toThrow(/c\.yaml: http\.corsOrigins\.1: not a web origin .*; fix: .*no path or trailing slash/);
  });

  it('take the villages of the quarterly report from the config file, and name an empty one with its fix', () => {
    const file = parseConfigFile('db: c.db\nreport: { villages: { klinik-1: Sukamaju } }\n', 'c.yaml');
    expect(resolveStartOptions({}, {}, file).report).toEqual({ villages: { 'klinik-1': 'Sukamaju' } });
    expect(() => parseConfigFile('report: { villages: { klinik-1: "" } }\n', 'c.yaml')).toThrow(
      /c\.yaml: report\.villages\.klinik-1: .*; fix: set it to \{ "<clinic id>": "<village name>" \}/,
    );
  });

  it('take the BMI table of the screening from the config file, and name a wrong one with its fix', () => {
    const file = parseConfigFile(
      'db: c.db\nscreening: { bmiTable: national, timeZone: Asia/Makassar }\n',
      'c.yaml',
    );
    expect(resolveStartOptions({}, {}, file).screening).toEqual({
      bmiTable: 'national',
      timeZone: 'Asia/Makassar',
    });
    expect(() => parseConfigFile('screening: { timeZone: Asia/Bandung }\n', 'c.yaml')).toThrow(
      /c\.yaml: screening\.timeZone: not a time zone this server knows; fix: .*Asia\/Makassar \(WITA\)/,
    );
    expect(() => parseConfigFile('screening: { bmiTable: who }\n', 'c.yaml')).toThrow(
      /c\.yaml: screening\.bmiTable: .*; fix: set it to ilp .* or national/,
    );
  });

  it.each([
    ['kioskEventsKeepDays', 7, 0, 'the days a kiosk event is kept, from 1 to 3650'],
    ['readingsKeepMonths', 120, 0.5, 'the months of readings kept before the current one'],
  ] as const)(
    'take %s (how long records are kept) from the config file, and name a wrong value with its fix',
    (key, good, bad, fix) => {
      const file = parseConfigFile(`db: postgres://db/clinic\n${key}: ${good}\n`, 'c.yaml');
      expect(resolveStartOptions({}, {}, file)[key]).toBe(good);
      expect(resolveStartOptions({}, {}, parseConfigFile('db: c.db\n', 'c.yaml'))).not.toHaveProperty(key);
      expect(() => parseConfigFile(`${key}: ${bad}\n`, 'c.yaml')).toThrow(`c.yaml: ${key}: `);
      expect(() => parseConfigFile(`${key}: ${bad}\n`, 'c.yaml')).toThrow(`; fix: set it to ${fix}`);
    },
  );

  it('take the RabbitMQ transport with its password from the environment, and name what is missing', () => {
    const file = parseConfigFile(
      'db: x.db\nbroker: { transport: rabbitmq, amqpUrl: "amqp://ingest@mq1:5672", amqpPrefetch: 100 }\n',
      'c.yaml',
    );
    expect(resolveStartOptions({}, { AMQP_PASSWORD: 'p@ss' }, file)).toMatchObject({
      transport: 'rabbitmq',
      amqpUrl: 'amqp://ingest:p%40ss@mq1:5672',
      amqpPrefetch: 100,
    });
    expect(() => resolveStartOptions({ db: 'x.db', transport: 'rabbitmq' }, {}, {})).toThrow(/--amqp-url/);
    expect(() =>
      resolveStartOptions({ db: 'x.db', transport: 'rabbitmq', amqpUrl: 'mqtt://x' }, {}, {}),
    ).toThrow(/amqp:\/\/ or amqps:\/\//);
    expect(() => parseConfigFile('broker: { amqpUrl: "http://x" }\n', 'c.yaml')).toThrow(
      /broker.amqpUrl.*fix: set it to the RabbitMQ address/,
    );
  });

  it("take the broker's CA file from the flag, the environment or the file, and only with an external broker", () => {
    const file = parseConfigFile(
      'db: c.db\nbroker: { url: "mqtts://mqtt.example.id:8883", caFile: /etc/kd/file-ca.pem }\n',
      'c.yaml',
    );
    expect(resolveStartOptions({}, {}, file).brokerCaFile).toBe('/etc/kd/file-ca.pem');
    expect(resolveStartOptions({}, { MQTT_CA_FILE: '/env-ca.pem' }, file).brokerCaFile).toBe('/env-ca.pem');
    expect(
      resolveStartOptions({ brokerCa: '/flag-ca.pem' }, { MQTT_CA_FILE: '/env-ca.pem' }, file).brokerCaFile,
    ).toBe('/flag-ca.pem');
    expect(() => resolveStartOptions({ db: 'x', brokerCa: '/ca.pem' }, {}, {})).toThrow(
      /--broker-ca names the CA of an external broker: give --broker mqtts:/,
    );
  });
});
