import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  Patient,
  PatientCreateParams,
  PatientSearchParams,
  PatientUpdateParams,
} from '../core/types.js';
import { APIResource, checkNik, segment } from './resource.js';

export class Patients extends APIResource {
  /** Registers a patient. A NIK already registered answers 409 `PATIENT_EXISTS` (a ConflictError). */
  async create(params: PatientCreateParams, options?: RequestOptions): Promise<Patient> {
    if (params.nik !== undefined) checkNik(params.nik);
    return this._client.request(
      {
        method: 'POST',
        route: '/patients',
        path: '/patients',
        body: params,
        schema: 'Patient',
        idempotent: true,
      },
      options,
    );
  }

  /** A patient by id; NotFoundError when there is none. */
  async retrieve(id: string, options?: RequestOptions): Promise<Patient> {
    return this._client.request(
      { method: 'GET', route: '/patients/{id}', path: `/patients/${segment('id', id)}`, schema: 'Patient' },
      options,
    );
  }

  /**
   * Changes the fields given, e.g. `{ ihsNumber: 'P02478375538' }` once the clinic has the
   * patient's SATUSEHAT id, or a name typed wrong. A NIK registered to another patient is a
   * ConflictError (`PATIENT_EXISTS`, with that `patientId` in `details`).
   */
  async update(id: string, params: PatientUpdateParams, options?: RequestOptions): Promise<Patient> {
    if (typeof params.nik === 'string') checkNik(params.nik);
    return this._client.request(
      {
        method: 'PATCH',
        route: '/patients/{id}',
        path: `/patients/${segment('id', id)}`,
        body: params,
        schema: 'Patient',
      },
      options,
    );
  }

  /**
   * Patients by NIK (at most one), or by name and birth date (every patient born that day whose
   * name contains the words given). Sent as a POST so that a NIK or a name is never in a URL.
   */
  search(params: PatientSearchParams, options?: RequestOptions): PagedList<Patient> {
    const { limit, cursor, ...body } = params;
    return this._client.requestList(
      { method: 'POST', route: '/patients/search', path: '/patients/search', body, schema: 'PatientPage' },
      { limit, cursor },
      options,
      () => {
        if ('nik' in body) checkNik(body.nik);
      },
    );
  }

  /** The patient with this NIK, or `null` when none is registered. */
  async findByNik(nik: string, options?: RequestOptions): Promise<Patient | null> {
    const page = await this.search({ nik }, options).firstPage();
    return page.data[0] ?? null;
  }
}
