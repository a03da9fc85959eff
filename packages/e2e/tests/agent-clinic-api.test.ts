import type { KioskCredentials, Patient, Screening } from '@klinik-desa/protocol';
import { type ApiTestClient, waitFor } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { clinicApiYaml, registerKiosk } from '../src/clinic-kiosk.js';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

describe('the kiosk opens and finishes screenings at the clinic (SDK)', () => {
  const track = stackPerTest();
  let admin: ApiTestClient | undefined;
  let kiosk: KioskCredentials | undefined;
  let patient: Patient | undefined;

  /** A stack whose kiosk has clinic API credentials and one patient registered at its clinic. */
  function clinicStack(): Stack {
    return track(
      new Stack({
        mqttVersion: 5,
        receiptTimeoutSeconds: 2,
        beforeAgent: async (s) => {
          ({ admin, kiosk } = await registerKiosk(s));
          const created = await admin.request<Patient>('POST', '/patients', {
            name: 'Siti Aminah',
            birthDate: '1979-04-12',
            sex: 'female',
          });
          expect(created.status).toBe(201);
          patient = created.body;
        },
        extraYaml: (s) => [clinicApiYaml(s, kiosk)],
      }),
    );
  }

  it('opens the screening on the server, files the readings under it, and finishes it', async () => {
    const stack = clinicStack();
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

  it('opens, fills and finishes a screening while the clinic is away; the clinic gets them in that order', async () => {
    const stack = clinicStack();
    await stack.start();
    const api = await stack.apiUrl();
    const headers = { cookie: await stack.pageCookie() };
    await stack.server.stop();

    const opened = await fetch(`${api}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: patient?.id, sex: 'female', ageYears: 47 }),
    });
    const session = (await opened.json()) as { sessionId: string; onServer: boolean; openQueued?: boolean };
    expect(session).toMatchObject({ onServer: false, openQueued: true });
    stack.write(weighing(58.1));
    const typed = await fetch(`${api}/readings/manual`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'height', height: { value: 152, unit: 'cm' } }),
    });
    expect(typed.status).toBe(201);
    await stack.agent.waitForLine(
      /reading kept in the outbox.*"kind":"weight"|"kind":"weight".*reading kept in the outbox/,
    );
    const closed = await fetch(`${api}/session`, { method: 'DELETE', headers });
    expect(await closed.json()).toMatchObject({ finished: false, sessionId: session.sessionId });

    // The clinic comes back: the open goes first, then the readings that name the screening, then
    // the finish, which computes the BMI from them.
    await stack.startServer();
    const finished = await waitFor(
      async () => {
        const got = await admin!.request<Screening>('GET', `/screenings/${session.sessionId}`);
        return got.status === 200 && got.body.status === 'finished' ? got.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the screening opened offline, finished at the clinic' },
    );
    expect(finished).toMatchObject({ patientId: patient?.id, kioskId: 'kiosk-1' });
    const observations = await admin!.request<{ data: { kind: string; value: number | null }[] }>(
      'GET',
      `/observations?screeningId=${session.sessionId}`,
    );
    const byKind = Object.fromEntries(observations.body.data.map((o) => [o.kind, o.value]));
    expect(byKind).toMatchObject({ weight: 58.1, height: 152 });
    expect(byKind['bmi']).toBeCloseTo(58.1 / 1.52 ** 2, 1);
    const unassigned = await admin!.request<{ data: unknown[] }>('GET', '/readings/unassigned');
    expect(unassigned.body.data).toEqual([]);
    await stack.waitForEmptyOutbox();
  });
});
