import { describe, expect, it } from 'vitest';
import { columnLetter, MONTH_COLUMNS, parseAmount, readBudgetSheet } from './budget-sheet.ts';

const vocabulary = { orgUnits: new Set(['DEPT-A', 'DEPT-B']), items: new Set(['consumables', 'utilities']) };
const header = { row: 1, cells: ['org_unit 科室', 'item', ...MONTH_COLUMNS.map((m) => `${m} 月`)] };
const row = (n: number, org: string, item: string, months: (string | number | undefined)[]) => ({ row: n, cells: [org, item, ...months] });

describe('readBudgetSheet', () => {
  it('reads twelve lines per row; empty months are 0 and numeric text with separators is accepted', () => {
    const r = readBudgetSheet([header, row(2, 'DEPT-A', 'consumables', [1000, '1,200.50', undefined, ' '])], vocabulary);
    expect(r.errors).toEqual([]);
    expect(r.rows).toBe(1);
    expect(r.lines).toHaveLength(12);
    expect(r.lines.slice(0, 4).map((l) => l.amount)).toEqual([1000, 1200.5, 0, 0]);
  });

  it('reports every bad cell by row and column and returns no line at all', () => {
    const r = readBudgetSheet([
      header,
      row(2, 'DEPT-A', 'consumables', [100]),
      row(3, 'DEPT-X', 'nope', [-5, 'abc', 1.234]),
      row(4, 'DEPT-A', 'consumables', []),
    ], vocabulary);
    expect(r.lines).toEqual([]);
    expect(r.errors.map((e) => `${String(e.row)}${e.column}:${e.code}`)).toEqual([
      '3A:BUDGET_SHEET_ORG_UNIT', '3B:BUDGET_SHEET_ITEM', '3C:BUDGET_SHEET_AMOUNT', '3D:BUDGET_SHEET_AMOUNT', '3E:BUDGET_SHEET_AMOUNT', '4A:BUDGET_SHEET_DUPLICATE',
    ]);
  });

  it('names the missing header columns', () => {
    const r = readBudgetSheet([{ row: 1, cells: ['org_unit', 'm01'] }], vocabulary);
    expect(r.errors.map((e) => e.header)).toContain('item');
    expect(r.errors).toHaveLength(12);
  });

  it('parses amounts strictly and letters columns past Z', () => {
    expect(parseAmount('12.345')).toMatch(/two decimals/);
    expect(parseAmount(0.1 + 0.2)).toBe(0.3);
    expect(parseAmount(19.99)).toBe(19.99);
    expect(columnLetter(0)).toBe('A');
    expect(columnLetter(26)).toBe('AA');
  });
});
