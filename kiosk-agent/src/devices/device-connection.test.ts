import { Duplex } from 'node:stream';
import { getDriver } from '@klinik-desa/devices';
import { createContourMeterSimulator, createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type { DeviceMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import { waitFor } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { OutboxFullError } from '../disk/no-space.js';
import { createLogger } from '../logger.js';
import { DeviceConnection } from './device-connection.js';

const ACK = 0x06;
const EOT = 0x04;

const glucose = (sequenceNumber: number, mgdl: number): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value: mgdl, unit: 'mg/dL' },
  specimen: 'capillary-plasma',
  sequenceNumber,
  deviceTime: `2026-11-2${sequenceNumber}T07:30`,
});

/** A meter on the other end of a cable: what the agent writes goes to the simulator, its answers come back. */
function meterCable() {
  const written: number[] = [];
  let meter = createContourMeterSimulator([]);
  const port = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(...chunk);
      for (const out of meter.onBytes(chunk)) setImmediate(() => port.push(Buffer.from(out)));
      done();
    },
  });
  return {
    port,
    written,
    /** The meter is switched off and on with this memory. */
    switchOn(memory: DeviceMeasurement[]) {
      meter = createContourMeterSimulator(memory);
    },
  };
}

describe('a dialogue device whose records cannot be kept', () => {
  it('is not acknowledged, is left alone, and is asked again by a new dialogue', async () => {
    const cable = meterCable();
    const memory = [glucose(1, 104), glucose(2, 212), glucose(3, 89)];
    cable.switchOn(memory);
    const kept: number[] = [];
    let full = true;
    let refusedAt: number | undefined;
    const connection = new DeviceConnection(
      {
        id: 'meter-1',
        protocol: 'bayer-contour',
        port: 'tcp://meter.invalid:1',
        dialogue: { enqTimeoutMs: 200 },
      },
      getDriver('bayer-contour'),
      {
        onMeasurements: (_, measurements) => {
          if (full) {
            refusedAt ??= cable.written.length;
            throw new OutboxFullError('the disk is full');
          }
          for (const m of measurements) kept.push((m as GlucoseMeasurement).sequenceNumber as number);
        },
      },
      createLogger('silent'),
      { openPort: async () => cable.port, askAgainAfterMs: 300 },
    );
    connection.start();
    try {
      await waitFor(() => connection.status.errors['NOT_KEPT'] === 1, { what: 'a refusal' });
      // Until the new dialogue's first EOT, the agent wrote nothing back: no ACK for the refused record.
      const after = cable.written.slice(refusedAt);
      expect(after.slice(0, after.indexOf(EOT) === -1 ? after.length : after.indexOf(EOT))).not.toContain(
        ACK,
      );
      expect(kept).toEqual([]);

      // Space is back, the meter is switched on again: its whole memory arrives.
      full = false;
      cable.switchOn(memory);
      await waitFor(() => kept.length >= 3, { timeoutMs: 10_000, what: 'the memory read again' });
      expect(kept).toEqual([1, 2, 3]);
    } finally {
      await connection.stop();
    }
  });
});

describe('a BLE gateway unplugged and plugged in again', () => {
  const METER = 'A4:C1:38:00:00:01';

  /** Each open of the port is a freshly booted gateway whose meter holds `memory`. */
  function gatewayCables() {
    const racp: string[] = [];
    let memory: GlucoseMeasurement[] = [];
    let port: Duplex | undefined;
    return {
      racp,
      load(records: GlucoseMeasurement[]) {
        memory = records;
      },
      unplug() {
        port?.destroy();
      },
      open: async () => {
        const gateway = createGatewaySimulator({ devices: [{ address: METER, glucoseRecords: memory }] });
        const cable: Duplex = new Duplex({
          read() {},
          write(chunk: Buffer, _encoding, done) {
            const before = gateway.commands.length;
            const out = gateway.onBytes(chunk);
            for (const command of gateway.commands.slice(before))
              if (command.type === 'write') racp.push(Buffer.from(command.payload).toString('hex'));
            for (const bytes of out) setImmediate(() => cable.push(Buffer.from(bytes)));
            done();
          },
        });
        port = cable;
        return cable;
      },
    };
  }

  it('asks the meter behind it only for newer records, but again for those it could not keep', async () => {
    const cables = gatewayCables();
    const kept: number[] = [];
    let full = true;
    const connection = new DeviceConnection(
      {
        id: 'gateway-1',
        protocol: 'ble-gateway',
        port: 'tcp://gateway.invalid:1',
        dialogue: { devices: [{ address: METER, records: 'all' }] },
      },
      getDriver('ble-gateway'),
      {
        onMeasurements: (_, measurements) => {
          if (full) throw new OutboxFullError('the disk is full');
          for (const m of measurements) kept.push((m as GlucoseMeasurement).sequenceNumber as number);
        },
      },
      createLogger('silent'),
      { openPort: cables.open, askAgainAfterMs: 60_000 },
    );
    cables.load([glucose(1, 104), glucose(2, 212)]);
    connection.start();
    try {
      // The records could not be kept: the next gateway is asked for all of them again.
      await waitFor(() => connection.status.errors['NOT_KEPT'] === 1, { what: 'a refusal' });
      full = false;
      cables.unplug();
      await waitFor(() => kept.length >= 2, { timeoutMs: 10_000, what: 'the memory after the first replug' });
      // Kept this time: after the next replug only the record taken meanwhile is asked for.
      cables.load([glucose(1, 104), glucose(2, 212), glucose(3, 89)]);
      cables.unplug();
      await waitFor(() => kept.length >= 3, {
        timeoutMs: 10_000,
        what: 'the new record after the second replug',
      });
      expect(kept).toEqual([1, 2, 3]);
      expect(cables.racp).toEqual(['0101', '0101', '0103010300']);
    } finally {
      await connection.stop();
    }
  });
});
