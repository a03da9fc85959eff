import { InvalidArgumentError } from '../core/errors.js';
import type { RequestOptions } from '../core/request.js';
import type { QuarterlyReport, ReportQuarterlyParams } from '../core/types.js';
import { APIResource } from './resource.js';

/** Counts for the puskesmas's quarterly cross-sector meeting. Needs `report.read`. */
export class Reports extends APIResource {
  /**
   * Screenings by month, age band and sex, flags and referrals of the quarter, per clinic and
   * village, small counts suppressed (`"<5"`, `"x"`). `BadRequestError` (VALIDATION) for a
   * malformed quarter or one that has not begun; `PermissionDeniedError` for another's clinic.
   */
  async quarterly(params: ReportQuarterlyParams, options?: RequestOptions): Promise<QuarterlyReport> {
    if (params.format === 'csv') {
      throw new InvalidArgumentError(
        'format',
        'the SDK reads the JSON report; fetch GET /reports/quarterly?format=csv yourself for the CSV',
      );
    }
    return this._client.request(
      {
        method: 'GET',
        route: '/reports/quarterly',
        path: '/reports/quarterly',
        query: params,
        schema: 'QuarterlyReport',
      },
      options,
    );
  }
}
