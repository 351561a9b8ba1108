import { appendAudit, type ActionContext } from '../audit/index.ts';
import {
  chinaWorkingCalendar,
  parseCalendarDocument,
  parseHolidayText,
  toCalendarDocument,
  withCalendarDays,
  type CalendarDocument,
  type WorkingCalendar,
} from '../calendar/index.ts';
import { pathIds, type OrgUnit } from '../orgs/index.ts';
import { AppError } from '../shared/index.ts';
import { readSetting, writeSetting, type Db, type Queryable } from '../store/index.ts';
import { DEFAULT_DEADLINE_POLICY, parseDeadlinePolicy, type DeadlinePolicy } from './deadlines.ts';
import { DEFAULT_ESCALATION_POLICY, parseEscalationPolicy, type EscalationPolicy, type EscalationTarget } from './escalation.ts';
import { DEFAULT_RECOVERY_CONFIG, type RecoveryConfig } from './recovery.ts';
import { requirePeopleInScope, type PeoplePermission } from './people-service.ts';
import * as routing from './routing-repo.ts';

/**
 * Configuration of the closed loop, stored in the database and edited through the API, each
 * change validated and audited: deadline and escalation policies (settings), the monitoring
 * center's org unit, working calendars per group, routes, duty roster and escalation contacts.
 */
export const SETTING_DEADLINE_POLICY = 'workorder_deadline_policy';
export const SETTING_ESCALATION_POLICY = 'workorder_escalation_policy';
export const SETTING_CENTER = 'center_org_unit';

export interface ConfigOrgs {
  findByCode(code: string): Promise<OrgUnit | null>;
}

function invalid(code: string, errors: readonly { path: string; message: string }[], prefix = '/body'): AppError {
  const first = errors[0];
  return new AppError(code, first ? `${first.path || '/'}: ${first.message}` : 'invalid', { field: `${prefix}${first?.path ?? ''}`, errors });
}

/** The group (root) of an org unit, by its materialised path. */
export function rootIdOf(orgPath: string): number {
  return pathIds(orgPath)[0] ?? 0;
}

export async function readCalendar(db: Queryable, groupId: number): Promise<WorkingCalendar> {
  const stored = await routing.readCalendarDocument(db, groupId);
  if (stored === null) return chinaWorkingCalendar();
  const parsed = parseCalendarDocument(stored);
  if (!parsed.ok) throw new Error(`working_calendar ${String(groupId)} is malformed`);
  return parsed.calendar;
}

/** The monitoring center's org unit code: setting `center_org_unit`, else the root. */
export async function readCenterOrgUnit(db: Queryable): Promise<string> {
  const code = await readSetting<string>(db, SETTING_CENTER);
  if (typeof code === 'string' && code !== '') return code;
  return (await routing.rootOrgCode(db)) ?? 'center';
}

export async function readDeadlinePolicy(db: Queryable): Promise<DeadlinePolicy> {
  const stored = await readSetting<unknown>(db, SETTING_DEADLINE_POLICY);
  if (stored === null) return DEFAULT_DEADLINE_POLICY;
  const parsed = parseDeadlinePolicy(stored);
  if (!parsed.ok) throw new Error('setting workorder_deadline_policy is malformed');
  return parsed.policy;
}

export async function readEscalationPolicy(db: Queryable): Promise<EscalationPolicy> {
  const stored = await readSetting<unknown>(db, SETTING_ESCALATION_POLICY);
  if (stored === null) return DEFAULT_ESCALATION_POLICY;
  const parsed = parseEscalationPolicy(stored);
  if (!parsed.ok) throw new Error('setting workorder_escalation_policy is malformed');
  return parsed.policy;
}

