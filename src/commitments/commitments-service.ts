import { tellConsumer, type AlertTransitionConsumer, type AlertTransitionEvent } from '../alerts/index.ts';
import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, bucketStart, nextPeriod, periodKey, previousPeriod, type Clock, type Grain } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import * as repo from './commitments-repo.ts';
import { projectCommitment, usualProfile, type Projection } from './projection.ts';
import { rollUpTree, type RolledUp } from './tree.ts';
import { nextWarning } from './warning.ts';

/**
 * Service commitments (服务承诺): the tree (created and changed by administrators, audited), its
 * compliance per month rolled up to the patient-level commitments, and the early-warning pass:
 * for each commitment, the month so far (day values of its indicator for its owner, read through
 * the indicators query service) and the usual profile of the previous months project the month's
 * value; a projected miss raises a warning whose transitions go, in the same transaction, to the
 * closed loop's alert-transition consumers (work orders), before the breach happens.
 */
export const PROFILE_PERIODS = 3;
const DAY_MS = 86_400_000;

export interface CommitmentIndicators {
  series(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<{ points: readonly { periodStart: Date; value: number | null }[] }>;
  exists(code: string): Promise<boolean>;
}

export interface CommitmentDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly timeZone: () => Promise<string>;
  readonly orgs: { findById(id: number): Promise<OrgUnit | null> };
  readonly indicators: CommitmentIndicators;
  readonly consumers: readonly AlertTransitionConsumer[];
}

export interface CommitmentNode extends repo.Commitment {
  readonly value: number | null;
  readonly projection: Projection;
  readonly warning: repo.Warning | null;
  readonly rolled: RolledUp;
}

export interface CommitmentWrite {
  readonly code: string;
  readonly parent: string | null;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly owner: OrgUnit;
  readonly indicator: string;
  readonly direction: 'higher_better' | 'lower_better';
  readonly aggregate: 'mean' | 'sum';
  readonly target: number;
  readonly promise: string | null;
}

const SYSTEM = { kind: 'system' as const, id: null, name: 'commitments' };

