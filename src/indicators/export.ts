import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { Grain } from '../shared/period.ts';
import type { IndicatorDefinition } from './definition.ts';
import type { Breakdown, BreakdownItem, IndicatorPoint } from './query-service.ts';
import type { TargetStatus } from './targets.ts';

/**
 * Exports of indicator data as tables (pure): a series (one row per period, with 环比, 同比, the
 * target and where it is set, and whether the period is still open) and a breakdown by child org
 * unit (ranked by the indicator's direction, with the parent's total), each with an "about" table
 * that says what was exported. Headers and labels are in the reader's language. `toCsv` writes
 * RFC 4180 text with a UTF-8 byte-order mark so Excel opens Chinese text correctly.
 */
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** How a column is written: text as is, numbers as numbers, ratios as numbers shown as percentages. */
export type CellKind = 'text' | 'number' | 'ratio';
export type Cell = string | number | null;

export interface ExportColumn {
  readonly header: string;
  readonly kind: CellKind;
  /** Width in characters (spreadsheets). */
  readonly width: number;
}

export interface ExportTable {
  readonly name: string;
  readonly columns: readonly ExportColumn[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface ExportOrg {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string | null;
}

type Labels = typeof zh;

const zh = {
  seriesSheet: '序列', breakdownSheet: '下级分解', aboutSheet: '说明',
  indicatorCode: '指标编码', indicator: '指标', orgCode: '组织编码', org: '组织', grain: '粒度', period: '周期', periodStart: '周期开始',
  value: '值', unit: '单位', previous: '上期值', changeRate: '环比', yearAgo: '去年同期值', yoyRate: '同比', target: '目标',
  targetFrom: '目标设定组织', targetStatus: '目标达成', periodState: '周期状态', rank: '排名', rowKind: '行类型', parent: '上级组织',
  open: '未结束（数据不完整）', closed: '已结束', child: '下级组织', total: '合计',
  grains: { hour: '小时', day: '日', week: '周', month: '月', quarter: '季度', year: '年' },
  statuses: { met: '达标', missed: '未达标', not_applicable: '不评判', no_value: '无数据', no_target: '无目标' },
  directions: { higher_better: '越高越好', lower_better: '越低越好', neutral: '中性' },
  about: {
    item: '项目', detail: '内容', nameZh: '中文名称', nameEn: '英文名称', direction: '方向', formula: '计算公式', description: '说明',
    version: '定义版本', range: '时间范围', exportedAt: '导出时间', timeZone: '时区', openNote: '未结束周期的值是部分数据，不能当作下降来解读。',
    note: '备注', rates: '环比、同比为比率（0.1 = 10%）。',
  },
};

const en: Labels = {
  seriesSheet: 'Series', breakdownSheet: 'Breakdown', aboutSheet: 'About',
  indicatorCode: 'Indicator code', indicator: 'Indicator', orgCode: 'Org unit code', org: 'Org unit', grain: 'Grain', period: 'Period',
  periodStart: 'Period start', value: 'Value', unit: 'Unit', previous: 'Previous period', changeRate: 'Change vs previous',
  yearAgo: 'Same period last year', yoyRate: 'Change vs last year', target: 'Target', targetFrom: 'Target set by', targetStatus: 'Target status',
  periodState: 'Period', rank: 'Rank', rowKind: 'Row', parent: 'Parent org unit',
  open: 'open (partial data)', closed: 'closed', child: 'child unit', total: 'total',
  grains: { hour: 'hour', day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year' },
  statuses: { met: 'met', missed: 'missed', not_applicable: 'not judged', no_value: 'no value', no_target: 'no target' },
  directions: { higher_better: 'higher is better', lower_better: 'lower is better', neutral: 'neutral' },
  about: {
    item: 'Item', detail: 'Detail', nameZh: 'Chinese name', nameEn: 'English name', direction: 'Direction', formula: 'Formula',
    description: 'Description', version: 'Definition version', range: 'Range', exportedAt: 'Exported at', timeZone: 'Time zone',
    openNote: 'The value of an open period is partial and must not be read as a drop.', note: 'Note',
    rates: 'Change rates are ratios (0.1 = 10 %).',
  },
};

export function labelsOf(lang: ExportLanguage): Labels {
  return lang === 'en' ? en : zh;
}

const nameOf = (lang: ExportLanguage, zhName: string, enName: string | null): string => (lang === 'en' && enName !== null && enName !== '' ? enName : zhName);

function localTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? instant.toISOString();
}

export interface SeriesExportInput {
  readonly definition: IndicatorDefinition;
  readonly org: ExportOrg;
  readonly grain: Grain;
  readonly points: readonly IndicatorPoint[];
  /** The org unit code each period's target is set at (own or inherited), by period key. */
  readonly targetSetBy: ReadonlyMap<string, string | null>;
  readonly timeZone: string;
  readonly lang: ExportLanguage;
}

export function seriesTable(input: SeriesExportInput): ExportTable {
  const { definition: d, org, grain, lang } = input;
  const l = labelsOf(lang);
  const col = (header: string, kind: CellKind, width: number): ExportColumn => ({ header, kind, width });
  const columns = [
    col(l.indicatorCode, 'text', 24), col(l.indicator, 'text', 22), col(l.orgCode, 'text', 16), col(l.org, 'text', 18), col(l.grain, 'text', 8),
    col(l.period, 'text', 14), col(l.periodStart, 'text', 26), col(l.value, 'number', 12), col(l.unit, 'text', 10), col(l.previous, 'number', 12),
    col(l.changeRate, 'ratio', 10), col(l.yearAgo, 'number', 14), col(l.yoyRate, 'ratio', 10), col(l.target, 'number', 10),
    col(l.targetFrom, 'text', 14), col(l.targetStatus, 'text', 10), col(l.periodState, 'text', 18),
  ];
  const rows = input.points.map((p): Cell[] => [
    d.code, nameOf(lang, d.nameZh, d.nameEn), org.code, nameOf(lang, org.name, org.nameEn), l.grains[grain],
    p.periodKey, localTime(p.periodStart, input.timeZone), p.value, d.unit, p.previous,
    p.changeRate, p.yearAgo, p.yearOverYearRate, p.target,
    p.target === null ? null : (input.targetSetBy.get(p.periodKey) ?? null), statusLabel(l, p.targetStatus), p.open ? l.open : l.closed,
  ]);
  return { name: l.seriesSheet, columns, rows };
}

function statusLabel(l: Labels, status: TargetStatus): string {
  return l.statuses[status];
}

export interface BreakdownExportInput {
  readonly definition: IndicatorDefinition;
  readonly parent: ExportOrg;
  readonly breakdown: Breakdown;
  /** The children best first by the indicator's direction, those without a value last (`rankChildren`). */
  readonly ranked: readonly BreakdownItem[];
  readonly lang: ExportLanguage;
}

/** Children in rank order (those without a value unranked), then the parent's total. */
export function breakdownTable(input: BreakdownExportInput): ExportTable {
  const { definition: d, parent, breakdown: b, lang } = input;
  const l = labelsOf(lang);
  const col = (header: string, kind: CellKind, width: number): ExportColumn => ({ header, kind, width });
  const columns = [
    col(l.rank, 'number', 6), col(l.indicatorCode, 'text', 24), col(l.indicator, 'text', 22), col(l.period, 'text', 14), col(l.parent, 'text', 18),
    col(l.rowKind, 'text', 10), col(l.orgCode, 'text', 16), col(l.org, 'text', 18), col(l.value, 'number', 12), col(l.unit, 'text', 10),
    col(l.periodState, 'text', 18),
  ];
  const common = (kind: string, orgCode: string, orgName: string, value: number | null): Cell[] => [
    d.code, nameOf(lang, d.nameZh, d.nameEn), b.periodKey, nameOf(lang, parent.name, parent.nameEn), kind, orgCode, orgName, value, d.unit, b.open ? l.open : l.closed,
  ];
  const rows: Cell[][] = input.ranked.map((item, i) => [item.value === null ? null : i + 1, ...common(l.child, item.org.code, nameOf(lang, item.org.name, item.org.nameEn), item.value)]);
  rows.push([null, ...common(l.total, parent.code, nameOf(lang, parent.name, parent.nameEn), b.total)]);
  return { name: l.breakdownSheet, columns, rows };
}

export interface AboutInput {
  readonly definition: IndicatorDefinition;
  readonly org: ExportOrg;
  readonly grain: Grain;
  /** Period keys of the first and last period exported. */
  readonly range: { readonly first: string; readonly last: string };
  readonly exportedAt: Date;
  readonly timeZone: string;
  readonly lang: ExportLanguage;
}

/** What the export holds: the definition, the org unit, grain and range, and how to read it. */
export function aboutTable(input: AboutInput): ExportTable {
  const { definition: d, lang } = input;
  const l = labelsOf(lang);
  const rows: Cell[][] = [
    [l.indicatorCode, d.code], [l.about.nameZh, d.nameZh], [l.about.nameEn, d.nameEn], [l.unit, d.unit],
    [l.about.direction, l.directions[d.direction]], [l.about.formula, d.formula], [l.about.description, d.description],
    [l.about.version, d.version], [l.orgCode, input.org.code], [l.org, nameOf(lang, input.org.name, input.org.nameEn)],
    [l.grain, l.grains[input.grain]],
    [l.about.range, input.range.first === input.range.last ? input.range.first : `${input.range.first} – ${input.range.last}`],
    [l.about.timeZone, input.timeZone], [l.about.exportedAt, localTime(input.exportedAt, input.timeZone)],
    [l.about.note, l.about.openNote], [l.about.note, l.about.rates],
  ];
  return { name: l.aboutSheet, columns: [{ header: l.about.item, kind: 'text', width: 18 }, { header: l.about.detail, kind: 'text', width: 60 }], rows };
}

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection); text
// such as an org unit's name is written with a leading apostrophe instead.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: Cell, kind: CellKind): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return kind === 'text' && typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 (csv-stringify): CRLF line ends, quoting where needed; a UTF-8 BOM first so Excel reads Chinese. */
export function toCsv(table: ExportTable): string {
  const records = [
    table.columns.map((c) => csvCell(c.header, 'text')),
    ...table.rows.map((row) => table.columns.map((c, i) => csvCell(row[i] ?? null, c.kind))),
  ];
  // A bare LF or CR inside a field must be quoted too: csv-stringify only quotes the record delimiter itself.
  return stringify(records, { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/** A file name from codes and period keys (ASCII only: org and indicator codes are). */
export function exportFileName(parts: readonly string[], format: ExportFormat): string {
  return `${parts.map((p) => p.replace(/[^A-Za-z0-9_.-]+/g, '_')).join('-')}.${format}`;
}
