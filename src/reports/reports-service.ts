import { createHash } from 'node:crypto';
import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { WorkingCalendar } from '../calendar/index.ts';
import { stableStringify } from '../ingest/stable-json.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, parsePeriodKey, periodKey, previousPeriod, type Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import type { Locale, SectionKind } from './bulletin-data.ts';
import { changedFigures, composeBulletin, type BulletinDocument } from './bulletin.ts';
import type { GatherService } from './gather-service.ts';
import * as repo from './reports-repo.ts';
import { grainOf, latestDuePeriod, type BulletinKind, type BulletinSchedule } from './schedule.ts';

/**
 * Bulletins: templates per scope, generation (gather → store the figures as a new version only
 * when they changed), reading in the reader's language with what changed since the version
 * before, and the scheduled job that writes each template's bulletin when it is due on the
 * working calendar and a new version when late data changes a published one.
 */
export interface ReadBulletin {
  readonly id: number;
  readonly template: string;
  readonly periodKey: string;
  readonly version: number;
  readonly trigger: repo.BulletinRecord['trigger'];
  readonly generatedAt: string;
  readonly document: BulletinDocument;
  /** Figures that differ from the version before (empty for version 1). */
  readonly changes: readonly { key: string; before: string | null; after: string | null }[];
}

/** Periods back that the job re-reads for late data after their bulletin went out. */
const LATE_DATA_PERIODS = 2;

