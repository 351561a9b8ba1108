import type { BulletinKind } from './schedule.ts';

/**
 * What a bulletin is written from: the figures of one scope and period, gathered by the reports
 * service from the indicator, alert, work-order and source-quality modules. Everything here is
 * plain data, so the writing (narrative.ts) and rendering are pure and testable on fixed input.
 */
export type Locale = 'zh-CN' | 'en';

export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

export interface HeadlineFigure {
  readonly code: string;
  readonly name: Bilingual;
  /** The indicator's unit as the library writes it (`visits`, `%`, `minutes`, …). */
  readonly unit: string;
  readonly direction: 'higher_better' | 'lower_better' | 'neutral';
  /** null: no data in the period (missing, never 0). */
  readonly value: number | null;
  readonly previous: number | null;
  readonly yearAgo: number | null;
  readonly target: number | null;
  /** The last periods up to this one, oldest first (for the sparkline); null where missing. */
  readonly spark: readonly (number | null)[];
}

export interface IncidentItem {
  readonly alertId: number;
  /** The alert's text, already rendered in each language. */
  readonly title: Bilingual;
  readonly ruleCode: string;
  readonly orgName: Bilingual;
  /** 1 特别重大 … 4 一般. */
  readonly severity: 1 | 2 | 3 | 4;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Breaching periods of the incident up to the end of the bulletin's period. */
  readonly periods: number;
  readonly grain: string;
  readonly workOrder: {
    readonly id: number;
    readonly state: string;
    /** Resolved within its deadline: true/false; null while open and not yet overdue. */
    readonly onTime: boolean | null;
    readonly resolution: string | null;
  } | null;
}

export interface DepartmentOrders {
  readonly name: Bilingual;
  readonly opened: number;
  readonly resolved: number;
  readonly resolvedOnTime: number;
  readonly overdue: number;
}

export interface WorkOrderFigures {
  readonly opened: number;
  readonly resolved: number;
  readonly resolvedOnTime: number;
  readonly overdue: number;
  readonly byDepartment: readonly DepartmentOrders[];
}

export interface SourceQualityItem {
  readonly name: string;
  /** Shares in percent, null when nothing was expected or received. */
  readonly captureRate: number | null;
  readonly validRate: number | null;
  readonly timelyRate: number | null;
  readonly received: number;
}

export interface BulletinData {
  readonly kind: BulletinKind;
  readonly periodKey: string;
  /** Local dates of the period, inclusive. */
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly scope: { readonly code: string; readonly name: Bilingual };
  readonly headline: readonly HeadlineFigure[];
  readonly incidents: readonly IncidentItem[];
  readonly workOrders: WorkOrderFigures | null;
  readonly sources: readonly SourceQualityItem[];
}

/** The sections a template may choose, in their default order. */
export const SECTION_KINDS = ['headline', 'incidents', 'major_incidents', 'workorders', 'data_quality'] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];
