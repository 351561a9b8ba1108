import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { parseRuleDefinition, type RuleDefinition } from './definition.ts';
import { listOrgsByCodes, type EngineOrg } from './engine-repo.ts';
import { compliancePack } from './packs/compliance-pack.ts';
import { defaultRulePack } from './packs/default-pack.ts';
import * as repo from './rules-repo.ts';

/**
 * Rules as users manage them: validated once when saved, every save a new version (kept, audited),
 * enabled and disabled without a new version, and the shipped packs installed idempotently.
 */
export interface StoredRule {
  readonly id: number;
  readonly code: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly scopePath: string;
  readonly definition: RuleDefinition;
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
  readonly updatedAt: Date;
}

export type RuleValidation =
  | { readonly ok: true; readonly rule: RuleDefinition; readonly scope: EngineOrg }
  | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

function toStored(row: repo.RuleRow): StoredRule {
  const parsed = parseRuleDefinition(row.definition);
  // Stored definitions were validated when saved; a failure here means the schema moved under them.
  if (!parsed.ok) throw new AppError('RULE_STORED_INVALID', `Stored rule ${row.code} no longer validates.`, { errors: parsed.errors });
  return {
    id: row.id, code: row.code, version: row.version, enabled: row.enabled, scopePath: row.scopePath, definition: parsed.rule,
    lastError: row.lastError, lastErrorAt: row.lastErrorAt, updatedAt: row.updatedAt,
  };
}

function invalid(errors: readonly { path: string; message: string }[]): AppError {
  const first = errors[0];
  return new AppError('RULE_INVALID', `The rule definition is invalid${first ? `: ${first.path || '/'} ${first.message}` : ''}.`, {
    field: `/body${first?.path ?? ''}`, errors,
  });
}

export function createRulesService(deps: { db: Db }) {
  const { db } = deps;

  /** Validates a definition as it would be saved (version filled in), including that its scope org unit exists. */
  async function validate(json: unknown, version = 1): Promise<RuleValidation> {
    const candidate = typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...json, version } : json;
    const parsed = parseRuleDefinition(candidate);
    if (!parsed.ok) return parsed;
    const [scope] = await listOrgsByCodes(db, [parsed.rule.scope.orgUnit]);
    if (!scope) return { ok: false, errors: [{ path: '/scope/orgUnit', message: `no org unit ${parsed.rule.scope.orgUnit}` }] };
    return { ok: true, rule: parsed.rule, scope };
  }

  async function get(code: string): Promise<StoredRule | null> {
    const row = await repo.findRuleByCode(db, code);
    return row ? toStored(row) : null;
  }

  async function require(code: string): Promise<StoredRule> {
    const rule = await get(code);
    if (!rule) throw new AppError('RULE_NOT_FOUND', `No rule ${code}.`);
    return rule;
  }

  return {
    validate,
    get,
    require,
    versions: async (code: string) => repo.listRuleVersions(db, (await require(code)).id),
    list: async (paths: readonly string[] | null) => (await repo.listRules(db, { paths })).map(toStored),

    async create(ctx: ActionContext, json: unknown): Promise<StoredRule> {
      const v = await validate(json, 1);
      if (!v.ok) throw invalid(v.errors);
      await db.transaction(async (tx) => {
        if (await repo.lockRuleByCode(tx, v.rule.code)) throw new AppError('RULE_CODE_TAKEN', `A rule ${v.rule.code} exists.`, { field: '/body/code' });
        const id = await repo.insertRule(tx, { code: v.rule.code, kind: v.rule.kind, scopeOrgUnitId: v.scope.id, version: 1, enabled: v.rule.enabled, definition: v.rule, savedBy: ctx.actor.name, at: ctx.now });
        await appendAudit(tx, ctx.actor, { action: 'rule.created', targetKind: 'rule', targetId: String(id), orgUnitId: v.scope.id, summary: { code: v.rule.code, kind: v.rule.kind, version: 1 } }, ctx.now);
      });
      return require(v.rule.code);
    },

    /** Saves a new version of an existing rule (the code in the body must match). */
    async update(ctx: ActionContext, code: string, json: unknown): Promise<StoredRule> {
      // Validated before the transaction (validation reads org units); the version check below catches a concurrent save.
      const before = await repo.findRuleByCode(db, code);
      if (!before) throw new AppError('RULE_NOT_FOUND', `No rule ${code}.`);
      const v = await validate({ ...(typeof json === 'object' && json !== null ? json : {}), code }, before.version + 1);
      if (!v.ok) throw invalid(v.errors);
      await db.transaction(async (tx) => {
        const current = await repo.lockRuleByCode(tx, code);
        if (!current) throw new AppError('RULE_NOT_FOUND', `No rule ${code}.`);
        if (current.version !== before.version) throw new AppError('RULE_CONFLICT', `Rule ${code} was saved by someone else meanwhile; reload it.`);
        await repo.updateRule(tx, current.id, { code, kind: v.rule.kind, scopeOrgUnitId: v.scope.id, version: v.rule.version, enabled: v.rule.enabled, definition: v.rule, savedBy: ctx.actor.name, at: ctx.now });
        await appendAudit(tx, ctx.actor, { action: 'rule.updated', targetKind: 'rule', targetId: String(current.id), orgUnitId: v.scope.id, summary: { code, version: v.rule.version } }, ctx.now);
      });
      return require(code);
    },

    async setEnabled(ctx: ActionContext, code: string, enabled: boolean): Promise<StoredRule> {
      await db.transaction(async (tx) => {
        const current = await repo.lockRuleByCode(tx, code);
        if (!current) throw new AppError('RULE_NOT_FOUND', `No rule ${code}.`);
        const def = { ...(current.definition as object), enabled };
        await repo.setRuleEnabled(tx, current.id, enabled, def, ctx.now);
        await appendAudit(tx, ctx.actor, { action: enabled ? 'rule.enabled' : 'rule.disabled', targetKind: 'rule', targetId: String(current.id), orgUnitId: current.scopeOrgUnitId, summary: { code } }, ctx.now);
      });
      return require(code);
    },

    /**
     * Installs the internet-hospital compliance pack and the default pack at the root org unit,
     * enabled; a rule whose code exists is left as it is, so running it again changes nothing.
     */
    async installRulePacks(ctx: ActionContext, rootOrgCode: string): Promise<{ installed: readonly string[]; kept: readonly string[] }> {
      const scope = { orgUnit: rootOrgCode, includeDescendants: true };
      const rules = [...compliancePack(scope), ...defaultRulePack(scope)];
      const installed: string[] = [];
      const kept: string[] = [];
      const [root] = await listOrgsByCodes(db, [rootOrgCode]);
      if (!root) throw new AppError('RULE_SCOPE_UNKNOWN', `No org unit ${rootOrgCode}.`);
      await db.transaction(async (tx) => {
        for (const rule of rules) {
          if (installed.includes(rule.code) || kept.includes(rule.code)) continue;
          if (await repo.lockRuleByCode(tx, rule.code)) {
            kept.push(rule.code);
            continue;
          }
          // Rules a pack ships disabled (waiting for a later capability) are installed disabled.
          await repo.insertRule(tx, { code: rule.code, kind: rule.kind, scopeOrgUnitId: root.id, version: 1, enabled: rule.enabled, definition: rule, savedBy: ctx.actor.name, at: ctx.now });
          installed.push(rule.code);
        }
        if (installed.length > 0) {
          await appendAudit(tx, ctx.actor, { action: 'rule.packInstalled', targetKind: 'rule', targetId: null, orgUnitId: root.id, summary: { installed } }, ctx.now);
        }
      });
      return { installed, kept };
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;
