import type { BloodPressureMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { gatewaySubscriptionsOf } from '../../bluetooth.js';
import { toBytes, toLatin1 } from '../../bytes.js';
import type { DialogueStep, VendorValue } from '../../driver.js';
import { createSplitter } from '../../framing/index.js';
import { createGatewaySimulator, type SimulatedBleDevice } from '../../simulate/ble-gateway.js';
import { answerFromValues } from '../../simulate/vendor-device.js';
import { createGatewayDialogue } from './dialogue.js';
import { bleGateway } from './driver.js';
import { encodeGatewayCommand, type GatewayCommand } from './lines.js';
import type { GatewayDevice } from './records.js';

const THERMOMETER = 'C4:7F:51:00:00:19';
const BP_MONITOR = 'A0:11:22:33:44:01';
const SERVICE = '7B3A0001-5C1E-4D2B-9F00-4B4450000001';
const MEASUREMENT = '7B3A0002-5C1E-4D2B-9F00-4B4450000001';
const COMMAND = '7B3A0003-5C1E-4D2B-9F00-4B4450000001';

const bp: BloodPressureMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 128, unit: 'mm[Hg]' },
  diastolic: { value: 84, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 99, unit: 'mm[Hg]' },
};
const vendorDevice = (writes: { value: string; purpose: string }[]): GatewayDevice => ({
  address: THERMOMETER,
  driver: '@acme/kd-therm',
  vendor: {
    driverId: 'kd-therm',
    subscriptions: gatewaySubscriptionsOf({
      notifications: [{ service: SERVICE, characteristic: MEASUREMENT }],
      writes: writes.map((w) => ({ service: SERVICE, characteristic: COMMAND, when: 'connected', ...w })),
    }),
  },
});

/** The dialogue against the simulated gateway until the line falls quiet; every line the agent wrote. */
function converse(devices: GatewayDevice[], simulated: SimulatedBleDevice[]) {
  const sim = createGatewaySimulator({ devices: simulated });
  const dialogue = createGatewayDialogue({ devices });
  const splitter = createSplitter(bleGateway);
  const written: string[] = [];
  const values: VendorValue[] = [];
  const steps: DialogueStep[] = [];
  const absorb = (step: DialogueStep) => {
    steps.push(step);
    values.push(...(step.vendorValues ?? []));
    return step.write;
  };
  let toGateway = absorb(dialogue.start());
  for (let round = 0; round < 50 && toGateway.length > 0; round++) {
    const answers = toGateway.flatMap((bytes) => {
      written.push(toLatin1(bytes).replace(/\*[0-9A-F]{4}\r\n$/, ''));
      return sim.onBytes(bytes);
    });
    toGateway = answers.flatMap((bytes) => splitter.push(bytes)).flatMap((f) => absorb(dialogue.onFrame(f)));
  }
  return { written, values, measurements: steps.flatMap((s) => s.measurements), sim };
}

describe('a vendor device behind the gateway', () => {
  it('is subscribed after its CONNECT, written after connected, and its values go to its driver, not decoded', () => {
    const reading = Uint8Array.of(0xa5, 0, 0x6b, 0x0e, 1, 0, 80, 0x6b);
    const { written, values, measurements } = converse(
      [vendorDevice([{ value: '01', purpose: 'start a measurement' }]), { address: BP_MONITOR }],
      [
        {
          address: THERMOMETER,
          vendor: {
            service: SERVICE,
            characteristic: MEASUREMENT,
            commandCharacteristic: COMMAND,
            answer: answerFromValues([reading]),
          },
        },
        { address: BP_MONITOR, measurements: [bp] },
      ],
    );
    expect(written).toEqual([
      '$PING,1',
      `$CONNECT,2,${THERMOMETER}`,
      `$SUBSCRIBE,3,${THERMOMETER},${SERVICE},${MEASUREMENT}`,
      `$CONNECT,4,${BP_MONITOR}`,
      // Device Information first (one operation per device at a time), then the driver's write.
      ...['2A29', '2A24', '2A25', '2A26'].flatMap((c, i) => [
        `$READ,${5 + 2 * i},${THERMOMETER},180A,${c}`,
        `$READ,${6 + 2 * i},${BP_MONITOR},180A,${c}`,
      ]),
      `$WRITE,13,${THERMOMETER},${SERVICE},${COMMAND},01`,
    ]);
    expect(values).toEqual([
      {
        driverId: 'kd-therm',
        deviceAddress: THERMOMETER,
        service: SERVICE.toLowerCase(),
        characteristic: MEASUREMENT.toLowerCase(),
        value: reading,
      },
    ]);
    // The standard-profile monitor behind the same gateway needs no driver.
    expect(measurements).toEqual([{ ...bp, extra: { deviceAddress: BP_MONITOR } }]);
  });

  it('sends its writes one at a time, each after the answer to the last', () => {
    const { written, values } = converse(
      [
        vendorDevice([
          { value: '01', purpose: 'start a measurement' },
          { value: '02', purpose: 'send the last measurement again' },
        ]),
      ],
      [
        {
          address: THERMOMETER,
          vendor: {
            service: SERVICE,
            characteristic: MEASUREMENT,
            commandCharacteristic: COMMAND,
            answer: answerFromValues([Uint8Array.of(1), Uint8Array.of(2)]),
          },
        },
      ],
    );
    expect(written.filter((l) => l.startsWith('$WRITE')).map((l) => l.slice(-2))).toEqual(['01', '02']);
    // 0x02 repeats the last value: the same bytes twice, for the driver's sequence number to tell.
    expect(values.map((v) => [...v.value])).toEqual([[1], [1]]);
  });

  it("gets nothing from a gateway it did not subscribe: the values are the subscription's", () => {
    const plain: GatewayDevice = { address: THERMOMETER };
    const sim = createGatewaySimulator({
      devices: [
        {
          address: THERMOMETER,
          vendor: {
            service: SERVICE,
            characteristic: MEASUREMENT,
            commandCharacteristic: COMMAND,
            answer: answerFromValues([Uint8Array.of(1)]),
          },
        },
      ],
    });
    const { written, values } = converse([plain], []);
    expect(written.some((l) => l.includes('SUBSCRIBE') || l.includes('WRITE'))).toBe(false);
    expect(values).toEqual([]);
    // Written without a subscription, the simulated gateway relays nothing.
    const line = (command: GatewayCommand) => toBytes(encodeGatewayCommand(command));
    sim.onBytes(line({ type: 'connect', id: 1, address: THERMOMETER }));
    const start = { service: SERVICE, characteristic: COMMAND, payload: Uint8Array.of(1) };
    const write = line({ type: 'write', id: 2, address: THERMOMETER, ...start });
    expect(sim.onBytes(write).map(toLatin1)).toEqual([expect.stringMatching(/^\$OK,2\*/)]);
    // Subscribed, the same write brings the measurement.
    sim.onBytes(
      line({ type: 'subscribe', id: 3, address: THERMOMETER, service: SERVICE, characteristic: MEASUREMENT }),
    );
    expect(sim.onBytes(line({ type: 'write', id: 4, address: THERMOMETER, ...start })).map(toLatin1)).toEqual(
      [
        expect.stringMatching(/^\$OK,4\*/),
        expect.stringMatching(
          /^\$NTF,C4:7F:51:00:00:19,7B3A0001-5C1E-4D2B-9F00-4B4450000001,7B3A0002-5C1E-4D2B-9F00-4B4450000001,01\*/i,
        ),
      ],
    );
  });
});
