import type { ClinicClient } from '@klinik-desa/sdk/lite';
import type { Logger } from '../logger.js';
import { askClinic, ClinicRequestError } from './clinic-client.js';

/** A health worker the kiosk page offers as "who is doing this check": a name and the clinic's id. */
export interface PractitionerChoice {
  id: string;
  name: string;
}

export interface PractitionerList {
  practitioners: PractitionerChoice[];
  /** The clinic could not be reached: this is the list it gave last, not a fresh one. */
  stale: boolean;
}

/** More than any village clinic employs; the page shows them all in one list. */
const MAX_LISTED = 500;

/**
 * The clinic's active health workers, for the kiosk page's "who is measuring" choice. The screening
 * is opened at the clinic with the chosen one, so SATUSEHAT's Encounter names the person who did
 * the check rather than the clinic's default practitioner. The last list is kept in memory: the
 * same few people work at a kiosk all day, and a network that drops for an hour should not make
 * the worker's name disappear from the page. Only ids and names reach the page, never a NIK.
 */
export class ClinicPractitioners {
  private last: PractitionerChoice[] | undefined;

  constructor(
    private readonly client: ClinicClient | undefined,
    private readonly clinicId: string,
    private readonly log: Logger,
  ) {}

  async list(): Promise<PractitionerList> {
    try {
      const found = await askClinic(
        this.client,
        'practitioner list',
        (client) =>
          client.practitioners.list({ clinicId: this.clinicId, active: true }).toArray({ max: MAX_LISTED }),
        this.log,
      );
      this.last = found
        .map((p) => ({ id: p.id, name: p.name }))
        .sort((a, b) => a.name.localeCompare(b.name, 'id'));
      return { practitioners: this.last, stale: false };
    } catch (error) {
      if (error instanceof ClinicRequestError && error.code === 'CLINIC_UNREACHABLE' && this.last)
        return { practitioners: this.last, stale: true };
      throw error;
    }
  }
}
