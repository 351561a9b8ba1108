import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import type { IndicatorCatalog } from './catalog-service.ts';
import { parseIndicatorDefinition, type IndicatorDefinition } from './definition.ts';
import { currentDefinitions, definitionVersions, markTreeComplete, saveDefinitionVersion, type StoredDefinition } from './indicator-repo.ts';
import { LIBRARY } from './library/index.ts';
import { rebuildRollups } from './rollup-service.ts';

/**
 * Indicator definitions as the database keeps them: the shipped library installed idempotently,
 * custom definitions created and changed through the API. Every save is a new version, validated
 * with errors that point at the field, audited, and followed (in the same transaction) by a
 * rebuild of that indicator's roll-ups so its history is computed with the new formula.
 */
export interface DefinitionView {
  readonly definition: IndicatorDefinition;
  readonly origin: 'library' | 'custom';
  readonly updatedAt: Date;
  readonly updatedBy: string;
}

export function indicatorNotFound(code: string): AppError {
  return new AppError('INDICATOR_NOT_FOUND', `No indicator "${code}".`, { field: '/params/code' });
}

function parseOrThrow(json: unknown): IndicatorDefinition {
  const result = parseIndicatorDefinition(json);
  if (result.ok) return result.definition;
  const [first] = result.errors;
  throw new AppError('INDICATOR_DEFINITION_INVALID', `${first?.path ?? '/'} ${first?.message ?? 'is invalid'}.`, {
    field: `/body${first?.path ?? ''}`,
    errors: result.errors.map((e) => ({ field: `/body${e.path}`, message: e.message })),
  });
}

function toView(stored: StoredDefinition, definition: IndicatorDefinition): DefinitionView {
  return { definition, origin: stored.origin, updatedAt: stored.createdAt, updatedBy: stored.createdBy };
}

export function createIndicatorDefinitionsService(deps: { db: Db; catalog: IndicatorCatalog }) {
  const { db, catalog } = deps;

  async function view(code: string): Promise<DefinitionView | null> {
    const [stored] = await currentDefinitions(db, code);
    const definition = await catalog.get(db, code);
    return stored && definition ? toView(stored, definition) : null;
  }

  /** Saves a new version of `code` (validated), audits it and recomputes its roll-ups. */
  async function save(ctx: ActionContext, code: string, input: Record<string, unknown>, expectExisting: boolean): Promise<DefinitionView> {
    if (input['code'] !== undefined && input['code'] !== code) {
      throw new AppError('INDICATOR_CODE_MISMATCH', 'The code in the body must match the URL.', { field: '/body/code' });
    }
    return db.transaction(async (tx) => {
      const versions = await definitionVersions(tx, code);
      const latest = versions.at(-1);
      if (expectExisting && !latest) throw indicatorNotFound(code);
      if (!expectExisting && latest) throw new AppError('INDICATOR_CODE_TAKEN', `Indicator code "${code}" already exists.`, { field: '/body/code' });
      const version = (latest?.version ?? 0) + 1;
      const definition = parseOrThrow({ ...input, code, version });
      await saveDefinitionVersion(tx, { code, version, origin: 'custom', definition: { ...input, code, version }, createdAt: ctx.now, createdBy: ctx.actor.name });
      await rebuildRollups(tx, catalog, { indicators: [code] });
      await appendAudit(tx, ctx.actor, {
        action: expectExisting ? 'indicator.updated' : 'indicator.created', targetKind: 'indicator', targetId: code,
        summary: { version, formula: definition.formula, measure: definition.measure.kind },
      }, ctx.now);
      return { definition, origin: 'custom' as const, updatedAt: ctx.now, updatedBy: ctx.actor.name };
    });
  }

  return {
    /**
     * Installs the library definitions that are missing, and upgrades library-origin ones whose
     * shipped version is newer; a definition someone customised is left alone. Idempotent.
     */
    async installLibrary(ctx: ActionContext): Promise<{ installed: string[]; upgraded: string[] }> {
      return db.transaction(async (tx) => {
        const current = new Map((await currentDefinitions(tx)).map((d) => [d.code, d]));
        const installed: string[] = [];
        const upgraded: string[] = [];
        for (const input of LIBRARY) {
          const stored = current.get(input.code);
          // A library definition keeps the library's version number; an edited one is custom and stays.
          if (stored && (stored.origin === 'custom' || stored.version >= input.version)) continue;
          await saveDefinitionVersion(tx, { code: input.code, version: input.version, origin: 'library', definition: input, createdAt: ctx.now, createdBy: ctx.actor.name });
          (stored ? upgraded : installed).push(input.code);
        }
        if (upgraded.length > 0) await rebuildRollups(tx, catalog, { indicators: upgraded });
        // A new indicator has no roll-ups at all: its (empty) subtree rows are complete.
        await markTreeComplete(tx, LIBRARY.filter((d) => installed.includes(d.code) && d.measure.kind === 'percentile').map((d) => d.code));
        if (installed.length + upgraded.length > 0) {
          await appendAudit(tx, ctx.actor, { action: 'indicator.libraryInstalled', targetKind: 'indicator', summary: { installed, upgraded } }, ctx.now);
        }
        return { installed, upgraded };
      });
    },

    async list(): Promise<DefinitionView[]> {
      const definitions = new Map((await catalog.all(db)).map((d) => [d.code, d]));
      return (await currentDefinitions(db)).flatMap((s) => {
        const d = definitions.get(s.code);
        return d ? [toView(s, d)] : [];
      });
    },

    view,

    async require(code: string): Promise<DefinitionView> {
      const found = await view(code);
      if (!found) throw indicatorNotFound(code);
      return found;
    },

    versions: (code: string) => definitionVersions(db, code),

    create: (ctx: ActionContext, input: Record<string, unknown>) => {
      const code = typeof input['code'] === 'string' ? input['code'] : '';
      if (!/^[a-z][a-z0-9_]{1,63}$/.test(code)) {
        throw new AppError('INDICATOR_DEFINITION_INVALID', '/code must be a snake_case identifier.', { field: '/body/code', errors: [{ field: '/body/code', message: 'must be a snake_case identifier' }] });
      }
      return save(ctx, code, input, false);
    },

    update: (ctx: ActionContext, code: string, input: Record<string, unknown>) => save(ctx, code, input, true),
  };
}

export type IndicatorDefinitionsService = ReturnType<typeof createIndicatorDefinitionsService>;
