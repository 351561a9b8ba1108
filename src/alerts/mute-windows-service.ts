import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { insertMuteWindow } from './alerts-repo.ts';
import { checkMuteWindowInput, withoutId, type MuteWindowDefinition } from './mute-window-input.ts';
import { parseMuteWindow } from './mute-window.ts';
import * as repo from './mute-windows-repo.ts';

/**
 * Recurring mute windows (nights, weekends, holidays) as people edit them: validated with the
 * engine's own parser (plus the form checks of `checkMuteWindowInput`), names unique, and every
 * create, change and removal audited in its transaction against the root org unit — a mute window
 * holds back notifications everywhere, so it is installation-wide.
 */
export interface MuteWindowView extends MuteWindowDefinition {
  readonly id: number;
  readonly createdAt: Date;
}

export type InstallationRoot = repo.InstallationRoot;

function toView(row: repo.MuteWindowRow): MuteWindowView {
  const parsed = parseMuteWindow({ ...(row.definition as object), id: String(row.id), name: row.name });
  // Written through this service (or the engine's tests) after validation; a failure means the schema moved under it.
  if (!parsed.ok) throw new AppError('MUTE_WINDOW_STORED_INVALID', `Stored mute window ${String(row.id)} no longer validates.`, { errors: parsed.errors });
  return { ...withoutId(parsed.window), id: row.id, createdAt: row.createdAt };
}

function validated(input: unknown): MuteWindowDefinition {
  const checked = checkMuteWindowInput(input);
  if (checked.ok) return checked.window;
  const first = checked.errors[0];
  throw new AppError('MUTE_WINDOW_INVALID', `The mute window is invalid: ${first?.path ?? ''} ${first?.message ?? ''}.`, { field: `/body${first?.path ?? ''}`, errors: checked.errors });
}

function nameTaken(name: string): AppError {
  return new AppError('MUTE_WINDOW_NAME_TAKEN', `A mute window named "${name}" exists.`, { field: '/body/name' });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

export function createMuteWindowsService(deps: { db: Db }) {
  const { db } = deps;

  async function require(id: number, tx: Queryable = db, forUpdate = false): Promise<repo.MuteWindowRow> {
    const row = await repo.findMuteWindow(tx, id, forUpdate);
    if (!row) throw new AppError('MUTE_WINDOW_NOT_FOUND', `No mute window ${String(id)}.`, { field: '/params/id' });
    return row;
  }

  return {
    list: async (): Promise<MuteWindowView[]> => (await repo.listMuteWindowRows(db)).map(toView),
    find: async (id: number): Promise<MuteWindowView> => toView(await require(id)),
    installationRoot: () => repo.installationRoot(db),

    async create(ctx: ActionContext, root: InstallationRoot, input: unknown): Promise<MuteWindowView> {
      const window = validated(input);
      try {
        const id = await db.transaction(async (tx) => {
          if ((await repo.muteWindowNamedOtherThan(tx, window.name, null)) !== null) throw nameTaken(window.name);
          const newId = await insertMuteWindow(tx, window.name, window, ctx.now);
          await appendAudit(tx, ctx.actor, { action: 'mute_window.created', targetKind: 'mute_window', targetId: String(newId), orgUnitId: root.id, summary: { ...window } }, ctx.now);
          return newId;
        });
        return toView(await require(id));
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(window.name);
        throw error;
      }
    },

    async update(ctx: ActionContext, root: InstallationRoot, id: number, input: unknown): Promise<MuteWindowView> {
      const window = validated(input);
      try {
        await db.transaction(async (tx) => {
          const before = await require(id, tx, true);
          if ((await repo.muteWindowNamedOtherThan(tx, window.name, id)) !== null) throw nameTaken(window.name);
          await repo.updateMuteWindow(tx, id, window.name, window);
          await appendAudit(tx, ctx.actor, {
            action: 'mute_window.updated', targetKind: 'mute_window', targetId: String(id), orgUnitId: root.id,
            summary: { before: { name: before.name, ...(before.definition as object) }, after: { ...window } },
          }, ctx.now);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(window.name);
        throw error;
      }
      return toView(await require(id));
    },

    async remove(ctx: ActionContext, root: InstallationRoot, id: number): Promise<void> {
      await db.transaction(async (tx) => {
        const before = await require(id, tx, true);
        await repo.deleteMuteWindow(tx, id);
        await appendAudit(tx, ctx.actor, {
          action: 'mute_window.deleted', targetKind: 'mute_window', targetId: String(id), orgUnitId: root.id,
          summary: { name: before.name, ...(before.definition as object) },
        }, ctx.now);
      });
    },
  };
}

export type MuteWindowsService = ReturnType<typeof createMuteWindowsService>;
