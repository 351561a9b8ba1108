import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { orgNotFound } from './errors.ts';
import { checkPlacement, pathIds, wouldCreateCycle, type Channel, type OrgKind, type OrgUnit } from './org-unit.ts';
import * as repo from './orgs-repo.ts';

export interface CreateOrgInput {
  readonly code: string;
  readonly name: string;
  readonly nameEn?: string | null;
  readonly kind: OrgKind;
  readonly channel?: Channel | null;
  readonly parentCode?: string | null;
}

function summary(org: OrgUnit) {
  return { code: org.code, name: org.name, nameEn: org.nameEn, kind: org.kind, channel: org.channel, active: org.active };
}

export function createOrgsService(deps: { db: Db }) {
  const { db } = deps;

  async function require(code: string): Promise<OrgUnit> {
    const org = await repo.findOrgByCode(db, code);
    if (!org) throw orgNotFound(code);
    return org;
  }

  return {
    findByCode: (code: string) => repo.findOrgByCode(db, code),
    findById: (id: number) => repo.findOrgById(db, id),
    require,

    async create(ctx: ActionContext, input: CreateOrgInput): Promise<OrgUnit> {
      const parent = input.parentCode ? await require(input.parentCode) : null;
      const problem = checkPlacement(input.kind, parent?.kind ?? null);
      if (problem) throw new AppError(problem.code, problem.message, { field: '/parentCode' });
      if (input.kind === 'channel' && !input.channel) {
        throw new AppError('ORG_CHANNEL_REQUIRED', 'A channel org unit needs channel "online" or "offline".', { field: '/channel' });
      }
      if (parent && !parent.active) throw new AppError('ORG_INACTIVE', `Org unit "${parent.code}" is deactivated.`, { field: '/parentCode' });
      if (await repo.findOrgByCode(db, input.code)) {
        throw new AppError('ORG_CODE_TAKEN', `Org unit code "${input.code}" is already used; codes are unique and never reused.`, { field: '/code' });
      }
      // A channel's channel is inherited by everything under it, for online/offline splits.
      const channel = input.channel ?? parent?.channel ?? null;
      return db.transaction(async (tx) => {
        const org = await repo.insertOrg(tx, { code: input.code, name: input.name, nameEn: input.nameEn ?? null, kind: input.kind, channel, parent });
        await appendAudit(tx, ctx.actor, { action: 'org.created', targetKind: 'org', targetId: org.code, orgUnitId: org.id, summary: { after: summary(org) } }, ctx.now);
        return org;
      });
    },

    async rename(ctx: ActionContext, code: string, names: { name: string; nameEn?: string | null }): Promise<OrgUnit> {
      const org = await require(code);
      const nameEn = names.nameEn === undefined ? org.nameEn : names.nameEn;
      await db.transaction(async (tx) => {
        await repo.updateOrgNames(tx, org.id, names.name, nameEn);
        await appendAudit(tx, ctx.actor, {
          action: 'org.renamed', targetKind: 'org', targetId: code, orgUnitId: org.id,
          summary: { before: { name: org.name, nameEn: org.nameEn }, after: { name: names.name, nameEn } },
        }, ctx.now);
      });
      return { ...org, name: names.name, nameEn };
    },

    async move(ctx: ActionContext, code: string, newParentCode: string): Promise<OrgUnit> {
      const org = await require(code);
      const newParent = await require(newParentCode);
      if (wouldCreateCycle(org.path, newParent.path)) {
        throw new AppError('ORG_MOVE_CYCLE', `Cannot move "${code}" under "${newParentCode}": it is inside the subtree being moved.`, { field: '/parentCode' });
      }
      const problem = checkPlacement(org.kind, newParent.kind);
      if (problem) throw new AppError(problem.code, problem.message, { field: '/parentCode' });
      const before = org.parentId === null ? null : await repo.findOrgById(db, org.parentId);
      await db.transaction(async (tx) => {
        await repo.moveOrg(tx, org, newParent);
        await appendAudit(tx, ctx.actor, {
          action: 'org.moved', targetKind: 'org', targetId: code, orgUnitId: org.id,
          summary: { before: { parent: before?.code ?? null }, after: { parent: newParent.code } },
        }, ctx.now);
      });
      return (await repo.findOrgById(db, org.id)) ?? org;
    },

    async setActive(ctx: ActionContext, code: string, active: boolean): Promise<OrgUnit> {
      const org = await require(code);
      if (org.active === active) return org;
      await db.transaction(async (tx) => {
        await repo.setOrgActive(tx, org.id, active);
        await appendAudit(tx, ctx.actor, {
          action: active ? 'org.reactivated' : 'org.deactivated', targetKind: 'org', targetId: code, orgUnitId: org.id,
          summary: { before: { active: org.active }, after: { active } },
        }, ctx.now);
      });
      return { ...org, active };
    },

    listSubtree: (root: OrgUnit, includeInactive = false) => repo.listSubtree(db, root.path, includeInactive),

    /** The nodes from the root down to `org`, for breadcrumbs and routing fallbacks. */
    async pathOf(org: OrgUnit): Promise<OrgUnit[]> {
      const ids = pathIds(org.path);
      return repo.listOrgsByIds(db, ids);
    },

    listByIds: (ids: readonly number[]) => repo.listOrgsByIds(db, ids),
    listRoots: () => repo.listRoots(db),
  };
}

export type OrgsService = ReturnType<typeof createOrgsService>;
