import type { SeriesInput, SeriesPointInput } from './outcome.ts';

/**
 * Builders shared by this module's tests: the common fields of a valid rule, and a monthly series
 * from a list of values. Kept out of the public index.
 */
export const COMMON_FIELDS = {
  version: 1,
  nameZh: '测试规则',
  nameEn: 'Test rule',
  enabled: true,
  scope: { orgUnit: 'H1', includeDescendants: true },
  severity: 3,
  category: 'outpatient',
  labels: {},
  messageZh: '{{orgUnitName}} {{period}} 值 {{value}} 超过 {{bound}}',
  messageEn: '{{orgUnitName}} {{period}}: {{value}} beyond {{bound}}',
  missingData: 'skip',
  evaluateOpenPeriod: false,
} as const;

export type PointExtra = Partial<Omit<SeriesPointInput, 'periodStart' | 'periodKey' | 'value'>>;

/** Monthly points from January 2026 on; all closed unless `extra` says otherwise. */
export function monthly(values: readonly (number | null)[], extra: readonly PointExtra[] = []): SeriesInput {
  const points = values.map((value, i): SeriesPointInput => {
    const month = String((i % 12) + 1).padStart(2, '0');
    const year = 2026 + Math.floor(i / 12);
    return { periodStart: `${year}-${month}-01T00:00:00+08:00`, periodKey: `${year}-${month}`, value, closed: true, ...extra[i] };
  });
  return { orgUnit: 'D1', seriesKey: 'all', points };
}

export const NOW = new Date('2027-06-01T00:00:00Z');
