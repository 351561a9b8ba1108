import { AppError } from '../shared/index.ts';
import type { SheetError } from './budget-sheet.ts';

/** The budget module's coded errors (statuses in api/error-map.ts). */
export const budgetNotFound = (what: string): AppError => new AppError('BUDGET_NOT_FOUND', `No budget ${what}.`);

export const itemNotFound = (code: string, field: string): AppError => new AppError('BUDGET_ITEM_NOT_FOUND', `No budget item ${code}.`, { field });

export function sheetInvalid(errors: readonly SheetError[]): AppError {
  const first = errors[0];
  const where = first ? ` (first: row ${String(first.row)}${first.column !== '' ? `, column ${first.column}` : ''}: ${first.message})` : '';
  return new AppError('BUDGET_IMPORT_INVALID', `${String(errors.length)} bad cell(s); nothing was imported${where}.`, { field: '/body', errors });
}

export const invalidTransition = (message: string): AppError => new AppError('BUDGET_INVALID_TRANSITION', message);
