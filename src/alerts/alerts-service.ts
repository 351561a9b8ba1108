import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import type { AlertState } from './alert.ts';
import * as repo from './alerts-repo.ts';
import * as findingsRepo from './findings-repo.ts';
import { parseMuteWindow } from './mute-window.ts';
import { parseSilence, type Matcher } from './silence.ts';

/**
 * Alerts as people read and act on them: the queryable alert (incident) list, each alert's
 * transition history and the periods it spans, the findings judged on history; silences (matchers, start and end, creator, reason — audited, and always confined to
 * the org subtree they were created for) and recurring mute windows.
 */
export type AlertView = repo.AlertRow;
export type SilenceView = repo.SilenceRow;

export interface AlertFilter {
  readonly paths: readonly string[];
  readonly state?: AlertState;
  readonly severity?: number;
  readonly ruleCode?: string;
  readonly orgPath?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly limit?: number;
}

export interface NewSilence {
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt?: Date;
  readonly endsAt: Date;
  readonly reason: string;
}

/** The matcher that keeps a silence inside the subtree of the org unit it belongs to. */
export function scopeMatcher(orgPath: string): Matcher {
  const ids = orgPath.split('/').filter((s) => s !== '');
  return { name: 'orgPath', op: '=~', value: `${ids.join('/')}(/.*)?` };
}

export function createAlertsService(deps: { db: Db }) {
  const { db } = deps;

  async function createSilence(ctx: ActionContext, input: NewSilence, audit: { action: string; alertId?: number } = { action: 'silence.created' }): Promise<SilenceView> {
    const startsAt = input.startsAt ?? ctx.now;
    const matchers = [...input.matchers, scopeMatcher(input.orgPath)];
    const parsed = parseSilence({ id: 'new', matchers: input.matchers, startsAt: startsAt.toISOString(), endsAt: input.endsAt.toISOString(), createdBy: ctx.actor.name, reason: input.reason });
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new AppError('SILENCE_INVALID', `The silence is invalid: ${first?.path ?? ''} ${first?.message ?? ''}.`, { field: `/body${first?.path ?? ''}`, errors: parsed.errors });
    }
    if (input.endsAt.getTime() <= ctx.now.getTime()) throw new AppError('SILENCE_INVALID', 'The silence must end in the future.', { field: '/body/endsAt' });
    const id = await db.transaction(async (tx) => {
      const newId = await repo.insertSilence(tx, { orgUnitId: input.orgUnitId, matchers, startsAt, endsAt: input.endsAt, createdBy: ctx.actor.name, reason: input.reason, createdAt: ctx.now });
      await appendAudit(tx, ctx.actor, {
        action: audit.action, targetKind: audit.alertId === undefined ? 'silence' : 'alert', targetId: String(audit.alertId ?? newId), orgUnitId: input.orgUnitId,
        summary: { silenceId: newId, matchers, startsAt: startsAt.toISOString(), endsAt: input.endsAt.toISOString(), reason: input.reason },
      }, ctx.now);
      return newId;
    });
    const saved = await repo.findSilence(db, id);
    if (!saved) throw new Error('silence vanished after insert');
    return saved;
  }

  return {
    list: (f: AlertFilter) => repo.queryAlerts(db, { ...f, limit: Math.min(f.limit ?? 200, 1000) }),
    /** Exact counts of alerts in a state per org unit and severity (a list is capped; a count is not). */
    countByUnit: (paths: readonly string[], state: AlertState) => repo.countAlertsByUnit(db, { paths, state }),
    find: (id: number) => repo.findAlertById(db, id),
    history: (alertId: number) => repo.listHistory(db, alertId),
    /** The periods an incident spans, oldest first. */
    periods: (alertId: number) => repo.listAlertPeriods(db, alertId),
    /** Breaches judged on periods older than their rule's live horizon (history): shown, never alerted. */
    findings: (q: Omit<findingsRepo.FindingQuery, 'limit'> & { limit?: number }) => findingsRepo.listFindings(db, { ...q, limit: Math.min(q.limit ?? 200, 1000) }),

    createSilence,

    /** Silences this one alert (its rule at its org unit) until `endsAt`. */
    async silenceAlert(ctx: ActionContext, alert: AlertView, input: { endsAt: Date; reason: string }): Promise<SilenceView> {
      return createSilence(ctx, {
        orgUnitId: alert.orgUnitId, orgPath: alert.orgPath, endsAt: input.endsAt, reason: input.reason,
        matchers: [{ name: 'ruleCode', op: '=', value: alert.ruleCode }, { name: 'orgUnit', op: '=', value: alert.orgUnitCode }],
      }, { action: 'alert.silenced', alertId: alert.id });
    },

    listSilences: (paths: readonly string[], activeAt?: Date) => repo.listSilences(db, paths, activeAt),
    findSilence: (id: number) => repo.findSilence(db, id),

    /** Ends a silence now (kept for the record). */
    async expireSilence(ctx: ActionContext, silence: SilenceView): Promise<void> {
      if (silence.expiredAt !== null) throw new AppError('SILENCE_INVALID_TRANSITION', 'The silence has already been expired.');
      await db.transaction(async (tx) => {
        await repo.expireSilence(tx, silence.id, ctx.now);
        await appendAudit(tx, ctx.actor, { action: 'silence.expired', targetKind: 'silence', targetId: String(silence.id), orgUnitId: silence.orgUnitId, summary: { reason: silence.reason } }, ctx.now);
      });
    },

    /** A recurring mute window (nights, weekends, holidays); installation-wide. */
    async createMuteWindow(ctx: ActionContext, json: { name: string } & Record<string, unknown>): Promise<number> {
      const parsed = parseMuteWindow({ ...json, id: 'new' });
      if (!parsed.ok) throw new AppError('MUTE_WINDOW_INVALID', 'The mute window is invalid.', { errors: parsed.errors });
      const definition: Record<string, unknown> = { ...parsed.window };
      delete definition.id;
      return db.transaction(async (tx) => {
        const id = await repo.insertMuteWindow(tx, parsed.window.name, definition, ctx.now);
        await appendAudit(tx, ctx.actor, { action: 'mute_window.created', targetKind: 'mute_window', targetId: String(id), summary: { ...definition } }, ctx.now);
        return id;
      });
    },
    listMuteWindows: () => repo.listMuteWindows(db),
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
