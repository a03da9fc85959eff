import { Reading } from '@klinik-desa/protocol';
import { ScreeningOptionError } from './errors.js';
import type { NormalizedReading } from './normalize.js';

/** The ids only the kiosk knows: what turns a normalized measurement into a publishable `Reading`. */
export interface ReadingIdentity {
  /** A UUIDv7 made when the reading was taken. */
  id: string;
  clinicId: string;
  kioskId: string;
  device: { id: string; protocol: string };
  sessionId?: string;
  patientId?: string;
}

/** The parts of a `Reading` that come from outside `normalize`: what `toReading` checks. */
const ReadingIdentityFields = Reading.pick({
  id: true,
  clinicId: true,
  kioskId: true,
  device: true,
  sessionId: true,
  patientId: true,
});

/**
 * A protocol `Reading` from a normalized measurement and its ids. Throws `ScreeningOptionError`
 * naming the field when an id does not fit the protocol.
 *
 * Only the ids are checked here. The rest is what `normalize` built, and a property test holds every
 * normalized measurement to the whole Reading schema. Checking the whole schema again for every
 * reading was the largest single cost of a kiosk taking a reading, and
 * the clinic checks it on arrival anyway.
 */
export function toReading(normalized: NormalizedReading, identity: ReadingIdentity): Reading {
  const { device, ...rest } = normalized;
  // Object.assign rather than spreads: V8 copies `{ ...a, ...b }` on a slow path, and here that
  // cost more than everything else toReading does (8 µs of 10 per reading).
  const ids: Pick<Reading, 'id' | 'clinicId' | 'kioskId' | 'device' | 'sessionId' | 'patientId'> = {
    id: identity.id,
    clinicId: identity.clinicId,
    kioskId: identity.kioskId,
    device: Object.assign({}, identity.device, device),
  };
  if (identity.sessionId !== undefined) ids.sessionId = identity.sessionId;
  if (identity.patientId !== undefined) ids.patientId = identity.patientId;
  const checked = ReadingIdentityFields.safeParse(ids);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new ScreeningOptionError(
      `not a valid Reading at ${issue?.path.join('.') ?? '?'}: ${issue?.message}`,
    );
  }
  return Object.assign(ids, rest);
}
