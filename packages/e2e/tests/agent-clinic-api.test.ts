import type { KioskCredentials, Patient, Screening } from '@klinik-desa/protocol';
import { ApiTestClient, createAdminClient } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

describe('the kiosk opens and finishes screenings at the clinic (SDK)', () => {
  const track = stackPerTest();

  it('opens the screening on the server, files the readings under it, and finishes it', async () => {
    let admin: ApiTestClient | undefined;
    let kiosk: KioskCredentials | undefined;
    let patient: Patient | undefined;
    const stack = track(
      new Stack({
        mqttVersion: 5,
        beforeAgent: async (s) => {
          const creds = createAdminClient(s.clinicDb, ['clinic-1']);
          admin = await new ApiTestClient(s.clinicApiUrl, creds.clientId, creds.clientSecret).signIn();
          const registered = await admin.request<KioskCredentials>('POST', '/kiosks', {
            clinicId: 'clinic-1',
            kioskId: 'kiosk-1',
          });
          expect(registered.status).toBe(201);
          kiosk = registered.body;
          const created = await admin.request<Patient>('POST', '/patients', {
            name: 'Siti Aminah',
            birthDate: '1979-04-12',
            sex: 'female',
          });
          expect(created.status).toBe(201);
          patient = created.body;
        },
        extraYaml: (s) => [
          `clinicApi: { baseUrl: "${s.clinicApiUrl}", clientId: "${kiosk?.clientId}", clientSecret: "${kiosk?.clientSecret}" }`,
        ],
      }),
    );
    await stack.start();
    const api = await stack.apiUrl();
    const headers = { cookie: await stack.pageCookie() };

    const opened = await fetch(`${api}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: patient?.id, sex: 'female', ageYears: 47 }),
    });
    expect(opened.status).toBe(200);
    const session = (await opened.json()) as { sessionId: string; onServer: boolean };
    expect(session.onServer).toBe(true);
    const onServer = await admin!.request<Screening>('GET', `/screenings/${session.sessionId}`);
    expect(onServer.body).toMatchObject({ status: 'open', patientId: patient?.id, kioskId: 'kiosk-1' });

    stack.write(weighing(66.3));
    const [reading] = await stack.waitForRecords(1);
    expect(reading).toMatchObject({ sessionId: session.sessionId, patientId: patient?.id });

    const closed = await fetch(`${api}/session`, { method: 'DELETE', headers });
    expect(await closed.json()).toMatchObject({ finished: true });
    const finished = await admin!.request<Screening & { observations?: { value: number | null }[] }>(
      'GET',
      `/screenings/${session.sessionId}`,
    );
    expect(finished.body).toMatchObject({ status: 'finished' });
    const observations = await admin!.request<{ data: { screeningId?: string; value: number | null }[] }>(
      'GET',
      `/observations?screeningId=${session.sessionId}`,
    );
    expect(observations.body.data.map((o) => o.value)).toContain(66.3);
  });
});
