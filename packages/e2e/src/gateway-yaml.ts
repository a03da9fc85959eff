import type { Stack } from './stack.js';

/** A BLE device the gateway connects to; `records: all` reads a glucometer's memory over RACP. */
export type GatewayDeviceLine = string | { address: string; records: 'all' };

/**
 * The kiosk.yaml lines of one BLE gateway, `gateway-1`, on the stack's pty, and the BLE devices
 * behind it (a `deviceYaml` for `Stack` or `satusehatStack`).
 */
export function gatewayYaml(devices: readonly GatewayDeviceLine[]): (s: Stack) => string {
  return (s) =>
    [
      '  - id: gateway-1',
      '    protocol: ble-gateway',
      `    port: "${s.pty.agentPath}"`,
      '    dialogue:',
      '      devices:',
      ...devices.map((d) =>
        typeof d === 'string'
          ? `        - { address: "${d}" }`
          : `        - { address: "${d.address}", records: ${d.records} }`,
      ),
    ].join('\n');
}