export function createCommitmentsService(deps: CommitmentDeps) {
  const { db, clock, indicators } = deps;

  /** The month so far (completed days) and the usual day profile, projected. */
  async function project(c: repo.Commitment, owner: OrgUnit, month: Date, now: Date, timeZone: string): Promise<Projection> {
    const end = nextPeriod(month, 'month', timeZone);
    const today = bucketStart(now, 'day', timeZone);
    const elapsedEnd = today.getTime() < end.getTime() ? today : end;
    const length = Math.round((end.getTime() - month.getTime()) / DAY_MS);
    const elapsed = elapsedEnd.getTime() > month.getTime() ? (await indicators.series(c.indicator, owner, 'day', month, elapsedEnd)).points.map((p) => p.value) : [];
    const previous: (number | null)[][] = [];
    let start = month;
    for (let i = 0; i < PROFILE_PERIODS; i += 1) {
      const prevStart = previousPeriod(start, 'month', timeZone);
      previous.push((await indicators.series(c.indicator, owner, 'day', prevStart, start)).points.map((p) => p.value));
      start = prevStart;
    }
    return projectCommitment({ aggregate: c.aggregate, direction: c.direction, target: c.target, elapsed, usual: usualProfile(previous, length) });
  }

  function event(c: repo.Commitment, warningId: number, owner: OrgUnit, key: string, to: 'firing' | 'resolved', from: 'firing' | 'resolved' | null, p: Projection, at: Date): AlertTransitionEvent {
    const projected = p.projected === null ? '—' : String(Math.round(p.projected * 100) / 100);
    return {
      // Negative: a commitment warning has no alert row, and its id must never meet a real alert's id in the work orders' links.
      alertId: -warningId, fingerprint: `commitment:${c.code}:${key}`, ruleCode: `commitment.${c.code}`, ruleNameZh: `服务承诺预警：${c.nameZh}`, ruleNameEn: `Commitment early warning: ${c.nameEn}`,
      category: 'commitment', severity: 3, orgUnitId: owner.id, orgUnitCode: owner.code, groupKey: `commitment.${c.code}:${String(owner.parentId ?? owner.id)}`,
      from, to, reason: to === 'firing' ? 'projected_breach' : 'recovered', at, periodKey: key, value: p.projected, bound: c.target,
      messageZh: `${c.nameZh}：${key} 预计 ${projected}，目标 ${String(c.target)}`, messageEn: `${c.nameEn}: ${key} projected ${projected}, target ${String(c.target)}`, notify: true,
    };
  }

  async function validate(input: CommitmentWrite, self: repo.Commitment | null): Promise<{ parentId: number | null; level: number }> {
    if (!(await indicators.exists(input.indicator))) throw new AppError('COMMITMENT_INDICATOR_NOT_FOUND', `No indicator "${input.indicator}".`, { field: '/body/indicator' });
    if (input.parent === null) return { parentId: null, level: 1 };
    const parent = await repo.findCommitment(db, input.parent);
    if (!parent) throw new AppError('COMMITMENT_PARENT_NOT_FOUND', `No commitment "${input.parent}".`, { field: '/body/parent' });
    if (parent.level >= 3) throw new AppError('COMMITMENT_TOO_DEEP', 'Commitments are decomposed into three levels at most.', { field: '/body/parent' });
    if (self && (parent.id === self.id || parent.parentId === self.id)) throw new AppError('COMMITMENT_CYCLE', 'A commitment cannot sit under itself.', { field: '/body/parent' });
    return { parentId: parent.id, level: parent.level + 1 };
  }

  async function save(ctx: ActionContext, input: CommitmentWrite, existing: repo.Commitment | null): Promise<repo.Commitment> {
    const { parentId, level } = await validate(input, existing);
    const row = { ...input, parentId, level, ownerId: input.owner.id };
    await db.transaction(async (tx) => {
      if (existing) await repo.updateCommitment(tx, existing.id, row, ctx.now);
      else await repo.insertCommitment(tx, row, ctx.now);
      await appendAudit(tx, ctx.actor, {
        action: existing ? 'commitment.changed' : 'commitment.created', targetKind: 'commitment', targetId: input.code, orgUnitId: input.owner.id,
        summary: { parent: input.parent, level, indicator: input.indicator, target: input.target, direction: input.direction, before: existing ? { target: existing.target, indicator: existing.indicator } : null },
      }, ctx.now);
    });
    const saved = await repo.findCommitment(db, input.code);
    if (!saved) throw new Error('commitment vanished after save');
    return saved;
  }

  return {
    find: (code: string) => repo.findCommitment(db, code),

    async create(ctx: ActionContext, input: CommitmentWrite): Promise<repo.Commitment> {
      if (await repo.findCommitment(db, input.code)) throw new AppError('COMMITMENT_CODE_TAKEN', `Commitment "${input.code}" already exists.`, { field: '/body/code' });
      return save(ctx, input, null);
    },

    update: (ctx: ActionContext, existing: repo.Commitment, input: CommitmentWrite) => save(ctx, input, existing),

    /** The tree in a month: each node's value, projection, warning and rolled-up state, cut to the scope. */
    async tree(month: Date, scopePaths: readonly string[]): Promise<{ periodKey: string; nodes: CommitmentNode[] }> {
      const timeZone = await deps.timeZone();
      const now = clock.now();
      const all = await repo.listCommitments(db);
      const warnings = await repo.warningsOf(db, month);
      const own: { c: repo.Commitment; value: number | null; projection: Projection }[] = [];
      for (const c of all) {
        const owner = await deps.orgs.findById(c.ownerId);
        if (!owner) continue;
        const value = (await indicators.series(c.indicator, owner, 'month', month, nextPeriod(month, 'month', timeZone))).points[0]?.value ?? null;
        own.push({ c, value, projection: await project(c, owner, month, now, timeZone) });
      }
      const rolled = rollUpTree(own.map((o) => ({ id: o.c.id, parentId: o.c.parentId, state: o.projection.state })));
      const nodes = own
        .filter((o) => scopePaths.some((p) => o.c.ownerPath.startsWith(p)))
        .map((o) => ({ ...o.c, value: o.value, projection: o.projection, warning: warnings.get(o.c.id) ?? null, rolled: rolled.get(o.c.id) ?? { state: 'no_data' as const, compliance: null } }));
      return { periodKey: periodKey(month, 'month', timeZone), nodes };
    },

    /** The early-warning pass over the current month; returns the transitions it told the closed loop. */
    async evaluate(): Promise<AlertTransitionEvent[]> {
      const timeZone = await deps.timeZone();
      const now = clock.now();
      const month = bucketStart(now, 'month', timeZone);
      const key = periodKey(month, 'month', timeZone);
      const warnings = await repo.warningsOf(db, month);
      const told: AlertTransitionEvent[] = [];
      for (const c of await repo.listCommitments(db)) {
        const owner = await deps.orgs.findById(c.ownerId);
        if (!owner) continue;
        const projection = await project(c, owner, month, now, timeZone);
        const prev = warnings.get(c.id) ?? null;
        const step = nextWarning(prev?.state ?? null, projection.state);
        if (step.next === null || (step.next === prev?.state && step.transition === null && prev.projected === projection.projected)) continue;
        const next = step.next;
        await db.transaction(async (tx: Queryable) => {
          const id = await repo.upsertWarning(tx, { commitmentId: c.id, periodStart: month, state: next, projected: projection.projected, periodToDate: projection.periodToDate, now });
          if (step.transition === null) return;
          const e = event(c, id, owner, key, step.transition, step.transition === 'firing' ? (prev?.state === 'resolved' ? 'resolved' : null) : 'firing', projection, now);
          await appendAudit(tx, SYSTEM, {
            action: step.transition === 'firing' ? 'commitment.warningRaised' : 'commitment.warningResolved', targetKind: 'commitment', targetId: c.code, orgUnitId: owner.id,
            summary: { period: key, state: next, projected: projection.projected, periodToDate: projection.periodToDate, target: c.target },
          }, now);
          for (const consumer of deps.consumers) await tellConsumer(consumer, tx, [e]);
          told.push(e);
        });
      }
      return told;
    },
  };
}

export type CommitmentsService = ReturnType<typeof createCommitmentsService>;

export function createCommitmentWarningJob(deps: { commitments: Pick<CommitmentsService, 'evaluate'>; everyMs?: number }) {
  return {
    name: 'commitments.earlyWarning',
    everyMs: deps.everyMs ?? 900_000,
    run: async () => {
      await deps.commitments.evaluate();
    },
  };
}
