import type { MqttClient } from 'mqtt';

/**
 * The SUBACK code of one subscription (0-2 granted, 128 and up refused): mqtt.js rejects a refused
 * one, with the packet attached, and a test wants the code either way.
 */
export async function grantedQos(client: MqttClient, topic: string): Promise<number | undefined> {
  try {
    return (await client.subscribeAsync(topic, { qos: 1 }))[0]?.qos;
  } catch (error) {
    const packet = (error as { packet?: { granted?: (number | { qos: number })[] } }).packet;
    const g = packet?.granted?.[0];
    return typeof g === 'number' ? g : g?.qos;
  }
}
