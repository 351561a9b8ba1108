import type { OrgUnit } from '../orgs/index.ts';
import type { Clock, Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { reportingTimeZone, type IndicatorCatalog } from './catalog-service.ts';
import type { IndicatorDefinition } from './definition.ts';
import { indicatorNotFound } from './definitions-service.ts';
import { toXlsx } from './export-xlsx.ts';
import { aboutTable, breakdownTable, exportFileName, seriesTable, toCsv, type ExportFormat, type ExportLanguage, type ExportTable } from './export.ts';
import { rankChildren, type IndicatorQueryService } from './query-service.ts';
import type { IndicatorTargetsService } from './targets-service.ts';

/**
 * Series and breakdown downloads: reads what the JSON routes answer (the same query service, so
 * a file never disagrees with the screen) and writes it as CSV or XLSX. The XLSX workbook adds an
 * "about" sheet; CSV holds the data table only.
 */
export interface ExportFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function createIndicatorExportService(deps: {
  db: Queryable;
  catalog: IndicatorCatalog;
  queries: Pick<IndicatorQueryService, 'series' | 'breakdown'>;
  targets: Pick<IndicatorTargetsService, 'resolvedTargets'>;
  clock: Clock;
}) {
  const { db, catalog, queries, targets, clock } = deps;

  async function definitionOf(code: string): Promise<IndicatorDefinition> {
    const d = await catalog.get(db, code);
    if (!d) throw indicatorNotFound(code);
    return d;
  }

  async function file(tables: readonly ExportTable[], stem: readonly string[], format: ExportFormat): Promise<ExportFile> {
    const [data] = tables;
    const body = format === 'csv'
      ? Buffer.from(data ? toCsv(data) : '', 'utf8')
      : await toXlsx(tables, { creator: 'yunjian', created: clock.now() });
    return { fileName: exportFileName(stem, format), contentType: CONTENT_TYPES[format], body };
  }

  return {
    async series(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date, format: ExportFormat, lang: ExportLanguage): Promise<ExportFile> {
      const definition = await definitionOf(code);
      const timeZone = await reportingTimeZone(db);
      const { points } = await queries.series(code, org, grain, from, to);
      const resolved = await targets.resolvedTargets(code, org, grain, from, to);
      const targetSetBy = new Map(resolved.map((t) => [t.periodKey, t.fromOrg]));
      const first = points[0]?.periodKey ?? '';
      const last = points.at(-1)?.periodKey ?? '';
      const tables = [
        seriesTable({ definition, org, grain, points, targetSetBy, timeZone, lang }),
        aboutTable({ definition, org, grain, range: { first, last }, exportedAt: clock.now(), timeZone, lang }),
      ];
      return file(tables, [code, org.code, grain, first === last ? first : `${first}_${last}`], format);
    },

    async breakdown(code: string, org: OrgUnit, grain: Grain, start: Date, format: ExportFormat, lang: ExportLanguage): Promise<ExportFile> {
      const definition = await definitionOf(code);
      const timeZone = await reportingTimeZone(db);
      const { breakdown } = await queries.breakdown(code, org, grain, start);
      const ranked = rankChildren(breakdown.children, definition.direction, 'top');
      const tables = [
        breakdownTable({ definition, parent: org, breakdown, ranked, lang }),
        aboutTable({ definition, org, grain, range: { first: breakdown.periodKey, last: breakdown.periodKey }, exportedAt: clock.now(), timeZone, lang }),
      ];
      return file(tables, [code, org.code, 'breakdown', breakdown.periodKey], format);
    },
  };
}

export type IndicatorExportService = ReturnType<typeof createIndicatorExportService>;
