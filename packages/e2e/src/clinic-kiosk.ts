import type { KioskCredentials, Patient } from '@klinik-desa/protocol';
import { ApiTestClient, createAdminClient, startClinicServerProcess } from '@klinik-desa/testkit';
import type { Stack } from './stack.js';

/**
 * What most stacks set up at their clinic before the agent starts: an administrator of clinic-1,
 * signed in, and kiosk-1 registered by them, with the credentials the kiosk's config then names.
 */
export async function registerKiosk(s: Stack): Promise<{ admin: ApiTestClient; kiosk: KioskCredentials }> {
  return signInAndRegisterKiosk(s.clinicApiUrl, createAdminClient(s.clinicDb, ['clinic-1']));
}

/** The same on a clinic server started some other way, with its administrator's credentials. */
export async function signInAndRegisterKiosk(
  apiUrl: string,
  creds: { clientId: string; clientSecret: string },
): Promise<{ admin: ApiTestClient; kiosk: KioskCredentials }> {
  const admin = await new ApiTestClient(apiUrl, creds.clientId, creds.clientSecret).signIn();
  const registered = await admin.request<KioskCredentials>('POST', '/kiosks', {
    clinicId: 'clinic-1',
    kioskId: 'kiosk-1',
  });
  if (registered.status !== 201) throw new Error(`kiosk-1 was not registered: ${registered.status}`);
  return { admin, kiosk: registered.body };
}

/**
 * Registers kiosks of `clinicId` in the record `db` through the API of a server started for that
 * on its embedded broker, as an operator does before writing Mosquitto's configuration; the server
 * is stopped again. Returns each kiosk's credentials, in order.
 */
export async function registerKiosksInRecord(
  db: string,
  clinicId: string,
  kioskIds: readonly string[],
): Promise<KioskCredentials[]> {
  const creds = createAdminClient(db);
  const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
  try {
    const api = await new ApiTestClient(server.httpUrl, creds.clientId, creds.clientSecret).signIn();
    const kiosks: KioskCredentials[] = [];
    for (const kioskId of kioskIds) {
      const r = await api.request<KioskCredentials>('POST', '/kiosks', { clinicId, kioskId });
      if (r.status !== 201) throw new Error(`${kioskId} was not registered: ${r.status}`);
      kiosks.push(r.body);
    }
    return kiosks;
  } finally {
    await server.stop();
  }
}

/** The kiosk config's `clinicApi` line for a kiosk's credentials. */
export function clinicApiYaml(s: Stack, kiosk: KioskCredentials | undefined): string {
  return `clinicApi: { baseUrl: "${s.clinicApiUrl}", clientId: "${kiosk?.clientId}", clientSecret: "${kiosk?.clientSecret}" }`;
}

/** Registers the tests' usual patient (a fictional Siti Aminah) at the admin's clinic. */
export async function registerPatient(admin: ApiTestClient, clinicId?: string): Promise<Patient> {
  const created = await admin.request<Patient>('POST', '/patients', {
    name: 'Siti Aminah',
    birthDate: '1979-04-12',
    sex: 'female',
    ...(clinicId ? { clinicId } : {}),
  });
  if (created.status !== 201) throw new Error(`the test patient was not registered: ${created.status}`);
  return created.body;
}
