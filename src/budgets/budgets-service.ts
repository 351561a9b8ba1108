import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { appendAudit, type ActionContext } from '../audit/index.ts';
import { csvRows, xlsxRows, type RawRow } from '../ingest/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { MONTH_COLUMNS, readBudgetSheet, SHEET_COLUMNS, SHEET_LABELS, type SheetError, type SheetLine } from './budget-sheet.ts';
import { budgetNotFound, invalidTransition, itemNotFound, sheetInvalid } from './errors.ts';
import * as repo from './budgets-repo.ts';
import { leafItems, type BudgetItem } from './items.ts';

/**
 * Budgets as people keep them: the item tree and its event mapping, a budget per org unit and
 * year entered line by line or imported from the template (all or nothing), submitted and then
 * approved by someone else before it counts, and actuals entered or imported beside those the
 * events bring. Every write is audited in its transaction.
 */
export type SheetFormat = 'csv' | 'xlsx';
export type ByteBody = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export interface LineInput {
  readonly item: string;
  readonly month: number;
  readonly amount: number;
}

export interface BudgetView {
  readonly fiscalYear: number;
  readonly orgUnit: string;
  readonly status: repo.BudgetStatus | 'none';
  readonly carryRule: repo.BudgetRow['carryRule'];
  readonly submittedBy: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: Date | null;
  readonly lines: readonly { item: string; month: number; amount: number; originalAmount: number | null }[];
}

const PAST = { submit: 'submitted', approve: 'approved', return: 'returned' } as const;

export interface ImportResult {
  readonly importId: number;
  readonly rows: number;
  readonly lines: number;
  readonly orgUnits: number;
}

