import { QuarterlyReport, QuarterlyReportQuery } from '@klinik-desa/protocol';
import { zoneSpec } from '@klinik-desa/screening';
import type { FastifyRequest } from 'fastify';
import { checkClinic } from '../../domain/access.js';
import { parseQuarter, quarterlyReport, reportCsv, reportPage } from '../../report/index.js';
import type { ReportStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import { COMMON_ERRORS, errorResponses, type RouteContext, security } from './shared.js';

export interface ReportOptions {
  store: ReportStore;
  now: () => Date;
  /** The clinic's zone: a quarter and its months are read on its wall clock (default Asia/Jakarta). */
  timeZone?: string | undefined;
  /** The village of each clinic id, for the village sections; clinics not named have none. */
  villages?: Readonly<Record<string, string>> | undefined;
}

const PageQuery = QuarterlyReportQuery.omit({ format: true });

/** The quarterly report for the puskesmas's cross-sector meeting: JSON, CSV and a printable page. */
export function registerReportRoutes(app: ApiApp, ctx: RouteContext, options: ReportOptions): void {
  const zone = zoneSpec(options.timeZone ? { timeZone: options.timeZone } : {});
  const villageOf = (clinicId: string) => options.villages?.[clinicId] ?? null;

  const build = async (
    request: FastifyRequest,
    query: { quarter: string; clinicId?: string | undefined },
  ) => {
    const quarter = parseQuarter(query.quarter, zone, options.now());
    const access = ctx.access(request);
    if (query.clinicId !== undefined) checkClinic(access, query.clinicId);
    const facts = await options.store.quarterFacts(quarter, access, query.clinicId);
    const report = quarterlyReport(facts, quarter, zone, villageOf);
    // Counts only, but who asked for which clinics' report is still worth knowing.
    await ctx.audit(request, 'read', 'report', quarter.label, null, query.clinicId ?? null);
    return report;
  };

  app.get(
    '/reports/quarterly',
    {
      config: { scope: 'report.read' },
      schema: {
        tags: ['reports'],
        operationId: 'reportsQuarterly',
        summary: 'The quarterly report of screenings, flags and referrals, per clinic and village',
        description:
          'For the puskesmas\'s cross-sector meeting (lokakarya mini lintas sektor). Counts only, no names or NIKs: 1–4 people are shown as "<5", and a second count is shown as "x" wherever a printed total would give a "<5" back. Held to the caller\'s clinics. `format=csv` (or `Accept: text/csv`) answers the same counts as CSV, one line per count; the printable page is `/laporan/triwulan` with the same query. A malformed quarter, or one that has not begun, answers 400 naming the quarter to ask for.',
        security: security('report.read'),
        querystring: QuarterlyReportQuery,
        response: { 200: QuarterlyReport, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const report = await build(request, query);
      const csv = format === 'csv' || (format === undefined && prefersCsv(request.headers.accept));
      if (!csv) return report;
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="laporan-triwulan-${report.quarter}.csv"`)
          .serializer((x: unknown) => x as string)
          // The typed reply knows the JSON answer only; the CSV text bypasses its serializer above.
          .send(reportCsv(report) as never)
      );
    },
  );

  // The page is the report for people: outside the documented API, signed in the API's way.
  app.get(
    '/laporan/triwulan',
    { config: { scope: 'report.read' }, schema: { hide: true, querystring: PageQuery } },
    async (request, reply) => {
      const report = await build(request, request.query);
      const clinic = request.query.clinicId ? `&clinicId=${encodeURIComponent(request.query.clinicId)}` : '';
      const [year, q] = report.quarter.split('-Q').map(Number) as [number, number];
      const previous = q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
      return reply
        .type('text/html; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(
          reportPage(report, {
            csv: `/reports/quarterly?quarter=${report.quarter}${clinic}&format=csv`,
            previous: `/laporan/triwulan?quarter=${previous}${clinic}`,
          }),
        );
    },
  );
}

/** CSV when the caller ranks text/csv above JSON (a spreadsheet's web import asks so). */
function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const rank = (type: string) => {
    for (const part of accept.split(',')) {
      const [name, ...params] = part.trim().split(';');
      if (name?.trim().toLowerCase() !== type) continue;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return q ? Number(q.slice(2)) : 1;
    }
    return 0;
  };
  return rank('text/csv') > rank('application/json');
}
