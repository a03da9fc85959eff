// A stack for the kiosk page: the clinic knows the kiosk (with clinic API credentials), one
// patient and, where asked, its health workers; the kiosk has a scale and a pulse oximeter, each
// on a socat pty. The browser tests and `pnpm screenshots` start the same one.
import { openSync, writeSync } from 'node:fs';
import { encode } from '@klinik-desa/devices/simulate';
import type { KioskCredentials, Patient, PractitionerRecord } from '@klinik-desa/protocol';
import { type ApiTestClient, createPtyPair, type PtyPair } from '@klinik-desa/testkit';
import { clinicApiYaml, registerKiosk } from './clinic-kiosk.js';
import { Stack, type StackOptions } from './stack.js';

/** The registered patient's NIK (fictional, of the right shape). */
export const NIK = '3201014102950003';
/** A NIK the clinic does not know: the page offers to register its owner. */
export const NEW_NIK = '3201016504880002';
/** The registered patient (a fictional person). */
export const PATIENT = { name: 'Siti Aminah', birthDate: '1979-04-12', sex: 'female' } as const;

export interface Clinic {
  admin: ApiTestClient;
  patient: Patient;
  oximeter: PtyPair;
  /** The health workers registered at the clinic, by name. */
  practitioners: Map<string, PractitionerRecord>;
}

/**
 * A stack whose kiosk has clinic API credentials, one registered patient and a pulse oximeter too;
 * `practitioners` are registered at the clinic before the agent starts (none by default: the
 * page then asks nobody's name, and the clinic's default practitioner stands in).
 */
export function clinicStack(options: Partial<StackOptions> & { practitioners?: string[] } = {}): {
  stack: Stack;
  clinic: () => Clinic;
} {
  let kiosk: KioskCredentials | undefined;
  const clinic: Partial<Clinic> = {};
  const stack = new Stack({
    mqttVersion: 5,
    ...options,
    beforeAgent: async (s) => {
      ({ admin: clinic.admin, kiosk } = await registerKiosk(s));
      clinic.patient = (
        await clinic.admin.request<Patient>('POST', '/patients', { nik: NIK, ...PATIENT })
      ).body;
      clinic.oximeter = await createPtyPair('oximeter', s.dir);
      clinic.practitioners = new Map();
      for (const [i, name] of (options.practitioners ?? []).entries()) {
        const created = await clinic.admin.request<PractitionerRecord>('POST', '/practitioners', {
          clinicId: 'clinic-1',
          name,
          ihsNumber: `1000988072${i}`,
        });
        clinic.practitioners.set(name, created.body);
      }
    },
    deviceYaml: (s) =>
      [
        `  - { id: scale-1, protocol: ad-scale, port: "${s.pty.agentPath}", baudRate: 9600 }`,
        `  - { id: oximeter-1, protocol: contec-cms50d-plus, port: "${clinic.oximeter?.agentPath}" }`,
      ].join('\n'),
    extraYaml: (s) => [clinicApiYaml(s, kiosk)],
  });
  return { stack, clinic: () => clinic as Clinic };
}

/** A finger held in the oximeter until the value settles, then taken out. */
export function oximetry(oximeter: PtyPair, spo2: number, pulse: number): void {
  const fd = openSync(oximeter.devicePath, 'w');
  const frame = (value: number | null) =>
    encode('contec-cms50d-plus', {
      kind: 'pulse-oximetry',
      spo2: value === null ? { value: null, unit: '%', missing: 'unsuccessful' } : { value, unit: '%' },
      pulseRate:
        value === null
          ? { value: null, unit: '/min', missing: 'unsuccessful' }
          : { value: pulse, unit: '/min' },
    });
  const held = frame(spo2);
  for (let i = 0; i < 130; i++) writeSync(fd, held);
  writeSync(fd, frame(null));
}
