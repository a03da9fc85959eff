import { KioskId } from '@klinik-desa/protocol';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError } from '../errors.js';

/**
 * What `clinic-server kiosks provision` hands each new kiosk, as pure data: its id, and the
 * kiosk-agent config (kiosk.yaml) with its broker login. The ids and the file are decided here;
 * the record, the broker and the disk are the command's.
 */

/** More at once is a typing slip more often than a fleet: provision a district in several runs. */
export const PROVISION_MAX = 1000;

/**
 * `count` free ids `<prefix><n>` after the highest number already taken with that prefix, so a
 * second run for the same clinic continues the row instead of colliding with the first. Numbers
 * are padded to three digits (four past 999), so the ids sort as they were made.
 */
export function nextKioskIds(taken: readonly string[], prefix: string, count: number): string[] {
  const pattern = new RegExp(`^${prefix.replace(/[-_]/g, '\\$&')}(\\d+)$`);
  const highest = Math.max(0, ...taken.map((id) => Number(pattern.exec(id)?.[1] ?? 0)));
  const width = highest + count > 999 ? 4 : 3;
  const ids = Array.from(
    { length: count },
    (_, i) => `${prefix}${String(highest + 1 + i).padStart(width, '0')}`,
  );
  const bad = ids.find((id) => !KioskId.safeParse(id).success);
  if (bad !== undefined) {
    throw new ConfigError(
      'USAGE',
      `--prefix "${prefix}" makes kiosk ids such as "${bad}", which are not 1-64 letters, digits, "-" or "_": choose a shorter prefix of those characters, e.g. --prefix kiosk-`,
    );
  }
  return ids;
}

/** The parts of a kiosk.yaml every provisioned kiosk shares (devices, outbox...): the Debian package's defaults. */
export const DEFAULT_KIOSK_TEMPLATE: Record<string, unknown> = {
  kiosk: { timeZone: 'Asia/Jakarta' },
  mqtt: { protocolVersion: 5 },
  outbox: { path: '/var/lib/klinik-desa-kiosk/outbox.db', capacity: 100_000, keepReceivedDays: 7 },
  http: { port: 8710 },
  devices: [{ id: 'ble-gateway', protocol: 'ble-gateway', port: '/dev/klinik-desa/ble-gateway' }],
};

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A template kiosk.yaml (`--template`): any kiosk config; its ids and logins are replaced per kiosk. */
export function parseKioskTemplate(text: string, path: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      'USAGE',
      `--template ${path} is not valid YAML (${(error as Error).message.split('\n')[0]}): fix it, or leave --template out for the default kiosk.yaml`,
    );
  }
  if (!isMapping(raw) || !Array.isArray(raw['devices'])) {
    throw new ConfigError(
      'USAGE',
      `--template ${path} is not a kiosk config with a devices list: start from a kiosk.yaml that passes kiosk-agent check-config`,
    );
  }
  return raw;
}

export interface KioskLogin {
  clinicId: string;
  kioskId: string;
  /** The MQTT user name and API client id, `kiosk.<clinicId>.<kioskId>`. */
  username: string;
  secret: string;
}

export interface KioskYamlOptions {
  brokerUrl: string;
  /** The clinic API for the kiosk page; without it the kiosk.yaml has no clinicApi section. */
  apiUrl?: string | undefined;
  template?: Record<string, unknown>;
}

/**
 * One kiosk's kiosk.yaml: the template with this kiosk's ids and its one secret as both its broker
 * password and its API client secret. The file holds a secret: it is written with mode 0600.
 */
export function kioskYaml(login: KioskLogin, options: KioskYamlOptions): string {
  const template = options.template ?? DEFAULT_KIOSK_TEMPLATE;
  const kiosk = isMapping(template['kiosk']) ? template['kiosk'] : {};
  const mqtt = isMapping(template['mqtt']) ? template['mqtt'] : {};
  const { password: _p, passwordFile: _f, username: _u, url: _url, ...mqttRest } = mqtt;
  const { clinicApi: _api, kiosk: _k, mqtt: _m, ...rest } = template;
  const config: Record<string, unknown> = {
    kiosk: { ...kiosk, id: login.kioskId, clinicId: login.clinicId },
    mqtt: { url: options.brokerUrl, ...mqttRest, username: login.username, password: login.secret },
    ...rest,
    ...(options.apiUrl
      ? { clinicApi: { baseUrl: options.apiUrl, clientId: login.username, clientSecret: login.secret } }
      : {}),
  };
  return [
    `# Kiosk ${login.clinicId}/${login.kioskId}, written by \`clinic-server kiosks provision\`.`,
    "# It holds the kiosk's secret: keep it mode 0600 and copy it to the kiosk as /etc/klinik-desa/kiosk.yaml.",
    '# Check it there with: kiosk-agent check-config --config /etc/klinik-desa/kiosk.yaml',
    stringifyYaml(config),
  ].join('\n');
}
