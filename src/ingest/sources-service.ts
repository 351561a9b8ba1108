/**
 * Registered sources (接口): each has an org subtree it may write for, the event types it may
 * send, an expected cadence, its own API token (role 'source' over its org unit), the schemas of
 * extra types it declared and a saved CSV/XLSX column mapping. Also the group's time zone
 * (setting 'time_zone'), which gives "a day" its local meaning. Every change is audited.
 */
import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { AccountsService } from '../auth/index.ts';
import { AppError } from '../shared/index.ts';
import { readSetting, type Db } from '../store/index.ts';
import { compileColumnMapping, type ColumnMapping } from './adapters/tabular-mapping.ts';
import { compileCustomSchema, TYPE_NAME, type EventTypeDefinition } from './custom-schema.ts';
import { createEventRegistry, type EventRegistry } from './registry.ts';
import * as repo from './source-repo.ts';
import type { Cadence, Source } from './source-repo.ts';

export const DEFAULT_GROUP_TIME_ZONE = 'Asia/Shanghai';
export const TIME_ZONE_SETTING = 'time_zone';

export interface SourceInput {
  readonly name: string;
  readonly allowedTypes: readonly string[];
  readonly cadence: Cadence | null;
}

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

function checkInput(input: SourceInput): void {
  const bad = input.allowedTypes.find((t) => !TYPE_NAME.test(t));
  if (bad !== undefined) throw new AppError('SOURCE_INVALID_TYPE', `"${bad.slice(0, 64)}" is not a valid event type name.`, { field: '/body/allowedTypes' });
  const c = input.cadence;
  if (c?.kind === 'batches') {
    for (const key of ['from', 'to'] as const) {
      const v = c[key];
      if (v !== undefined && !HHMM.test(v)) throw new AppError('SOURCE_INVALID_CADENCE', `${key} must be HH:mm.`, { field: `/body/cadence/${key}` });
    }
    if ((c.from ?? '00:00') >= (c.to ?? '24:00')) throw new AppError('SOURCE_INVALID_CADENCE', 'from must be before to.', { field: '/body/cadence/to' });
  }
}

