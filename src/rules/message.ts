/**
 * Message templates (zh/en) with `{{name}}` placeholders, filled from an outcome when an alert is
 * raised. Unknown placeholders are rejected when a rule is saved, so rendering never meets one.
 */
export const PLACEHOLDERS: readonly string[] = [
  'value',
  'bound',
  'orgUnit',
  'orgUnitName',
  'period',
  'indicator',
  'rule',
  'target',
  'baseline',
  'expected',
  'expectedRange',
  'why',
  'score',
  'observed',
  'event',
  'severity',
  'source',
  /** A source's silence as a duration ("2 h 15 min"), computed when the text is read. */
  'silentFor',
  /** The indicator's unit. */
  'unit',
];

const PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function templatePlaceholders(template: string): readonly string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1] ?? '');
}

export type MessageValue = string | number | null | undefined;

/** Four significant digits at most, no exponent for ordinary magnitudes, '—' for no value. */
export function formatValue(v: MessageValue): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Replaces each `{{name}}` with its formatted value; a placeholder without a value renders as '—'. */
export function renderMessage(template: string, values: Readonly<Record<string, MessageValue>>): string {
  return template.replace(PATTERN, (_whole, name: string) => formatValue(values[name]));
}
