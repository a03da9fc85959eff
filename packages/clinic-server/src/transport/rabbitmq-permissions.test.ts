import { describe, expect, it } from 'vitest';
import { ingestPermissionCommands, kioskPermissionCommands } from './rabbitmq-permissions.js';
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
