import type { KioskCredentials, Patient } from '@klinik-desa/protocol';
import { type ApiTestClient, type SatusehatFake, startSatusehatFake } from '@klinik-desa/testkit';
import { afterAll, beforeAll } from 'vitest';
import { clinicApiYaml, registerKiosk } from './clinic-kiosk.js';
import { Stack, type StackOptions } from './stack.js';

export const SATUSEHAT_ORG = '10000004';

/** A SATUSEHAT fake for the test file, started before its tests and closed after them. */
export function satusehatFakePerFile(): () => SatusehatFake {
  let fake: SatusehatFake | undefined;
  beforeAll(async () => {
    fake = await startSatusehatFake({
      clients: { 'kd-client': { secret: 'kd-secret', organizationId: SATUSEHAT_ORG } },
    });
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => fake as SatusehatFake;
}

/** The clinic a stack from `satusehatStack` sets up: an administrator and one patient with an IHS number. */
export interface SatusehatClinic {
  admin: ApiTestClient;
  patient: Patient;
}

/**
 * A stack whose clinic server forwards to a SATUSEHAT fake (so it builds FHIR Bundles), whose kiosk
 * has clinic API credentials, and whose clinic has one patient with an IHS number.
 */
export function satusehatStack(
  fake: SatusehatFake,
  deviceYaml: StackOptions['deviceYaml'],
  more: Pick<StackOptions, 'serialPorts' | 'extraYaml'> = {},
): { stack: Stack; clinic: () => SatusehatClinic } {
  const clinic: Partial<SatusehatClinic> = {};
  let kiosk: KioskCredentials | undefined;
  const stack = new Stack({
    mqttVersion: 5,
    ...(deviceYaml ? { deviceYaml } : {}),
    ...(more.serialPorts ? { serialPorts: more.serialPorts } : {}),
    clinicConfig: {
      yaml: [
        'satusehat:',
        `  authBaseUrl: ${fake.authBaseUrl}`,
        `  fhirBaseUrl: ${fake.fhirBaseUrl}`,
        '  clientId: kd-client',
        `  organizationId: "${SATUSEHAT_ORG}"`,
        '  location: { id: b017aa54-f1df-4ec2-9d84-8823815d7228, display: Ruang Skrining }',
        '  defaultPractitioner: { ihsNumber: "10009880728", name: Bidan Sari }',
        '  pollMs: 100',
      ],
      env: { SATUSEHAT_CLIENT_SECRET: 'kd-secret' },
    },
    beforeAgent: async (s) => {
      ({ admin: clinic.admin, kiosk } = await registerKiosk(s));
      const created = await clinic.admin.request<Patient>('POST', '/patients', {
        nik: '3201014509800007',
        name: 'Sri Wahyuni',
        birthDate: '1980-09-05',
        sex: 'female',
        ihsNumber: 'P02478375538',
        clinicId: 'clinic-1',
      });
      if (created.status !== 201) throw new Error(`the test patient was not created: ${created.status}`);
      clinic.patient = created.body;
    },
    extraYaml: (s) => [clinicApiYaml(s, kiosk), ...(more.extraYaml?.(s) ?? [])],
  });
  return { stack, clinic: () => clinic as SatusehatClinic };
}

/** Opens a screening of the clinic's patient at the kiosk (the page's local API); its id. */
export async function openScreening(stack: Stack, patientId: string): Promise<string> {
  const api = await stack.apiUrl();
  const opened = await fetch(`${api}/session`, {
    method: 'PUT',
    headers: { cookie: await stack.pageCookie() },
    body: JSON.stringify({ patientId, sex: 'female', ageYears: 46 }),
  });
  if (opened.status !== 200) throw new Error(`the screening did not open: ${opened.status}`);
  return ((await opened.json()) as { sessionId: string }).sessionId;
}

/** The kiosk's wall clock (WIB), as a meter set to it would stamp a result taken now. */
export function meterTimeNow(seconds = false): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, seconds ? 19 : 16);
}

export interface FhirObservation {
  resourceType: string;
  identifier: { value: string }[];
  code: { coding: { code: string }[] };
  valueQuantity?: { value: number; comparator?: string; code: string };
  dataAbsentReason?: { coding: { code: string }[] };
  interpretation?: { coding: { system: string; code: string; display: string }[] }[];
  device?: { reference: string; display?: string };
}

/** The Observations of a screening's FHIR Bundle, as the clinic API builds it. */
export async function fhirObservations(
  admin: ApiTestClient,
  screeningId: string,
): Promise<FhirObservation[]> {
  const bundle = await admin.request<{ entry: { resource: FhirObservation }[] }>(
    'GET',
    `/screenings/${screeningId}/fhir`,
  );
  if (bundle.status !== 200)
    throw new Error(`no FHIR Bundle: ${bundle.status} ${JSON.stringify(bundle.body)}`);
  return bundle.body.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation');
}
