import type { Cell, ExportTable } from '../indicators/index.ts';
import { costCategories, type PafReport, type PafSummary } from './paf.ts';

/** The PAF report as one export table (pure): the year, each month, then each unit ranked, headers in the reader's language. */
export type PafExportLanguage = 'zh-CN' | 'en';

const HEADERS = {
  'zh-CN': ['范围', '名称', '排名', '预防成本', '鉴定成本', '内部损失成本', '外部损失成本', '品质成本合计', '收入', '品质成本占收入', '损失成本/预防成本'],
  en: ['Scope', 'Name', 'Rank', 'Prevention', 'Appraisal', 'Internal failure', 'External failure', 'Total quality cost', 'Revenue', 'Quality cost to revenue', 'Failure to prevention'],
} as const;
const SCOPES = {
  'zh-CN': { year: '全年', month: '月份', unit: '下级单位', target: '损失成本目标' },
  en: { year: 'Year', month: 'Month', unit: 'Unit', target: 'Failure-cost target' },
} as const;

export function pafTable(report: PafReport, q: { year: number; orgName: string; unitName: (orgUnitId: number) => string; lang: PafExportLanguage }): ExportTable {
  const scope = SCOPES[q.lang];
  const figures = (s: PafSummary): Cell[] => [...costCategories.map((c) => s.byCategory[c]), s.total, s.revenue, s.costToRevenue, s.failureToPrevention];
  const rows: Cell[][] = [
    [scope.year, `${q.orgName} ${String(q.year)}`, null, ...figures(report)],
    ...report.trend.map((m): Cell[] => [scope.month, `${String(q.year)}-${String(m.month).padStart(2, '0')}`, null, ...figures(m)]),
    ...report.units.map((u): Cell[] => [scope.unit, q.unitName(u.orgUnitId), u.rank, ...figures(u)]),
  ];
  const t = report.target;
  const targetText = q.lang === 'en'
    ? `last year ${String(t.failureLastYear)}, this year's pace ${String(t.failureThisYear)}, goal ${String(Math.round(t.goal * 1000) / 10)} %`
    : `上年 ${String(t.failureLastYear)}，本年按进度 ${String(t.failureThisYear)}，目标 ${String(Math.round(t.goal * 1000) / 10)}%`;
  rows.push([scope.target, targetText, null, null, null, null, null, null, null, t.change, null]);
  const kinds = ['text', 'text', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'ratio', 'number'] as const;
  return {
    name: q.lang === 'en' ? 'Quality costs' : '品质成本',
    columns: HEADERS[q.lang].map((header, k) => ({ header, kind: kinds[k] ?? 'text', width: k < 2 ? 20 : 14 })),
    rows,
  };
}
