import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-support.js';
import { ConfigError } from './config/config.js';
import { PagePinError } from './config/page-pin.js';
import { PortNotFoundError } from './devices/device-connection.js';
import { AgentError, isAgentError } from './errors.js';
import { LocalApiError } from './http/local-api-error.js';
import { OutboxLockedError } from './outbox/outbox.js';
import { MqttRefusedError } from './publish/publisher.js';
import { ManualReadingError } from './readings/manual.js';
import { ClinicRequestError } from './screening/clinic-client.js';

describe('the agent errors', () => {
  it('share one base: a stable code, and whether trying again can help', () => {
    const cases: [AgentError, string, boolean][] = [
      [new ConfigError('bad'), 'BAD_CONFIG', false],
      [new PagePinError('bad'), 'BAD_PIN', false],
      [new UsageError('bad'), 'USAGE', false],
      [new OutboxLockedError('held'), 'OUTBOX_LOCKED', true],
      [new PortNotFoundError('unplugged'), 'PORT_NOT_FOUND', true],
      [new MqttRefusedError('MQTT_VERSION', 'speaks 3.1.1'), 'MQTT_VERSION', false],
      [new ManualReadingError(422, 'IMPLAUSIBLE', 'too heavy'), 'IMPLAUSIBLE', false],
      [new LocalApiError(404, 'NOT_FOUND', 'no route'), 'NOT_FOUND', false],
      [new LocalApiError(429, 'LOOKUP_RATE', 'wait'), 'LOOKUP_RATE', true],
      [new ClinicRequestError(409, 'PATIENT_EXISTS', 'exists'), 'PATIENT_EXISTS', false],
      [new ClinicRequestError(503, 'CLINIC_UNREACHABLE', 'down'), 'CLINIC_UNREACHABLE', true],
    ];
    for (const [error, code, retryable] of cases) {
      expect(error).toBeInstanceOf(AgentError);
      expect(error).toBeInstanceOf(Error);
      expect(isAgentError(error)).toBe(true);
      expect({ name: error.name, code: error.code, retryable: error.retryable }).toEqual({
        name: error.constructor.name,
        code,
        retryable,
      });
    }
    expect(isAgentError(new Error('plain'))).toBe(false);
  });
});