export function createSourcesService(deps: { db: Db; accounts: Pick<AccountsService, 'createToken' | 'findToken' | 'revokeToken'> }) {
  const { db, accounts } = deps;
  const registries = new Map<number, { stamp: number; registry: EventRegistry; custom: readonly EventTypeDefinition[] }>();

  async function requireSource(id: number): Promise<Source> {
    const s = await repo.findSourceById(db, id);
    if (!s) throw new AppError('SOURCE_NOT_FOUND', `No source ${id}.`);
    return s;
  }

  async function touch(ctx: ActionContext, source: Source, action: string, summary: Record<string, unknown>, write: (tx: import('../store/index.ts').Queryable) => Promise<void>): Promise<Source> {
    await db.transaction(async (tx) => {
      await write(tx);
      await appendAudit(tx, ctx.actor, { action, targetKind: 'source', targetId: String(source.id), orgUnitId: source.orgUnitId, summary }, ctx.now);
    });
    registries.delete(source.id);
    return requireSource(source.id);
  }

  return {
    find: (id: number) => repo.findSourceById(db, id),
    findByToken: (tokenId: number) => repo.findSourceByToken(db, tokenId),
    list: (scopePaths: readonly string[]) => repo.listSourcesInScope(db, scopePaths),
    listSchemas: (source: Source) => repo.listSourceSchemas(db, source.id),

    /** Registers a source and creates its token; the token secret is returned once. */
    async register(ctx: ActionContext, org: { id: number; code: string }, input: SourceInput, createdBy: number | null): Promise<{ source: Source; secret: string }> {
      checkInput(input);
      if (await repo.findSourceByName(db, input.name)) throw new AppError('SOURCE_NAME_TAKEN', `A source named "${input.name}" exists.`, { field: '/body/name' });
      const { token, secret } = await accounts.createToken(ctx, { name: `source: ${input.name}`.slice(0, 200), role: 'source', orgUnitId: org.id, expiresAt: null, createdBy });
      try {
        const id = await db.transaction(async (tx) => {
          const sourceId = await repo.insertSource(tx, { ...input, orgUnitId: org.id, tokenId: token.id, now: ctx.now });
          await appendAudit(tx, ctx.actor, {
            action: 'source.registered', targetKind: 'source', targetId: String(sourceId), orgUnitId: org.id,
            summary: { after: { name: input.name, orgUnit: org.code, allowedTypes: input.allowedTypes, cadence: input.cadence, tokenId: token.id } },
          }, ctx.now);
          return sourceId;
        });
        return { source: await requireSource(id), secret };
      } catch (error) {
        // The token must not outlive a source that was never stored.
        await accounts.revokeToken(ctx, token);
        if ((error as { code?: unknown }).code === '23505') throw new AppError('SOURCE_NAME_TAKEN', `A source named "${input.name}" exists.`, { field: '/body/name' });
        throw error;
      }
    },

    async update(ctx: ActionContext, source: Source, input: SourceInput & { active: boolean }): Promise<Source> {
      checkInput(input);
      if (input.name !== source.name && (await repo.findSourceByName(db, input.name))) {
        throw new AppError('SOURCE_NAME_TAKEN', `A source named "${input.name}" exists.`, { field: '/body/name' });
      }
      const before = { name: source.name, allowedTypes: source.allowedTypes, cadence: source.cadence, active: source.active };
      return touch(ctx, source, 'source.updated', { before, after: input }, (tx) => repo.updateSource(tx, source.id, { ...input, now: ctx.now }));
    },

    /** Declares (or replaces) the schema of an extra event type for this source. */
    async putSchema(ctx: ActionContext, source: Source, json: unknown): Promise<EventTypeDefinition> {
      const compiled = compileCustomSchema(json);
      if (!compiled.ok) throw new AppError('SOURCE_SCHEMA_INVALID', compiled.errors[0]?.message ?? 'invalid schema', { field: `/body${compiled.errors[0]?.path ?? ''}`, errors: compiled.errors });
      const def = compiled.definition;
      await touch(ctx, source, 'source.schemaDeclared', { type: def.name, version: def.version }, async (tx) => {
        await repo.upsertSourceSchema(tx, source.id, def.name, def.version, json, ctx.now);
        await tx.query('UPDATE source SET updated_at = $2 WHERE id = $1', [source.id, ctx.now]);
      });
      return def;
    },

    async putMapping(ctx: ActionContext, source: Source, json: unknown): Promise<ColumnMapping> {
      const compiled = compileColumnMapping(json);
      if (!compiled.ok) throw new AppError('SOURCE_MAPPING_INVALID', compiled.errors[0]?.message ?? 'invalid mapping', { field: `/body${compiled.errors[0]?.path ?? ''}`, errors: compiled.errors });
      await touch(ctx, source, 'source.mappingSaved', { columns: Object.keys(compiled.mapping.columns).length }, (tx) => repo.setSourceMapping(tx, source.id, json, ctx.now));
      return compiled.mapping;
    },

    /** The saved mapping compiled, or undefined when none was saved. */
    mappingOf(source: Source): ColumnMapping | undefined {
      if (source.mapping === null || source.mapping === undefined) return undefined;
      const compiled = compileColumnMapping(source.mapping);
      return compiled.ok ? compiled.mapping : undefined;
    },

    /** The compiled event types this source may send (cached until the source changes). */
    async registryOf(source: Source): Promise<EventRegistry> {
      const cached = registries.get(source.id);
      if (cached && cached.stamp === source.updatedAt.getTime()) return cached.registry;
      const custom: EventTypeDefinition[] = [];
      for (const row of await repo.listSourceSchemas(db, source.id)) {
        const compiled = compileCustomSchema(row.definition);
        if (compiled.ok) custom.push(compiled.definition);
      }
      const registry = createEventRegistry({ custom, allowedTypes: [...source.allowedTypes, ...custom.map((c) => c.name)] });
      registries.set(source.id, { stamp: source.updatedAt.getTime(), registry, custom });
      return registry;
    },

    async timeZone(): Promise<string> {
      return (await readSetting<string>(db, TIME_ZONE_SETTING)) ?? DEFAULT_GROUP_TIME_ZONE;
    },
  };
}

export type SourcesService = ReturnType<typeof createSourcesService>;
