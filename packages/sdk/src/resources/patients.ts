import type { RequestOptions } from '../client.js';
import type { PagedList } from '../core/pagination.js';
import type { Patient, PatientCreateParams, PatientSearchParams } from '../core/types.js';
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
