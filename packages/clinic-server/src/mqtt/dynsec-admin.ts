import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { kioskUsername } from '../domain/acl.js';
import {
  createKioskCommands,
  DYNSEC_CONTROL_TOPIC,
  DYNSEC_RESPONSE_TOPIC,
  type DynsecCommand,
  disableClientCommand,
  setPasswordCommand,
} from '../domain/dynsec.js';
import { ClinicError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface DynsecAdminOptions {
  url: string;
  username: string;
  password: string;
  protocolVersion: 4 | 5;
  log: Logger;
  /** The CA (PEM) of an mqtts:// broker's certificate; the system's CAs without it. */
  ca?: Buffer;
  /** How long one command waits for the broker's answer (default 10 s). */
  timeoutMs?: number;
}

interface Pending {
  resolve: (error: string | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * The clinic server's administrator login on Mosquitto's dynamic security plugin: keeps the
 * broker's kiosks in step with the record (a new kiosk, a rotated secret, a revoked kiosk kicked
 * at once). Each command is answered on the response topic with the correlation data it was sent
 * with; an answer with `error` is a refusal (e.g. "Client not found"), logged, never thrown.
 */
export class DynsecAdmin {
  private readonly pending = new Map<string, Pending>();
  private constructor(
    private readonly client: MqttClient,
    private readonly options: DynsecAdminOptions,
  ) {
    client.on('message', (topic, payload) => {
      if (topic === DYNSEC_RESPONSE_TOPIC) this.onResponse(payload);
    });
  }

  static async connect(options: DynsecAdminOptions): Promise<DynsecAdmin> {
    const client = await mqtt.connectAsync(options.url, {
      protocolVersion: options.protocolVersion,
      clientId: `klinik-desa-dynsec-${randomBytes(6).toString('hex')}`,
      username: options.username,
      password: options.password,
      ...(options.ca ? { ca: options.ca } : {}),
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    client.on('error', (error) => options.log.error({ err: error }, 'MQTT dynamic-security login error'));
    const [grant] = await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 });
    if (!grant || grant.qos > 2) {
      await client.endAsync(true);
      throw new ClinicError(
        'DYNSEC_REFUSED',
        `the broker refused ${options.username} the dynamic-security response topic: give it the administrator role (clinic-server mosquitto-config writes one)`,
      );
    }
    return new DynsecAdmin(client, options);
  }

  /** Sends commands in one message; resolves with the error text of each (undefined: done). */
  async send(commands: readonly DynsecCommand[]): Promise<(string | undefined)[]> {
    const sent = commands.map((c) => ({ ...c, correlationData: randomBytes(8).toString('hex') }));
    const answers = sent.map(
      (c) =>
        new Promise<string | undefined>((resolve) => {
          const timer = setTimeout(() => {
            this.pending.delete(c.correlationData);
            resolve(`no answer from the broker within ${this.options.timeoutMs ?? 10_000} ms`);
          }, this.options.timeoutMs ?? 10_000);
          this.pending.set(c.correlationData, { resolve, timer });
        }),
    );
    await this.client.publishAsync(DYNSEC_CONTROL_TOPIC, JSON.stringify({ commands: sent }), { qos: 1 });
    const errors = await Promise.all(answers);
    errors.forEach((error, i) => {
      if (error) {
        this.options.log.warn(
          { command: commands[i]?.command, username: commands[i]?.['username'] },
          `dynamic security refused ${commands[i]?.command}: ${error}`,
        );
      }
    });
    return errors;
  }

  /** A kiosk's login ends and its live connection is closed. */
  async disable(username: string): Promise<void> {
    await this.send([disableClientCommand(username)]);
  }

  async kioskCredentials(clinicId: string, kioskId: string, secret: string, rotated: boolean): Promise<void> {
    await this.send(
      rotated
        ? [setPasswordCommand(kioskUsername(clinicId, kioskId), secret)]
        : createKioskCommands(clinicId, kioskId, secret),
    );
  }

  async close(): Promise<void> {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve('closed');
    }
    this.pending.clear();
    await this.client.endAsync();
  }

  private onResponse(payload: Buffer): void {
    let responses: { command?: string; error?: string; correlationData?: string }[];
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses?: typeof responses }).responses ?? [];
    } catch {
      this.options.log.warn('ignored an unreadable dynamic-security response');
      return;
    }
    for (const r of responses) {
      const waiting = r.correlationData ? this.pending.get(r.correlationData) : undefined;
      if (!waiting || !r.correlationData) continue;
      this.pending.delete(r.correlationData);
      clearTimeout(waiting.timer);
      waiting.resolve(r.error);
    }
  }
}
