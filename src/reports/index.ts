/**
 * Weekly and monthly bulletins (周报/月报): templates per scope with chosen sections, figures
 * gathered from the indicator, alert, work-order and source-quality modules, sentences written
 * from them in zh-CN and en, versions kept when late data changes a bulletin, HTML and XLSX
 * renderings, and the scheduled job that writes each bulletin when it is due on the working
 * calendar. The writing and the schedule are pure; storage is in reports-repo.ts.
 */
import type { ScheduledJob } from '../scheduler/index.ts';
import type { ReportsService } from './reports-service.ts';

export { composeBulletin, changedFigures, type BulletinDocument, type BulletinSection } from './bulletin.ts';
export { SECTION_KINDS, type BulletinData, type Locale, type SectionKind } from './bulletin-data.ts';
export { createGatherService, DEFAULT_HEADLINE, type GatherDeps, type GatherService } from './gather-service.ts';
export { createReportsService, type ReportsService, type ReadBulletin } from './reports-service.ts';
export { renderBulletinHtml } from './render-html.ts';
export { renderBulletinXlsx } from './render-xlsx.ts';
export { bulletinDueAt, latestDuePeriod, defaultSchedules, type BulletinKind, type BulletinSchedule } from './schedule.ts';

/** Every quarter of an hour: writes bulletins that fell due and new versions after late data. */
export function createBulletinJob(deps: { reports: ReportsService; log: { info(obj: object, msg: string): void } }): ScheduledJob {
  return {
    name: 'bulletins',
    everyMs: 15 * 60_000,
    async run(now: Date) {
      const written = await deps.reports.runDue(now);
      if (written > 0) deps.log.info({ written }, 'bulletins written');
    },
  };
}
