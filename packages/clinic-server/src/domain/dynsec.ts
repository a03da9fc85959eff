import { TOPIC_ROOT } from '@klinik-desa/protocol';
import { ConfigError } from '../errors.js';
import { kioskUsername } from './acl.js';

/**
 * Mosquitto's dynamic security plugin, as pure data: the file `mosquitto-config` writes and the
 * commands the clinic server sends on `$CONTROL/dynamic-security/v1`. The rules are those of
 * domain/acl.ts (the embedded broker's): a kiosk publishes only under its own topics and reads only
 * its own receipts, and connects only with its user name as client id (`clientid` pinned).
 */

export const DYNSEC_CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = '$CONTROL/dynamic-security/v1/response';
export const DYNSEC_PLUGIN_PATH = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
export const INGEST_ROLE = 'klinik-desa-ingest';
export const ADMIN_ROLE = 'klinik-desa-dynsec-admin';

type AclType =
  | 'publishClientSend'
  | 'publishClientReceive'
  | 'subscribeLiteral'
  | 'subscribePattern'
  | 'unsubscribeLiteral'
  | 'unsubscribePattern';
export interface DynsecAcl {
  acltype: AclType;
  topic: string;
  priority: number;
  allow: boolean;
}
export interface DynsecRole {
  rolename: string;
  acls: DynsecAcl[];
}
/** A client as the plugin keeps it: PBKDF2-SHA512, base64 hash and salt. */
export interface DynsecClient {
  username: string;
  textname: string;
  clientid?: string;
  password: string;
  salt: string;
  iterations: number;
  roles: { rolename: string }[];
}
export interface DynsecFile {
  defaultACLAccess: Record<
    'publishClientSend' | 'publishClientReceive' | 'subscribe' | 'unsubscribe',
    boolean
  >;
  clients: DynsecClient[];
  groups: never[];
  roles: DynsecRole[];
}

const allow = (acltype: AclType, topic: string): DynsecAcl => ({ acltype, topic, priority: 0, allow: true });

/**
 * A `$7$<iterations>$<salt>$<hash>` secret hash (Mosquitto's password-file form, the one the record
 * keeps) in the plugin's form. Both are PBKDF2-SHA512 with a 64-byte output, so no secret is needed.
 */
export function dynsecPassword(secretHash: string): Pick<DynsecClient, 'password' | 'salt' | 'iterations'> {
  const parts = secretHash.split('$');
  const iterations = Number(parts[2]);
  if (parts.length !== 5 || parts[1] !== '7' || !Number.isInteger(iterations) || iterations < 1) {
    throw new ConfigError(
      'SECRET_HASH',
      "a stored secret hash is not in the $7$<iterations>$<salt>$<hash> form: rotate that client's secret",
    );
  }
  return { password: parts[4]!, salt: parts[3]!, iterations };
}

/** The role of one kiosk: its own readings, status and events out, its own receipts and status in. */
export function kioskRole(clinicId: string, kioskId: string): DynsecRole {
  const base = `${TOPIC_ROOT}/${clinicId}/${kioskId}`;
  return {
    rolename: kioskUsername(clinicId, kioskId),
    acls: [
      allow('publishClientSend', `${base}/readings`),
      allow('publishClientSend', `${base}/status`),
      allow('publishClientSend', `${base}/events`),
      allow('subscribeLiteral', `${base}/receipts`),
      allow('publishClientReceive', `${base}/receipts`),
      allow('subscribeLiteral', `${base}/status`),
      allow('publishClientReceive', `${base}/status`),
    ],
  };
}

/** Reads every kiosk's readings, status and events; writes receipts, and clears a bad status. */
export function ingestRole(): DynsecRole {
  const channels = ['readings', 'status', 'events'];
  return {
    rolename: INGEST_ROLE,
    acls: [
      ...channels.map((c) => allow('subscribePattern', `${TOPIC_ROOT}/+/+/${c}`)),
      ...channels.map((c) => allow('publishClientReceive', `${TOPIC_ROOT}/+/+/${c}`)),
      allow('publishClientSend', `${TOPIC_ROOT}/+/+/receipts`),
      allow('publishClientSend', `${TOPIC_ROOT}/+/+/status`),
    ],
  };
}

/** The clinic server's administrator login: the control topic only. */
export function adminRole(): DynsecRole {
  return {
    rolename: ADMIN_ROLE,
    acls: [
      allow('publishClientSend', `${DYNSEC_CONTROL_TOPIC}`),
      allow('subscribeLiteral', DYNSEC_RESPONSE_TOPIC),
      allow('publishClientReceive', DYNSEC_RESPONSE_TOPIC),
    ],
  };
}

export interface DynsecFileInput {
  ingest: { username: string; secretHash: string };
  admin: { username: string; secretHash: string };
  kiosks: readonly { clinicId: string; kioskId: string; username: string; secretHash: string }[];
}

/** The plugin's whole starting state: everything refused unless a role allows it. */
export function dynsecFile(input: DynsecFileInput): DynsecFile {
  return {
    defaultACLAccess: {
      publishClientSend: false,
      publishClientReceive: false,
      subscribe: false,
      unsubscribe: true,
    },
    clients: [
      {
        username: input.admin.username,
        textname: 'clinic server: dynamic security administration',
        ...dynsecPassword(input.admin.secretHash),
        roles: [{ rolename: ADMIN_ROLE }],
      },
      {
        username: input.ingest.username,
        textname: 'clinic server: ingest',
        ...dynsecPassword(input.ingest.secretHash),
        roles: [{ rolename: INGEST_ROLE }],
      },
      ...input.kiosks.map((k) => ({
        username: k.username,
        textname: `kiosk ${k.clinicId}/${k.kioskId}`,
        clientid: k.username,
        ...dynsecPassword(k.secretHash),
        roles: [{ rolename: k.username }],
      })),
    ],
    groups: [],
    roles: [adminRole(), ingestRole(), ...input.kiosks.map((k) => kioskRole(k.clinicId, k.kioskId))],
  };
}

/** The mosquitto.conf lines that load the plugin with the file. */
export function dynsecConfSnippet(jsonPath: string, pluginPath = DYNSEC_PLUGIN_PATH): string {
  return [
    '# Written by `clinic-server mosquitto-config`: only registered kiosks and the clinic server connect.',
    'allow_anonymous false',
    `plugin ${pluginPath}`,
    `plugin_opt_config_file ${jsonPath}`,
    '',
  ].join('\n');
}

export type DynsecCommand = Record<string, unknown> & { command: string };

/** A new kiosk (its plain secret is needed: the control API takes no hash), role first. */
export function createKioskCommands(clinicId: string, kioskId: string, secret: string): DynsecCommand[] {
  const role = kioskRole(clinicId, kioskId);
  const username = kioskUsername(clinicId, kioskId);
  return [
    { command: 'createRole', rolename: role.rolename, acls: role.acls },
    {
      command: 'createClient',
      username,
      password: secret,
      clientid: username,
      textname: `kiosk ${clinicId}/${kioskId}`,
      roles: [{ rolename: role.rolename }],
    },
  ];
}

/** A new secret; the plugin also closes the connections made with the old one (Mosquitto 2.0 and later). */
export function setPasswordCommand(username: string, secret: string): DynsecCommand {
  return { command: 'setClientPassword', username, password: secret };
}

/** Refuses the client's logins from now on and kicks its live connection. */
export function disableClientCommand(username: string): DynsecCommand {
  return { command: 'disableClient', username };
}
