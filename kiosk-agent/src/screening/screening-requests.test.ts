import { APIConnectionError, APIError, type ClinicClient } from '@klinik-desa/sdk/lite';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../backoff.js';
import { MemoryOutbox } from '../outbox/memory-outbox.js';
import { ScreeningRequests } from './screening-requests.js';

const OPEN = {
  id: '01973a00-0000-7000-8000-0000000000a1',
  patientId: '01973a00-0000-7000-8000-0000000000b1',
  clinicId: 'clinic-1',
  kioskId: 'kiosk-1',
};

const refusal = (status: number, code: string) =>
  new APIError(status, { code, message: code.toLowerCase() }, new Headers(), 'POST /screenings');

/**
 * The clinic API as far as screening requests go: it records each call and answers with what the
 * test queued for it (nothing: success).
 */
function fakeClinic() {
  const calls: string[] = [];
  const answers: (Error | undefined)[] = [];
  const answer = async (call: string) => {
    calls.push(call);
    const error = answers.shift();
    if (error) throw error;
  };
  const client = {
    screenings: {
      create: (body: { id: string }) => answer(`open ${body.id}`),
      finish: (id: string) => answer(`finish ${id}`),
    },
  } as unknown as ClinicClient;
  return { client, calls, answers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ScreeningRequests', () => {
  it('sends a finish only once the readings before it are confirmed, then lets the later ones go', async () => {
    const outbox = new MemoryOutbox();
    const clinic = fakeClinic();
    let settled = 0;
    const requests = new ScreeningRequests(outbox, clinic.client, pino({ level: 'silent' }), () => settled++);
    outbox.add({ id: 'r-1', topic: 'readings', payload: '{}' });
    const finish = requests.queueFinish('scr-1');
    outbox.add({ id: 'r-2', topic: 'readings', payload: '{}' });
    await settle();
    expect(clinic.calls).toEqual([]);
    expect(outbox.nextToPublish(10).map((e) => e.id)).toEqual(['r-1']);

    const outcome = requests.settled(finish, 5000);
    outbox.markReceived(['r-1']);
    requests.wake();
    expect(await outcome).toBe('done');
    expect(clinic.calls).toEqual(['finish scr-1']);
    expect(settled).toBe(1);
    expect(outbox.nextToPublish(10).map((e) => e.id)).toEqual(['r-2']);
    expect(requests.queueFinish('scr-1')).toBe(finish);
    expect(await requests.settled(finish, 10)).toBe('done');
    requests.stop();
  });

  it('asks a clinic that cannot be reached again, and keeps the readings behind until it answers', async () => {
    const outbox = new MemoryOutbox();
    const clinic = fakeClinic();
    clinic.answers.push(
      new APIConnectionError(),
      refusal(503, 'UNAVAILABLE'),
      refusal(401, 'UNAUTHENTICATED'),
    );
    const requests = new ScreeningRequests(
      outbox,
      clinic.client,
      pino({ level: 'silent' }),
      undefined,
      new Backoff(10, 20),
    );
    const open = requests.queueOpen(OPEN);
    outbox.add({ id: 'r-1', topic: 'readings', payload: '{}' });
    expect(await requests.settled(open, 20)).toBe('waiting');
    expect(outbox.nextToPublish(10)).toEqual([]);
    expect(await requests.settled(open, 5000)).toBe('done');
    expect(clinic.calls).toEqual([
      `open ${OPEN.id}`,
      `open ${OPEN.id}`,
      `open ${OPEN.id}`,
      `open ${OPEN.id}`,
    ]);
    expect(outbox.nextToPublish(10).map((e) => e.id)).toEqual(['r-1']);
    requests.stop();
  });

  it('keeps a request the clinic refuses for good as refused, and goes on with the next', async () => {
    const outbox = new MemoryOutbox();
    const clinic = fakeClinic();
    clinic.answers.push(refusal(404, 'NOT_FOUND'), refusal(409, 'SCREENING_CLOSED'));
    const requests = new ScreeningRequests(outbox, clinic.client, pino({ level: 'silent' }));
    const open = requests.queueOpen(OPEN);
    const finish = requests.queueFinish(OPEN.id);
    expect(await requests.settled(open, 5000)).toBe('refused');
    expect(outbox.get(open)).toMatchObject({ state: 'rejected', rejectCode: 'NOT_FOUND' });
    // Finished already (by staff, or by a try whose answer was lost): that is done, not refused.
    expect(await requests.settled(finish, 5000)).toBe('done');
    expect(clinic.calls).toEqual([`open ${OPEN.id}`, `finish ${OPEN.id}`]);
    requests.stop();
  });
});
