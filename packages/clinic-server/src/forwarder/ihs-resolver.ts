import { IhsNumber } from '@klinik-desa/protocol';
import { NIK_SYSTEM } from '@klinik-desa/screening';
import type { Logger } from 'pino';
import { ClinicError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AuditStore, PatientStore, PractitionerStore } from '../store/store.js';
import type { SatusehatClient } from './satusehat-client.js';

/** Who the audit log names for what the forwarder changes on its own (no API client asked). */
export const FORWARDER_ACTOR = 'system.satusehat-forwarder';

/** What the resolver asks of the record: to keep a number found, and to audit that it did. */
export type IhsResolverStore = Pick<PatientStore, 'adoptIhsNumber'> &
  Pick<PractitionerStore, 'adoptPractitionerIhsNumber'> &
  Pick<AuditStore, 'audit'>;

/** A kind of person SATUSEHAT knows by IHS number: how to name them, count them and keep the number. */
export interface PersonKind {
  resourceType: 'Patient' | 'Practitioner';
  /** The word of the messages and of the API path (`patients`), and of the id field (`patientId`). */
  word: 'patient' | 'practitioner';
  notFoundCode: 'PATIENT_NOT_IN_SATUSEHAT' | 'PRACTITIONER_NOT_IN_SATUSEHAT';
  ambiguousCode: 'PATIENT_AMBIGUOUS_IN_SATUSEHAT' | 'PRACTITIONER_AMBIGUOUS_IN_SATUSEHAT';
  lookups: (metrics: Metrics) => { inc(labels: { outcome: string }): void };
  adopt: (store: IhsResolverStore, id: string, nik: string, ihsNumber: string) => Promise<boolean>;
}

export const PATIENT: PersonKind = {
  resourceType: 'Patient',
  word: 'patient',
  notFoundCode: 'PATIENT_NOT_IN_SATUSEHAT',
  ambiguousCode: 'PATIENT_AMBIGUOUS_IN_SATUSEHAT',
  lookups: (metrics) => metrics.forwarderPatientLookups,
  adopt: (store, id, nik, ihsNumber) => store.adoptIhsNumber(id, nik, ihsNumber),
};

export const PRACTITIONER: PersonKind = {
  resourceType: 'Practitioner',
  word: 'practitioner',
  notFoundCode: 'PRACTITIONER_NOT_IN_SATUSEHAT',
  ambiguousCode: 'PRACTITIONER_AMBIGUOUS_IN_SATUSEHAT',
  lookups: (metrics) => metrics.forwarderPractitionerLookups,
  adopt: (store, id, nik, ihsNumber) => store.adoptPractitionerIhsNumber(id, nik, ihsNumber),
};

/** The person whose number is looked up, and what the audit line of its change names. */
export interface PersonToResolve {
  id: string;
  nik: string;
  /** The clinic of the audit line. */
  clinicId: string;
  /** The patient of the audit line: the patient themself, none for a health worker. */
  patientId: string | null;
}

type Lookup =
  | { outcome: 'found'; ihsNumber: string }
  | { outcome: 'not-found' }
  | { outcome: 'ambiguous'; total: number };

/**
 * Finds a person's IHS number by the NIK the clinic has, for patients and health workers alike:
 * SATUSEHAT refers to people by IHS number, which a health worker rarely has at hand. The number
 * found is kept on the person (audited), so each is looked up once. Not found, or more than one
 * match, fails the screening with the fix named: guessing would file readings in a stranger's
 * record, or name the wrong person on the Encounter.
 */
export class IhsResolver {
  constructor(
    private readonly options: {
      client: Pick<SatusehatClient, 'searchByIdentifier'>;
      store: IhsResolverStore;
      log: Logger;
      metrics?: Metrics | undefined;
    },
  ) {}

  /**
   * The number found and kept, or undefined when someone changed the person while SATUSEHAT was
   * asked (what they set wins: the caller reads the record again).
   */
  async resolve(kind: PersonKind, person: PersonToResolve, screeningId: string): Promise<string | undefined> {
    const { store, log, metrics } = this.options;
    const found = await this.ihsNumberByNik(kind.resourceType, person.nik);
    if (metrics) kind.lookups(metrics).inc({ outcome: found.outcome });
    const path = `/${kind.word}s/${person.id}`;
    const fix = `check the NIK (PATCH ${path} {"nik": …}) or set the IHS number the clinic has (PATCH ${path} {"ihsNumber": …}), then POST /screenings/${screeningId}/forward`;
    const details = { [`${kind.word}Id`]: person.id };
    if (found.outcome === 'not-found') {
      throw new ClinicError(
        kind.notFoundCode,
        `SATUSEHAT has no ${kind.word} with the NIK of ${kind.word} ${person.id}: ${fix}`,
        details,
      );
    }
    if (found.outcome === 'ambiguous') {
      throw new ClinicError(
        kind.ambiguousCode,
        `SATUSEHAT answered ${found.total} ${kind.word}s for the NIK of ${kind.word} ${person.id}${found.total === 1 ? ' without a usable id' : ''}: ${fix}`,
        details,
      );
    }
    if (!(await kind.adopt(store, person.id, person.nik, found.ihsNumber))) return undefined;
    await this.auditOwnChange(kind.word, person);
    log.info(details, `took the IHS number SATUSEHAT has for the NIK of a ${kind.word}`);
    return found.ihsNumber;
  }

  /**
   * SATUSEHAT's id (the IHS number) of the one person it has under a NIK. The NIK goes only into
   * the query's URL, which the client leaves out of every message it logs or stores.
   */
  private async ihsNumberByNik(resourceType: PersonKind['resourceType'], nik: string): Promise<Lookup> {
    const { ids, total } = await this.options.client.searchByIdentifier(resourceType, NIK_SYSTEM, nik);
    if (total === 0) return { outcome: 'not-found' };
    const ihsNumber = ids[0];
    if (total > 1 || ihsNumber === undefined || !IhsNumber.safeParse(ihsNumber).success) {
      return { outcome: 'ambiguous', total };
    }
    return { outcome: 'found', ihsNumber };
  }

  private async auditOwnChange(resourceType: string, person: PersonToResolve): Promise<void> {
    await this.options.store.audit([
      {
        clientId: FORWARDER_ACTOR,
        action: 'update',
        resourceType,
        resourceId: person.id,
        patientId: person.patientId,
        clinicId: person.clinicId,
        requestId: null,
        at: new Date().toISOString(),
      },
    ]);
  }
}
