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

/**
 * A protocol `Reading` from a normalized measurement and its ids, checked against the protocol
 * schema. Throws `ScreeningOptionError` naming the field when an id does not fit the protocol.
 */
export function toReading(normalized: NormalizedReading, identity: ReadingIdentity): Reading {
  const { device, ...rest } = normalized;
  const candidate = {
    id: identity.id,
    clinicId: identity.clinicId,
    kioskId: identity.kioskId,
    device: { ...identity.device, ...device },
    ...(identity.sessionId !== undefined ? { sessionId: identity.sessionId } : {}),
    ...(identity.patientId !== undefined ? { patientId: identity.patientId } : {}),
    ...rest,
  };
  const parsed = Reading.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScreeningOptionError(
      `not a valid Reading at ${issue?.path.join('.') ?? '?'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