export function createWorkOrderConfigService(deps: { db: Db; orgs: ConfigOrgs; recovery?: RecoveryConfig }) {
  const { db, orgs } = deps;

  async function audited(ctx: ActionContext, action: string, target: string, orgUnitId: number | null, summary: Record<string, unknown>, work: (tx: Queryable) => Promise<void>) {
    await db.transaction(async (tx) => {
      await work(tx);
      await appendAudit(tx, ctx.actor, { action, targetKind: 'workorder_config', targetId: target, orgUnitId, summary }, ctx.now);
    });
  }

  /** Liaisons and contacts of an org unit must be entitled to its orders (they are assigned them or escalated to). */
  const requireUsers = (org: OrgUnit, ids: readonly string[], permission: PeoplePermission, field: string) => requirePeopleInScope(db, org.path, ids, permission, field);

  return {
    recovery: deps.recovery ?? DEFAULT_RECOVERY_CONFIG,
    deadlinePolicy: () => readDeadlinePolicy(db),
    escalationPolicy: () => readEscalationPolicy(db),

    centerOrgUnit: () => readCenterOrgUnit(db),

    async setPolicies(ctx: ActionContext, input: { deadlines?: unknown; escalation?: unknown; centerOrgUnit?: string }): Promise<void> {
      const deadlines = input.deadlines === undefined ? undefined : parseDeadlinePolicy(input.deadlines);
      if (deadlines && !deadlines.ok) throw invalid('WORKORDER_POLICY_INVALID', deadlines.errors, '/body/deadlines');
      const escalation = input.escalation === undefined ? undefined : parseEscalationPolicy(input.escalation);
      if (escalation && !escalation.ok) throw invalid('WORKORDER_POLICY_INVALID', escalation.errors, '/body/escalation');
      if (input.centerOrgUnit !== undefined && !(await orgs.findByCode(input.centerOrgUnit))) {
        throw new AppError('ORG_NOT_FOUND', `No org unit "${input.centerOrgUnit}".`, { field: '/body/centerOrgUnit' });
      }
      await audited(ctx, 'workorder.policyChanged', 'policy', null, { ...input }, async (tx) => {
        if (deadlines?.ok) await writeSetting(tx, SETTING_DEADLINE_POLICY, deadlines.policy, ctx.now);
        if (escalation?.ok) await writeSetting(tx, SETTING_ESCALATION_POLICY, escalation.policy, ctx.now);
        if (input.centerOrgUnit !== undefined) await writeSetting(tx, SETTING_CENTER, input.centerOrgUnit, ctx.now);
      });
    },

    calendar: (group: OrgUnit) => readCalendar(db, group.id),

    /** Replaces a group's calendar by a document, or adds days from the China holiday text format. */
    async setCalendar(ctx: ActionContext, group: OrgUnit, input: { document?: unknown; holidayText?: string }): Promise<CalendarDocument> {
      let calendar: WorkingCalendar;
      if (input.document !== undefined) {
        const parsed = parseCalendarDocument(input.document);
        if (!parsed.ok) throw invalid('CALENDAR_INVALID', parsed.errors, '/body/document');
        calendar = parsed.calendar;
      } else {
        calendar = await readCalendar(db, group.id);
      }
      if (input.holidayText !== undefined) {
        const days = parseHolidayText(input.holidayText);
        if (!days.ok) {
          throw new AppError('CALENDAR_INVALID', days.errors.map((e) => `line ${String(e.line)}: ${e.message}`).join('; '), { field: '/body/holidayText', errors: days.errors });
        }
        calendar = withCalendarDays(calendar, days.days);
      }
      const document = toCalendarDocument(calendar);
      await audited(ctx, 'workorder.calendarChanged', group.code, group.id, { days: document.days?.length ?? 0, timeZone: document.timeZone }, (tx) =>
        routing.writeCalendarDocument(tx, group.id, document, ctx.now));
      return document;
    },

    listRoutes: (scopePaths: readonly string[]) => routing.listRoutes(db, scopePaths),
    async setRoute(ctx: ActionContext, org: OrgUnit, category: string, liaisons: readonly string[]): Promise<void> {
      const ids = await requireUsers(org, liaisons, 'workorder.act', '/body/liaisons');
      await audited(ctx, 'workorder.routeChanged', `${org.code}:${category}`, org.id, { category, liaisons }, (tx) => routing.replaceRoute(tx, org.id, category, ids));
    },

    listRoster: (scopePaths: readonly string[], at?: Date) => routing.listRoster(db, scopePaths, at),
    findRosterEntry: (id: number) => routing.findRosterEntry(db, id),
    async addRoster(ctx: ActionContext, org: OrgUnit, userId: string, from: Date, to: Date): Promise<number> {
      const [id] = await requireUsers(org, [userId], 'workorder.act', '/body/userId');
      if (to.getTime() <= from.getTime()) throw new AppError('WORKORDER_ROSTER_INVALID', 'A duty period must end after it starts.', { field: '/body/to' });
      let created = 0;
      await audited(ctx, 'workorder.rosterAdded', org.code, org.id, { userId, from: from.toISOString(), to: to.toISOString() }, async (tx) => {
        created = await routing.insertRoster(tx, { orgUnitId: org.id, userId: id ?? 0, from, to });
      });
      return created;
    },
    async removeRoster(ctx: ActionContext, entry: routing.RosterRow): Promise<void> {
      await audited(ctx, 'workorder.rosterRemoved', String(entry.id), null, { orgUnit: entry.orgUnit, userId: entry.userId }, (tx) => routing.deleteRoster(tx, entry.id));
    },

    listContacts: (scopePaths: readonly string[]) => routing.listContacts(db, scopePaths),
    async setContacts(ctx: ActionContext, org: OrgUnit, target: EscalationTarget, userIds: readonly string[]): Promise<void> {
      const ids = await requireUsers(org, userIds, 'workorder.read', '/body/userIds');
      await audited(ctx, 'workorder.contactsChanged', `${org.code}:${target}`, org.id, { target, userIds }, (tx) => routing.replaceContacts(tx, org.id, target, ids));
    },
  };
}

export type WorkOrderConfigService = ReturnType<typeof createWorkOrderConfigService>;