async function collect(rows: AsyncIterable<RawRow>): Promise<RawRow[]> {
  const out: RawRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

export function createBudgetsService(deps: { db: Db }) {
  const { db } = deps;

  async function items(): Promise<BudgetItem[]> {
    return repo.listItems(db);
  }

  async function leafByCode(): Promise<Map<string, BudgetItem>> {
    return new Map(leafItems(await items()).map((i) => [i.code, i]));
  }

  async function view(fiscalYear: number, org: repo.OrgRef): Promise<BudgetView> {
    const budget = await repo.findBudget(db, fiscalYear, org.id);
    const byId = new Map((await items()).map((i) => [i.id, i.code]));
    const lines = budget ? await repo.listLines(db, fiscalYear, null, false, budget.id) : [];
    return {
      fiscalYear, orgUnit: org.code, status: budget?.status ?? 'none', carryRule: budget?.carryRule ?? 'none',
      submittedBy: budget?.submittedBy ?? null, approvedBy: budget?.approvedBy ?? null, approvedAt: budget?.approvedAt ?? null,
      lines: lines.map((l) => ({ item: byId.get(l.itemId) ?? '', month: l.month, amount: l.amount, originalAmount: l.originalAmount })),
    };
  }

  /** Reads an uploaded sheet against the org units in `paths` and the leaf items; throws with every bad cell. */
  async function readSheet(format: SheetFormat, body: ByteBody, paths: readonly string[] | null) {
    const orgs = await repo.listOrgsInScope(db, paths);
    const leaves = await leafByCode();
    let rows: RawRow[];
    try {
      rows = await collect(format === 'xlsx' ? xlsxRows(body) : csvRows(body));
    } catch (e) {
      throw new AppError('BUDGET_IMPORT_UNREADABLE', `The ${format.toUpperCase()} file cannot be read: ${e instanceof Error ? e.message : 'unknown error'}.`, { field: '/body' });
    }
    const sheet = readBudgetSheet(rows, { orgUnits: new Set(orgs.map((o) => o.code)), items: new Set(leaves.keys()) });
    if (sheet.errors.length > 0) throw sheetInvalid(sheet.errors);
    return { sheet, orgByCode: new Map(orgs.map((o) => [o.code, o])), leaves };
  }

  function byOrg(lines: readonly SheetLine[]): Map<string, SheetLine[]> {
    const out = new Map<string, SheetLine[]>();
    for (const l of lines) {
      const list = out.get(l.orgUnit);
      if (list) list.push(l);
      else out.set(l.orgUnit, [l]);
    }
    return out;
  }

  return {
    items,
    view,
    mappings: () => repo.listMappings(db),
    /** Active org units in the subtrees (null = all), in tree order. */
    orgsInScope: (paths: readonly string[] | null) => repo.listOrgsInScope(db, paths),

    async createItem(ctx: ActionContext, input: { code: string; nameZh: string; nameEn: string; kind: 'revenue' | 'cost'; parent?: string; sortOrder?: number }, rootOrgId: number): Promise<BudgetItem> {
      const all = await items();
      if (all.some((i) => i.code === input.code)) throw new AppError('BUDGET_ITEM_CODE_TAKEN', `A budget item ${input.code} exists.`, { field: '/body/code' });
      const parent = input.parent === undefined ? null : all.find((i) => i.code === input.parent);
      if (parent === undefined) throw itemNotFound(input.parent ?? '', '/body/parent');
      if (parent && parent.kind !== input.kind) throw new AppError('BUDGET_ITEM_INVALID', `A ${input.kind} item cannot sit under the ${parent.kind} item ${parent.code}.`, { field: '/body/kind' });
      const id = await db.transaction(async (tx) => {
        const newId = await repo.insertItem(tx, { code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, kind: input.kind, parentId: parent?.id ?? null, sortOrder: input.sortOrder ?? 0 }, ctx.now);
        await appendAudit(tx, ctx.actor, { action: 'budget_item.created', targetKind: 'budget_item', targetId: String(newId), orgUnitId: rootOrgId, summary: { ...input } }, ctx.now);
        return newId;
      });
      const created = (await items()).find((i) => i.id === id);
      if (!created) throw new Error('budget item vanished after insert');
      return created;
    },

    /** Replaces the event → item mapping (expense.item or charge.category → a leaf item). */
    async setMappings(ctx: ActionContext, input: readonly { eventType: 'expense' | 'charge'; match: string; item: string }[], rootOrgId: number): Promise<void> {
      const leaves = await leafByCode();
      const rows = input.map((m, i) => {
        const item = leaves.get(m.item);
        if (!item) throw itemNotFound(m.item, `/body/mappings/${String(i)}/item`);
        return { eventType: m.eventType, matchValue: m.match, itemId: item.id };
      });
      const keys = new Set(rows.map((r) => `${r.eventType}:${r.matchValue}`));
      if (keys.size !== rows.length) throw new AppError('BUDGET_MAPPING_DUPLICATE', 'An event value is mapped twice.', { field: '/body/mappings' });
      await db.transaction(async (tx) => {
        await repo.replaceMappings(tx, rows);
        await appendAudit(tx, ctx.actor, { action: 'budget_mapping.replaced', targetKind: 'budget_mapping', targetId: null, orgUnitId: rootOrgId, summary: { mappings: input.map((m) => ({ ...m })) } }, ctx.now);
      });
    },

    /** Saves the lines of a draft budget (created when missing); every line of the budget is replaced. */
    async saveLines(ctx: ActionContext, fiscalYear: number, org: repo.OrgRef, input: { lines: readonly LineInput[]; carryRule?: repo.BudgetRow['carryRule'] }): Promise<BudgetView> {
      const leaves = await leafByCode();
      const seen = new Set<string>();
      const lines = input.lines.map((l, i) => {
        const item = leaves.get(l.item);
        if (!item) throw itemNotFound(l.item, `/body/lines/${String(i)}/item`);
        const key = `${l.item}:${String(l.month)}`;
        if (seen.has(key)) throw new AppError('BUDGET_LINE_DUPLICATE', `${l.item} month ${String(l.month)} is given twice.`, { field: `/body/lines/${String(i)}` });
        seen.add(key);
        return { itemId: item.id, month: l.month, amount: l.amount };
      });
      await db.transaction(async (tx) => {
        const budget = await repo.lockOrCreateBudget(tx, fiscalYear, org.id, ctx.now);
        if (budget.status !== 'draft') throw invalidTransition(`The ${String(fiscalYear)} budget of ${org.code} is ${budget.status}; only a draft is edited (an approved budget changes through an adjustment).`);
        await repo.replaceLines(tx, budget.id, lines);
        if (input.carryRule !== undefined) await repo.setCarryRule(tx, budget.id, input.carryRule, ctx.now);
        await appendAudit(tx, ctx.actor, {
          action: 'budget.saved', targetKind: 'budget', targetId: String(budget.id), orgUnitId: org.id,
          summary: { fiscalYear, lines: lines.length, total: Math.round(lines.reduce((s, l) => s + l.amount, 0) * 100) / 100, ...(input.carryRule ? { carryRule: input.carryRule } : {}) },
        }, ctx.now);
      });
      return view(fiscalYear, org);
    },

    /** draft → submitted (for approval), submitted → approved (by someone other than the submitter), submitted → draft (returned). */
    async transition(ctx: ActionContext, fiscalYear: number, org: repo.OrgRef, action: 'submit' | 'approve' | 'return', note?: string): Promise<BudgetView> {
      await db.transaction(async (tx) => {
        const budget = await repo.findBudget(tx, fiscalYear, org.id, true);
        if (!budget) throw budgetNotFound(`${String(fiscalYear)} for ${org.code}`);
        const from = budget.status;
        const to = action === 'submit' ? 'submitted' : action === 'approve' ? 'approved' : 'draft';
        const allowed = (action === 'submit' && from === 'draft') || (action !== 'submit' && from === 'submitted');
        if (!allowed) throw invalidTransition(`A ${from} budget cannot be ${PAST[action]}.`);
        if (action === 'approve' && budget.submittedBy === ctx.actor.name) {
          throw new AppError('BUDGET_APPROVER_IS_SUBMITTER', 'A budget is approved by someone other than who submitted it.');
        }
        await repo.setBudgetStatus(tx, budget.id, to, ctx.actor.name, ctx.now);
        await appendAudit(tx, ctx.actor, {
          action: `budget.${to === 'draft' ? 'returned' : to}`, targetKind: 'budget', targetId: String(budget.id), orgUnitId: org.id,
          summary: { fiscalYear, from, to, ...(note !== undefined ? { note } : {}) },
        }, ctx.now);
      });
      return view(fiscalYear, org);
    },

    /**
     * Imports budget lines (each named budget must be a draft or new; its lines are replaced) or
     * actuals from the template, all or nothing: any bad cell and nothing is written.
     */
    async importSheet(ctx: ActionContext, q: { fiscalYear: number; kind: 'budget' | 'actual'; format: SheetFormat; fileName: string | null; body: ByteBody; paths: readonly string[] | null }): Promise<ImportResult> {
      const { sheet, orgByCode, leaves } = await readSheet(q.format, q.body, q.paths);
      const groups = byOrg(sheet.lines);
      const org = (code: string) => {
        const o = orgByCode.get(code);
        if (!o) throw new Error(`org unit ${code} vanished`);
        return o;
      };
      const importId = await db.transaction(async (tx) => {
        const id = await repo.insertImport(tx, { kind: q.kind, fiscalYear: q.fiscalYear, format: q.format, fileName: q.fileName, lineCount: sheet.lines.length, by: ctx.actor.name, at: ctx.now });
        if (q.kind === 'actual') {
          const rows = sheet.lines.filter((l) => l.amount !== 0).map((l) => ({ orgUnitId: org(l.orgUnit).id, itemId: leaves.get(l.item)?.id ?? 0, month: l.month, amount: l.amount }));
          await repo.insertActuals(tx, q.fiscalYear, rows, { kind: 'import', importId: id, note: q.fileName, by: ctx.actor.name, at: ctx.now });
          await appendAudit(tx, ctx.actor, { action: 'budget.actuals_imported', targetKind: 'budget_import', targetId: String(id), orgUnitId: org(sheet.lines[0]?.orgUnit ?? '').id, summary: { fiscalYear: q.fiscalYear, lines: rows.length, orgUnits: groups.size } }, ctx.now);
          return id;
        }
        const locked: SheetError[] = [];
        for (const [code, lines] of groups) {
          const budget = await repo.lockOrCreateBudget(tx, q.fiscalYear, org(code).id, ctx.now);
          if (budget.status !== 'draft') {
            locked.push({ row: lines[0]?.row ?? 0, column: 'A', header: 'org_unit', code: 'BUDGET_SHEET_LOCKED', message: `the ${String(q.fiscalYear)} budget of ${code} is ${budget.status}` });
            continue;
          }
          await repo.replaceLines(tx, budget.id, lines.map((l) => ({ itemId: leaves.get(l.item)?.id ?? 0, month: l.month, amount: l.amount })));
          await appendAudit(tx, ctx.actor, { action: 'budget.imported', targetKind: 'budget', targetId: String(budget.id), orgUnitId: org(code).id, summary: { fiscalYear: q.fiscalYear, importId: id, lines: lines.length } }, ctx.now);
        }
        // Rolls the whole import back: all or nothing.
        if (locked.length > 0) throw sheetInvalid(locked);
        return id;
      });
      return { importId, rows: sheet.rows, lines: sheet.lines.length, orgUnits: groups.size };
    },

    /** The template: one row per org unit in scope × leaf item, with the current lines of the year filled in. */
    async template(fiscalYear: number, format: SheetFormat, paths: readonly string[] | null): Promise<Buffer> {
      const orgs = await repo.listOrgsInScope(db, paths);
      const leaves = leafItems(await items());
      const lines = await repo.listLines(db, fiscalYear, paths, false);
      const amount = new Map(lines.map((l) => [`${String(l.orgUnitId)}:${String(l.itemId)}:${String(l.month)}`, l.amount]));
      const header = SHEET_COLUMNS.map((c) => SHEET_LABELS[c] ?? c);
      const rows = orgs.flatMap((o) => leaves.map((i) => [o.code, i.code, ...MONTH_COLUMNS.map((_, m) => amount.get(`${String(o.id)}:${String(i.id)}:${String(m + 1)}`) ?? 0)]));
      if (format === 'csv') return Buffer.from(`\uFEFF${stringify([header, ...rows])}`, 'utf8');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(`budget ${String(fiscalYear)}`);
      ws.addRow(header);
      ws.getRow(1).font = { bold: true };
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    },

    /** An actual entered by hand for a leaf item of an org unit and month. */
    async enterActual(ctx: ActionContext, org: repo.OrgRef, input: { fiscalYear: number; month: number; item: string; amount: number; note?: string }): Promise<number> {
      const item = (await leafByCode()).get(input.item);
      if (!item) throw itemNotFound(input.item, '/body/item');
      return db.transaction(async (tx) => {
        const [id] = await repo.insertActuals(tx, input.fiscalYear, [{ orgUnitId: org.id, itemId: item.id, month: input.month, amount: input.amount }], { kind: 'manual', importId: null, note: input.note ?? null, by: ctx.actor.name, at: ctx.now });
        await appendAudit(tx, ctx.actor, { action: 'budget.actual_entered', targetKind: 'budget_actual', targetId: String(id), orgUnitId: org.id, summary: { ...input } }, ctx.now);
        return id ?? 0;
      });
    },
  };
}

export type BudgetsService = ReturnType<typeof createBudgetsService>;