export function createReportsService(deps: {
  db: Db;
  clock: Clock;
  gather: GatherService;
  orgById: (id: number) => Promise<OrgUnit | null>;
  calendarFor: (orgPath: string) => Promise<WorkingCalendar>;
}) {
  const { db } = deps;

  async function requireTemplate(idOrCode: string): Promise<repo.TemplateRecord> {
    const t = await repo.findTemplate(db, idOrCode);
    if (!t) throw new AppError('REPORT_TEMPLATE_NOT_FOUND', `No bulletin template "${idOrCode}".`, { field: '/template' });
    return t;
  }

  function dataHash(data: unknown): string {
    return createHash('sha256').update(stableStringify(data), 'utf8').digest('hex');
  }

  async function periodStartOf(t: repo.TemplateRecord, key: string): Promise<Date> {
    const calendar = await deps.calendarFor(t.orgPath);
    const parsed = parsePeriodKey(key, calendar.timeZone);
    if (!parsed || parsed.grain !== grainOf(t.kind)) {
      throw new AppError('REPORT_INVALID_PERIOD', `A ${t.kind} bulletin's period is ${t.kind === 'weekly' ? 'an ISO week such as 2026-W48' : 'a month such as 2026-11'}, not "${key}".`, { field: '/period' });
    }
    return parsed.start;
  }

  /** Writes a new version when the figures differ from the latest one; returns the latest either way. */
  async function generate(t: repo.TemplateRecord, periodStart: Date, trigger: repo.BulletinRecord['trigger'], ctx: ActionContext | null): Promise<{ id: number; created: boolean }> {
    const scope = await deps.orgById(t.orgUnitId);
    if (!scope) throw new AppError('REPORT_TEMPLATE_NOT_FOUND', `The scope of template "${t.code}" no longer exists.`);
    const data = await deps.gather.gather({ kind: t.kind, scope, periodStart, headline: t.headline, now: deps.clock.now() });
    const hash = dataHash(data);
    const latest = await repo.latestVersion(db, t.id, data.periodKey);
    if (latest && latest.dataHash === hash) return { id: latest.id, created: false };
    const now = deps.clock.now();
    const id = await db.transaction(async (tx) => {
      const newId = await repo.insertBulletin(tx, {
        templateId: t.id, periodKey: data.periodKey, version: (latest?.version ?? 0) + 1, data, dataHash: hash,
        trigger: latest && trigger === 'schedule' ? 'late_data' : trigger, now,
      });
      if (ctx) {
        await appendAudit(tx, ctx.actor, {
          action: 'bulletin.generated', targetKind: 'bulletin', targetId: String(newId), orgUnitId: t.orgUnitId,
          summary: { after: { template: t.code, period: data.periodKey, version: (latest?.version ?? 0) + 1 } },
        }, now);
      }
      return newId;
    });
    return { id, created: true };
  }

  async function read(record: repo.BulletinRecord, locale: Locale): Promise<ReadBulletin> {
    const t = await requireTemplate(String(record.templateId));
    const document = composeBulletin(record.data, t.sections, locale);
    let changes: ReadBulletin['changes'] = [];
    if (record.version > 1) {
      const before = (await repo.listBulletins(db, { scopePaths: [record.orgPath], templateId: t.id, periodKey: record.periodKey, latestOnly: false, limit: 100 }))
        .find((b) => b.version === record.version - 1);
      if (before) changes = changedFigures(composeBulletin(before.data, t.sections, locale).figures, document.figures);
    }
    return { id: record.id, template: t.code, periodKey: record.periodKey, version: record.version, trigger: record.trigger, generatedAt: record.generatedAt.toISOString(), document, changes };
  }

  return {
    requireTemplate,
    listTemplates: (scopePaths: readonly string[]) => repo.listTemplates(db, scopePaths),

    async createTemplate(ctx: ActionContext, input: { code: string; name: string; kind: BulletinKind; org: OrgUnit; sections: readonly SectionKind[]; headline: readonly string[]; schedule: BulletinSchedule; enabled: boolean }) {
      if (await repo.findTemplate(db, input.code)) throw new AppError('REPORT_TEMPLATE_CODE_TAKEN', `Template code "${input.code}" is taken.`, { field: '/code' });
      const id = await db.transaction(async (tx) => {
        const newId = await repo.insertTemplate(tx, { ...input, orgUnitId: input.org.id }, ctx.now);
        await appendAudit(tx, ctx.actor, {
          action: 'bulletin_template.created', targetKind: 'bulletin_template', targetId: String(newId), orgUnitId: input.org.id,
          summary: { after: { code: input.code, kind: input.kind, sections: input.sections, headline: input.headline, schedule: input.schedule } },
        }, ctx.now);
        return newId;
      });
      return requireTemplate(String(id));
    },

    async updateTemplate(ctx: ActionContext, t: repo.TemplateRecord, input: { name: string; sections: readonly SectionKind[]; headline: readonly string[]; schedule: BulletinSchedule; enabled: boolean }) {
      await db.transaction(async (tx) => {
        await repo.updateTemplate(tx, t.id, input, ctx.now);
        await appendAudit(tx, ctx.actor, {
          action: 'bulletin_template.updated', targetKind: 'bulletin_template', targetId: String(t.id), orgUnitId: t.orgUnitId,
          summary: { before: { name: t.name, sections: t.sections, headline: t.headline, schedule: t.schedule, enabled: t.enabled }, after: input },
        }, ctx.now);
      });
      return requireTemplate(String(t.id));
    },

    /** Generates (or regenerates) the bulletin of a period by hand. */
    async generateFor(ctx: ActionContext | null, t: repo.TemplateRecord, periodKey: string) {
      const result = await generate(t, await periodStartOf(t, periodKey), 'manual', ctx);
      const record = await repo.findBulletin(db, result.id);
      if (!record) throw new Error(`bulletin ${String(result.id)} vanished`);
      return { ...result, record };
    },

    list: (q: repo.BulletinQuery) => repo.listBulletins(db, q),
    find: (id: number) => repo.findBulletin(db, id),
    read,

    /**
     * The scheduled pass: for each enabled template, the latest period due on its calendar gets
     * its bulletin; the periods just before it are read again and get a new version when late
     * data changed their figures.
     */
    async runDue(now: Date): Promise<number> {
      let written = 0;
      for (const t of await repo.listEnabledTemplates(db)) {
        const calendar = await deps.calendarFor(t.orgPath);
        const due = latestDuePeriod(t.kind, now, calendar, t.schedule);
        let start = due.start;
        for (let i = 0; i <= LATE_DATA_PERIODS; i += 1) {
          const exists = await repo.latestVersion(db, t.id, periodKey(start, grainOf(t.kind), calendar.timeZone));
          // The due period is written once; earlier ones only when they already have a bulletin (late data).
          if (i === 0 || exists) {
            if ((await generate(t, start, 'schedule', null)).created) written += 1;
          }
          start = previousPeriod(start, grainOf(t.kind), calendar.timeZone);
        }
      }
      return written;
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
