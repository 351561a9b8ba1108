/**
 * Number formatting shared by the overview, the drill-down and the wall: indicator values with
 * their unit, 环比/同比 rates as signed percentages, and the tone of a change given the
 * indicator's direction (a rise in a lower-is-better indicator is bad news).
 */
export function formatValue(value: number | null | undefined, unit: string, locale: string): string {
  if (value === null || value === undefined) return '—';
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString(locale, { maximumFractionDigits: digits });
  return unit === '%' ? `${text}%` : text;
}

/** A unit worth printing beside a value (percent is printed inside the value). */
export function unitLabel(unit: string): string {
  return unit === '%' ? '' : unit;
}

export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const pct = rate * 100;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(Math.abs(pct) >= 10 ? 0 : 1)}%`;
}

export type Tone = 'good' | 'bad' | 'flat';

export function changeTone(rate: number | null | undefined, direction: string): Tone {
  if (rate === null || rate === undefined || Math.abs(rate) < 0.005 || direction === 'neutral') return 'flat';
  const up = rate > 0;
  return (direction === 'higher_better') === up ? 'good' : 'bad';
}

/** The state colour of an indicator: against its target when it has one. */
export function targetTone(status: string): 'ok' | 'danger' | 'normal' {
  return status === 'met' ? 'ok' : status === 'missed' ? 'danger' : 'normal';
}

export function severityTone(severity: number | null): 'danger' | 'warn' | 'normal' | 'ok' {
  return severity === 1 ? 'danger' : severity === 2 ? 'warn' : severity === 3 ? 'normal' : 'ok';
}
