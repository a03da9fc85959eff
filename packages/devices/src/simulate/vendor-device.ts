import { normalizeUuid } from '../bluetooth.js';
import { toBytes } from '../bytes.js';
import { encodeGatewayMessage, type GatewayCommand } from '../protocols/ble-gateway/index.js';

/**
 * A device behind the simulated gateway that speaks its own GATT service (a vendor thermometer):
 * a command characteristic it takes writes on and a characteristic it notifies its values on.
 */
export interface SimulatedVendorService {
  /** 16-bit or 128-bit UUIDs, any case. */
  service: string;
  /** The characteristic its values are notified on. */
  characteristic: string;
  /** The characteristic it takes commands on (written with WRITE). */
  commandCharacteristic: string;
  /** The values it notifies for a command written: a vendor driver's simulator builds them. */
  answer(command: Uint8Array): readonly Uint8Array[];
}

/**
 * The answers of a device that measures when written 0x01 ("start a measurement") and repeats its
 * last value when written 0x02, from raw values given in order (one per 0x01; none once used up).
 */
export function answerFromValues(values: readonly Uint8Array[]): SimulatedVendorService['answer'] {
  let next = 0;
  let last: Uint8Array | undefined;
  return (command) => {
    if (command[0] === 0x01 && next < values.length) {
      last = values[next++];
      return last ? [last] : [];
    }
    if (command[0] === 0x02 && last) return [last];
    return [];
  };
}

/** What one simulated vendor device remembers: the characteristics the agent subscribed to. */
export class VendorDeviceState {
  private readonly subscribed = new Set<string>();
  private readonly service: string;
  private readonly characteristic: string;
  private readonly command: string;

  constructor(private readonly vendor: SimulatedVendorService) {
    const uuid = (text: string) => {
      const normal = normalizeUuid(text);
      if (normal === undefined) throw new RangeError(`simulated vendor device: bad UUID ${text}`);
      return normal;
    };
    this.service = uuid(vendor.service);
    this.characteristic = uuid(vendor.characteristic);
    this.command = uuid(vendor.commandCharacteristic);
  }

  /** SUBSCRIBE (the UUIDs as the command line parser gives them). */
  subscribe(service: string, characteristic: string): void {
    this.subscribed.add(`${service}/${characteristic}`);
  }

  /** The registration is forgotten (DISCONNECT): so are its subscriptions. */
  forget(): void {
    this.subscribed.clear();
  }

  /** Subscriptions to characteristics this device does not have: the gateway says so at discovery. */
  missing(address: string): Uint8Array[] {
    return [...this.subscribed]
      .filter((key) => key !== `${this.service}/${this.characteristic}`)
      .map((key) =>
        toBytes(
          encodeGatewayMessage({
            type: 'error',
            id: null,
            code: 'NOT_FOUND',
            message: `${address} ${key} not on the device`,
          }),
        ),
      );
  }

  /**
   * A WRITE to this device: undefined when it is not to the command characteristic (the caller
   * answers as for any device), else OK and the values it notifies, relayed only when the agent
   * subscribed to them (the gateway enables no notification it was not asked for).
   */
  write(command: Extract<GatewayCommand, { type: 'write' }>): Uint8Array[] | undefined {
    if (command.service !== this.service || command.characteristic !== this.command) return undefined;
    const lines = [toBytes(encodeGatewayMessage({ type: 'ok', id: command.id }))];
    if (!this.subscribed.has(`${this.service}/${this.characteristic}`)) return lines;
    for (const payload of this.vendor.answer(command.payload)) {
      lines.push(
        toBytes(
          encodeGatewayMessage({
            type: 'notification',
            address: command.address,
            service: this.service,
            characteristic: this.characteristic,
            payload,
          }),
        ),
      );
    }
    return lines;
  }
}
