import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestPermissionCommands, kioskPermissionCommands, rabbitmqScript } from './rabbitmq-permissions.js';
import { routingKeyOf, topicOf } from './topology.js';

describe('RabbitMQ permissions', () => {
  it('lets a kiosk write only its own readings, status and events keys and read only its receipts', () => {
    const [resources, topicsCmd] = kioskPermissionCommands('clinic-1', 'kiosk-1');
    expect(resources?.slice(0, 4)).toEqual(['set_permissions', '-p', '/', 'kiosk.clinic-1.kiosk-1']);
    const [write, read] = [new RegExp(topicsCmd?.[5] as string), new RegExp(topicsCmd?.[6] as string)];
    expect(write.test('klinik-desa.v1.clinic-1.kiosk-1.readings')).toBe(true);
    expect(write.test('klinik-desa.v1.clinic-1.kiosk-1.events')).toBe(true);
    expect(write.test('klinik-desa.v1.clinic-1.kiosk-2.readings')).toBe(false);
    expect(write.test('klinik-desa.v1.clinic-1.kiosk-1.receipts')).toBe(false);
    expect(write.test('klinik-desaXv1.clinic-1.kiosk-1.readings')).toBe(false);
    expect(read.test('klinik-desa.v1.clinic-1.kiosk-1.receipts')).toBe(true);
    expect(read.test('klinik-desa.v1.clinic-1.kiosk-2.receipts')).toBe(false);
    const configure = new RegExp(resources?.[4] as string);
    expect(configure.test('mqtt-subscription-kiosk.clinic-1.kiosk-1qos1')).toBe(true);
    expect(configure.test('mqtt-subscription-kiosk.clinic-1.kiosk-2qos1')).toBe(false);
  });

  it('refuses an id that cannot be in a topic, naming it', () => {
    expect(() => kioskPermissionCommands('clinic 1', 'kiosk-1')).toThrow(/clinic id "clinic 1"/);
  });

  it('lets the ingest write receipts of any kiosk but no readings', () => {
    const write = new RegExp(ingestPermissionCommands('klinik-desa-ingest')[1]?.[5] as string);
    expect(write.test('klinik-desa.v1.c.k.receipts')).toBe(true);
    expect(write.test('klinik-desa.v1.c.k.readings')).toBe(false);
  });

  it('maps MQTT topics to routing keys and back as the MQTT plugin does', () => {
    expect(routingKeyOf('klinik-desa/v1/c/k/readings')).toBe('klinik-desa.v1.c.k.readings');
    expect(topicOf('klinik-desa.v1.c.k.receipts')).toBe('klinik-desa/v1/c/k/receipts');
  });
});

describe('rabbitmq-config script', () => {
  it('sets the permissions of registered kiosks that have a user, and deletes the users of revoked ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-rabbitmq-config-'));
    try {
      const log = join(dir, 'calls');
      // A stand-in rabbitmqctl that knows three kiosk users and records every call.
      const fake = join(dir, 'rabbitmqctl');
      writeFileSync(
        fake,
        `#!/bin/sh\necho "$*" >> ${log}\n[ "$2" = list_users ] && printf 'kd-admin\\t[]\\nkiosk.c.k1\\t[]\\nkiosk.c.gone\\t[]\\n'\nexit 0\n`,
      );
      chmodSync(fake, 0o755);
      const script = join(dir, 'rabbitmq.sh');
      writeFileSync(
        script,
        rabbitmqScript([{ username: 'kiosk.c.k1' }, { username: 'kiosk.c.k2' }], 'ingest'),
      );
      const run = spawnSync('sh', [script], { env: { ...process.env, RABBITMQCTL: fake }, encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('kiosk.c.k2: no RabbitMQ user yet');
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      expect(calls.filter((c) => c.startsWith('set_topic_permissions')).map((c) => c.split(' ')[3])).toEqual([
        'ingest',
        'kiosk.c.k1',
      ]);
      expect(calls.filter((c) => c.startsWith('delete_user'))).toEqual(['delete_user kiosk.c.gone']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
