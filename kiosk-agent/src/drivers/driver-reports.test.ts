import { describe, expect, it } from 'vitest';
import { DriverReports } from './driver-reports.js';
import { DriverRefusedError } from './load-drivers.js';

describe('DriverReports', () => {
  it('sends each refusal once, when the broker is first there', () => {
    const sent: unknown[] = [];
    const reports = new DriverReports(
      [new DriverRefusedError('./old', 'INCOMPATIBLE_API', 'driver "./old" refused (INCOMPATIBLE_API): ...')],
      (e) => sent.push(e),
    );
    reports.brokerConnected();
    reports.brokerConnected();
    expect(sent).toEqual([
      {
        type: 'driver-failed',
        code: 'DRIVER_REFUSED',
        count: 1,
        message: 'driver "./old" refused (INCOMPATIBLE_API): ...',
      },
    ]);
  });

  it('sums failures per device and code, and sends them at once when a device goes off', () => {
    const sent: unknown[] = [];
    const reports = new DriverReports([], (e) => sent.push(e));
    const failure = {
      code: 'DRIVER_TIMEOUT',
      driverId: 'loops',
      message: 'decode did not answer within 250 ms',
    } as const;
    reports.failed('scale-2', failure, false);
    reports.failed('scale-2', failure, false);
    expect(sent).toEqual([]);
    reports.failed('scale-2', failure, true);
    expect(sent).toEqual([
      {
        type: 'driver-failed',
        deviceId: 'scale-2',
        code: 'DRIVER_TIMEOUT',
        count: 3,
        message: 'driver loops: decode did not answer within 250 ms; device off',
      },
    ]);
    reports.flush();
    expect(sent).toHaveLength(1);
  });
});
