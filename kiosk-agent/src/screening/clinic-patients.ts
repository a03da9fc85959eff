import { nikProblemCode, PatientCreate, PatientSearch, PersonName } from '@klinik-desa/protocol';
import { ageInYears, type ZoneSpec } from '@klinik-desa/screening';
import type { ClinicClient, Patient } from '@klinik-desa/sdk/lite';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { PatientFormProblem } from '../page-messages/index.js';
import { firstIssue } from '../zod-issue.js';
import { askClinic, ClinicRequestError } from './clinic-client.js';

/** What the kiosk page shows of a patient: enough to know it is the right person, never the NIK. */
export interface PatientCard {
  id: string;
  name: string;
  birthDate: string;
  sex: 'male' | 'female';
  /** On the kiosk's calendar day, for the adult-only thresholds. */
  ageYears: number;
  hasNik: boolean;
}

/**
 * Finds and registers patients at the clinic for the kiosk page, with the kiosk's own API
 * credentials: the health worker types a NIK (or a name and birth date) and gets the clinic's
 * patient id to open the screening with. Input is checked here first, so a typo is named at the
 * kiosk rather than as a bare 400 from the clinic. NIKs and names never go into a log line.
 */
export class ClinicPatients {
  constructor(
    private readonly client: ClinicClient | undefined,
    private readonly zone: ZoneSpec,
    private readonly log: Logger,
  ) {}

  async search(query: unknown): Promise<PatientCard[]> {
    // By NIK, or by name and birth date: checked against the one the worker used, so the message
    // names the field they typed rather than "matches neither form".
    const [byNik, byName] = PatientSearch.options;
    const byNikAsked = typeof query === 'object' && query !== null && 'nik' in query;
    const params = byNikAsked ? checked(byNik, query) : checked(byName, query);
    const page = await this.call('search', (client) => client.patients.search(params).firstPage());
    return page.data.map((p) => this.card(p));
  }

  async register(body: unknown): Promise<PatientCard> {
    const params = checked(PatientCreate, body);
    return this.card(await this.call('register', (client) => client.patients.create(params)));
  }

  async get(id: string): Promise<PatientCard> {
    return this.card(await this.call('get', (client) => client.patients.retrieve(id)));
  }

  private card(p: Patient): PatientCard {
    return {
      id: p.id,
      name: p.name,
      birthDate: p.birthDate,
      sex: p.sex,
      ageYears: ageInYears(p.birthDate, new Date(), this.zone),
      hasNik: p.nik !== null,
    };
  }

  private call<T>(what: string, run: (client: ClinicClient) => Promise<T>): Promise<T> {
    return askClinic(this.client, `patient ${what}`, run, this.log);
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const field = String(parsed.error.issues[0]?.path[0] ?? '');
  const problem = formProblem(field, value as Record<string, unknown>);
  throw new ClinicRequestError(400, 'BAD_PATIENT', firstIssue(parsed.error), {
    field,
    ...(problem ? { problem } : {}),
  });
}

/**
 * The code of what is wrong in the field the worker typed, for the page's own words: a NIK's by
 * the protocol's NIK check, a name too short to search by apart from one no KTP could carry.
 */
function formProblem(field: string, body: Record<string, unknown>): PatientFormProblem | undefined {
  const typed = body[field];
  switch (field) {
    case 'nik':
      return typeof typed === 'string' ? nikProblemCode(typed) : 'NIK_NOT_16_DIGITS';
    case 'name':
      return PersonName.safeParse(typed).success ? 'SEARCH_NAME_TOO_SHORT' : 'NAME_INVALID';
    case 'birthDate':
      return 'BIRTH_DATE_INVALID';
    case 'sex':
      return 'SEX_INVALID';
    default:
      return undefined;
  }
}
