/**
 * The server's rule for money amounts in budgets and quality costs (a number ≥ 0 in yuan with at
 * most two decimals, below 10¹³), checked as the user types so Save is enabled only when the
 * server would take it. Returns the problem's key, or null.
 */
export type AmountProblem = 'required' | 'notNumber' | 'negative' | 'decimals' | 'tooLarge' | 'notPositive';

export const MAX_AMOUNT = 9_999_999_999_999;

export function amountProblem(raw: string | undefined, options: { allowEmpty?: boolean; positive?: boolean } = {}): AmountProblem | null {
  const v = (raw ?? '').trim().replaceAll(',', '');
  if (v === '') return options.allowEmpty === true ? null : 'required';
  if (!/^-?\d+(\.\d+)?$/.test(v)) return 'notNumber';
  const n = Number(v);
  if (n < 0) return 'negative';
  if (options.positive === true && n === 0) return 'notPositive';
  if (!/^-?\d+(\.\d{1,2})?$/.test(v)) return 'decimals';
  if (n > MAX_AMOUNT) return 'tooLarge';
  return null;
}

/** The amount of a valid input (commas as thousands separators allowed). */
export const amountOf = (raw: string): number => Number(raw.trim().replaceAll(',', ''));
