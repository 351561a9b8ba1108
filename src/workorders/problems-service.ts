import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import * as repo from './problems-repo.ts';
import { existingUserIds } from './routing-repo.ts';

/**
 * The problem library (问题库): a recurring or not-yet-solvable cause with an owner, a plan and a
 * deadline, progress updates, and links to its alerts and work orders. Lifecycle:
 * open → resolved (the owner records the resolution) → closed (only the proposer verifies it; the
 * resolution then becomes a knowledge-base article); the proposer may send it back to open.
 */
export interface NewProblem {
  readonly title: string;
  readonly description: string;
  readonly org: OrgUnit;
  readonly ruleCode: string | null;
  readonly category: string | null;
  readonly ownerId: string;
  readonly plan: string;
  readonly deadline: Date | null;
  readonly links: readonly { kind: 'alert' | 'workorder'; ref: string }[];
}

export type ProblemCommand =
  | { readonly kind: 'update'; readonly body: string; readonly progress?: number }
  | { readonly kind: 'resolve'; readonly resolution: string }
  | { readonly kind: 'verify' }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'link'; readonly links: readonly { kind: 'alert' | 'workorder'; ref: string }[] };

const ALLOWED: Readonly<Record<ProblemCommand['kind'], readonly repo.ProblemState[]>> = {
  update: ['open'],
  resolve: ['open'],
  verify: ['resolved'],
  reject: ['resolved'],
  link: ['open', 'resolved'],
};

export function allowedProblemCommands(state: repo.ProblemState): ProblemCommand['kind'][] {
  return (Object.keys(ALLOWED) as ProblemCommand['kind'][]).filter((k) => ALLOWED[k].includes(state));
}

export function createProblemsService(deps: { db: Db }) {
  const { db } = deps;

  async function audit(tx: Queryable, ctx: ActionContext, action: string, p: { id: number; orgUnitId: number }, summary: Record<string, unknown>) {
    await appendAudit(tx, ctx.actor, { action, targetKind: 'problem', targetId: String(p.id), orgUnitId: p.orgUnitId, summary }, ctx.now);
  }

  return {
    find: (id: number) => repo.findProblem(db, id),
    list: (scopePaths: readonly string[], state?: repo.ProblemState) => repo.listProblems(db, scopePaths, state),
    search: (scopePaths: readonly string[], q: string, limit = 20) =>
      repo.searchArticles(db, scopePaths, q.split(/\s+/).filter((t) => t !== '').slice(0, 8), limit),
    suggestionsFor: (ruleCode: string | null, orgUnitId: number) => (ruleCode === null ? Promise.resolve([]) : repo.articlesFor(db, ruleCode, orgUnitId)),

    async create(ctx: ActionContext, proposerId: number, input: NewProblem): Promise<repo.Problem> {
      const owner = Number(input.ownerId);
      if ((await existingUserIds(db, Number.isSafeInteger(owner) ? [owner] : [])).length === 0) {
        throw new AppError('PROBLEM_UNKNOWN_USER', `No active user with id ${input.ownerId}.`, { field: '/body/ownerId' });
      }
      const id = await db.transaction(async (tx) => {
        const created = await repo.insertProblem(tx, {
          title: input.title, description: input.description, orgUnitId: input.org.id, ruleCode: input.ruleCode, category: input.category,
          ownerId: owner, proposerId, plan: input.plan, deadline: input.deadline, now: ctx.now,
        });
        await repo.insertLinks(tx, created, input.links);
        await audit(tx, ctx, 'problem.created', { id: created, orgUnitId: input.org.id }, { title: input.title, ownerId: input.ownerId, links: input.links });
        return created;
      });
      const problem = await repo.findProblem(db, id);
      if (!problem) throw new Error('problem vanished after insert');
      return problem;
    },

    /** Applies a command; verify and reject only by the proposer (409 with the allowed commands otherwise). */
    async act(ctx: ActionContext, actorId: number, problem: repo.Problem, command: ProblemCommand): Promise<repo.Problem> {
      if (!ALLOWED[command.kind].includes(problem.state)) {
        throw new AppError('PROBLEM_INVALID_TRANSITION', `Cannot ${command.kind} a problem that is ${problem.state}.`, {
          state: problem.state, command: command.kind, allowed: allowedProblemCommands(problem.state),
        });
      }
      if ((command.kind === 'verify' || command.kind === 'reject') && String(actorId) !== problem.proposerId) {
        throw new AppError('PROBLEM_FORBIDDEN', 'Only the proposer verifies a problem as solved.');
      }
      await db.transaction(async (tx) => {
        switch (command.kind) {
          case 'update':
            await repo.insertUpdate(tx, { problemId: problem.id, authorId: actorId, at: ctx.now, body: command.body, progress: command.progress ?? null });
            await audit(tx, ctx, 'problem.updated', problem, { progress: command.progress ?? null });
            return;
          case 'resolve':
            await repo.setProblemState(tx, problem.id, { state: 'resolved', resolution: command.resolution, resolvedAt: ctx.now, closedAt: null, progress: 100 });
            await audit(tx, ctx, 'problem.resolved', problem, { resolution: command.resolution });
            return;
          case 'verify':
            await repo.setProblemState(tx, problem.id, { state: 'closed', resolution: problem.resolution, resolvedAt: problem.resolvedAt, closedAt: ctx.now });
            await repo.insertArticle(tx, {
              problemId: problem.id, title: problem.title, body: `${problem.description}\n\n${problem.resolution ?? ''}`.trim(),
              ruleCode: problem.ruleCode, category: problem.category, orgUnitId: problem.orgUnitId, now: ctx.now,
            });
            await audit(tx, ctx, 'problem.verified', problem, {});
            return;
          case 'reject':
            await repo.setProblemState(tx, problem.id, { state: 'open', resolution: null, resolvedAt: null, closedAt: null });
            await repo.insertUpdate(tx, { problemId: problem.id, authorId: actorId, at: ctx.now, body: `退回: ${command.reason}`, progress: null });
            await audit(tx, ctx, 'problem.rejected', problem, { reason: command.reason });
            return;
          case 'link':
            await repo.insertLinks(tx, problem.id, command.links);
            await audit(tx, ctx, 'problem.linked', problem, { links: command.links });
            return;
        }
      });
      const after = await repo.findProblem(db, problem.id);
      if (!after) throw new Error('problem vanished');
      return after;
    },
  };
}

export type ProblemsService = ReturnType<typeof createProblemsService>;
