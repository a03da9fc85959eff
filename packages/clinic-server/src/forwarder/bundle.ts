import type { ScreeningForFhir } from '@klinik-desa/screening';
import { ClinicError } from '../errors.js';
import type { FhirSource } from '../store/store.js';
import type { ForwarderConfig } from './config.js';

/**
 * What the screening package's FHIR mapping needs, from the clinic record and the server's SATUSEHAT
 * settings. SATUSEHAT refers to people by their IHS numbers, so a patient without one (and a
 * screening without a practitioner, when no default is set) cannot be sent yet: FHIR_NOT_READY.
 *
 * The practitioner is the one given inline, else the registered health worker the screening names,
 * else the server's default. A named health worker without an IHS number is not replaced by the
 * default: the Encounter would then say someone else did the screening.
 */
export function screeningForFhir(
  source: FhirSource,
  config: Pick<ForwarderConfig, 'organizationId' | 'location' | 'defaultPractitioner' | 'timeZone'>,
): ScreeningForFhir {
  const { screening, patient, readings } = source;
  if (!patient.ihsNumber) {
    throw new ClinicError(
      'FHIR_NOT_READY',
      `patient ${patient.id} has no SATUSEHAT IHS number yet: set it with PATCH /patients/${patient.id} {"ihsNumber": …}, then POST /screenings/${screening.id}/forward`,
      { patientId: patient.id },
    );
  }
  const practitioner = screening.practitioner ?? registered(source) ?? config.defaultPractitioner;
  if (!practitioner) {
    throw new ClinicError(
      'FHIR_NOT_READY',
      `screening ${screening.id} names no practitioner and the server has no default practitioner`,
    );
  }
  const finished = screening.status === 'finished' && screening.finishedAt !== null;
  const end = screening.finishedAt ?? undefined;
  return {
    encounter: {
      id: screening.id,
      status: finished ? 'finished' : 'in-progress',
      period: { start: screening.openedAt, ...(finished && end ? { end } : {}) },
      statusHistory:
        finished && end
          ? [
              { status: 'in-progress', start: screening.openedAt, end },
              { status: 'finished', start: end, end },
            ]
          : [{ status: 'in-progress', start: screening.openedAt }],
    },
    patient: { ihsNumber: patient.ihsNumber, display: patient.name },
    practitioner: {
      ihsNumber: practitioner.ihsNumber,
      ...(practitioner.name !== undefined ? { display: practitioner.name } : {}),
    },
    // A clinic registered with its own SATUSEHAT ids is sent under them; the rest under the server's.
    organizationId: source.clinic.organizationId ?? config.organizationId,
    location: source.clinic.location ?? config.location,
    readings,
    ...(config.timeZone !== undefined ? { timeZone: config.timeZone } : {}),
  };
}

/** The registered health worker of the screening, as SATUSEHAT knows them; undefined when none. */
function registered(source: FhirSource): { ihsNumber: string; name: string } | undefined {
  const { screening, practitioner } = source;
  if (screening.practitionerId === null) return undefined;
  if (!practitioner) {
    throw new ClinicError(
      'FHIR_NOT_READY',
      `screening ${screening.id} names practitioner ${screening.practitionerId}, who is not in the clinic record`,
      { practitionerId: screening.practitionerId },
    );
  }
  if (!practitioner.ihsNumber) {
    throw new ClinicError(
      'FHIR_NOT_READY',
      `practitioner ${practitioner.id} has no SATUSEHAT IHS number yet: set it with PATCH /practitioners/${practitioner.id} {"ihsNumber": …}, then POST /screenings/${screening.id}/forward`,
      { practitionerId: practitioner.id },
    );
  }
  return { ihsNumber: practitioner.ihsNumber, name: practitioner.name };
}

interface Entry {
  fullUrl?: string;
  resource?: { resourceType?: string };
  request?: { ifNoneExist?: string };
}

/** `identifier=system|value` of a conditional create, split; undefined when the entry has none. */
export function identifierOf(entry: Entry): { system: string; value: string } | undefined {
  const m = /^identifier=(.*)\|([^|]*)$/.exec(entry.request?.ifNoneExist ?? '');
  return m ? { system: m[1]!, value: m[2]! } : undefined;
}

/**
 * The Bundle without the entries the server already has, with references to them (their
 * `urn:uuid:` fullUrls) pointed at the server's resources instead. Pure: `existing` maps a fullUrl
 * to the server's `Type/id`.
 */
export function withoutExisting<B extends { entry: Entry[] }>(
  bundle: B,
  existing: ReadonlyMap<string, string>,
): B {
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return existing.get(value) ?? value;
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    }
    return value;
  };
  const kept = bundle.entry.filter((e) => !(e.fullUrl && existing.has(e.fullUrl)));
  return { ...bundle, entry: kept.map((e) => ({ ...e, resource: replace(e.resource) })) as Entry[] } as B;
}
