import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { aboutTable, breakdownTable, exportFileName, seriesTable, toCsv, type ExportTable } from './export.ts';
import type { Breakdown, IndicatorPoint } from './query-service.ts';
import { SH, definitionOf } from './test-support.ts';

const share = definitionOf({
  code: 'online_visit_share', version: 1, nameZh: '线上诊疗占比', nameEn: 'Online share of visits', unit: '%', direction: 'higher_better', category: 'access',
  description: '线上就诊人次 / 全部就诊人次', formula: 'count(visit, channel = online) / count(visit)',
  measure: { kind: 'ratio', factor: 100, numerator: { aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'channel', op: 'eq', value: 'online' }] }, denominator: { aggregate: 'count', eventTypes: ['visit'] } },
});
const h1 = { code: 'H1', name: '第一医院', nameEn: 'Hospital One' };

function point(periodKey: string, periodStart: string, over: Partial<IndicatorPoint> = {}): IndicatorPoint {
  return {
    periodKey, periodStart: new Date(periodStart), value: 25, previous: 20, yearAgo: 40, changeRate: 0.25, yearOverYearRate: -0.375,
    target: 30, targetInherited: true, targetStatus: 'missed', open: false, ...over,
  };
}

const points = [
  point('2026-10', '2026-09-30T16:00:00Z'),
  point('2026-11', '2026-10-31T16:00:00Z', { value: 5, changeRate: -0.8, yearOverYearRate: null, yearAgo: null, target: null, targetInherited: false, targetStatus: 'no_target', open: true }),
];

const parseCsv = (text: string): string[][] => parse(text, { bom: true });

describe('seriesTable', () => {
  it('writes one row per period with 环比, 同比, the target and where it is set, and marks the open period', () => {
    const table = seriesTable({ definition: share, org: h1, grain: 'month', points, targetSetBy: new Map([['2026-10', 'YJ']]), timeZone: SH, lang: 'zh-CN' });
    expect(table.name).toBe('序列');
    expect(table.columns.map((c) => c.header)).toEqual([
      '指标编码', '指标', '组织编码', '组织', '粒度', '周期', '周期开始', '值', '单位', '上期值', '环比', '去年同期值', '同比', '目标', '目标设定组织', '目标达成', '周期状态',
    ]);
    expect(table.rows[0]).toEqual([
      'online_visit_share', '线上诊疗占比', 'H1', '第一医院', '月', '2026-10', '2026-10-01T00:00:00+08:00', 25, '%', 20, 0.25, 40, -0.375, 30, 'YJ', '未达标', '已结束',
    ]);
    expect(table.rows[1]?.slice(-5)).toEqual([null, null, null, '无目标', '未结束（数据不完整）']);
  });

  it('speaks English when asked, with English names where there are', () => {
    const table = seriesTable({ definition: share, org: h1, grain: 'week', points: points.slice(0, 1), targetSetBy: new Map(), timeZone: SH, lang: 'en' });
    expect(table.columns[10]?.header).toBe('Change vs previous');
    expect(table.rows[0]?.slice(0, 5)).toEqual(['online_visit_share', 'Online share of visits', 'H1', 'Hospital One', 'week']);
    expect(table.rows[0]?.at(-2)).toBe('missed');
  });

  it('types change rates as ratios and values as numbers', () => {
    const table = seriesTable({ definition: share, org: h1, grain: 'month', points, targetSetBy: new Map(), timeZone: SH, lang: 'zh-CN' });
    expect(table.columns.filter((c) => c.kind === 'ratio').map((c) => c.header)).toEqual(['环比', '同比']);
    expect(table.columns.filter((c) => c.kind === 'number').map((c) => c.header)).toEqual(['值', '上期值', '去年同期值', '目标']);
  });
});

describe('breakdownTable', () => {
  const breakdown: Breakdown = {
    periodKey: '2026-11', periodStart: new Date('2026-10-31T16:00:00Z'), open: false, total: 25,
    children: [
      { org: { id: 2, code: 'DEPT-B', name: '儿科', nameEn: 'Paediatrics' }, value: 0 },
      { org: { id: 1, code: 'DEPT-A', name: '内科', nameEn: null }, value: 100 },
      { org: { id: 3, code: 'DEPT-C', name: '外科', nameEn: 'Surgery' }, value: null },
    ],
  };

  it('lists the children in the order given with ranks (none without a value), then the parent’s total', () => {
    const ranked = [breakdown.children[1]!, breakdown.children[0]!, breakdown.children[2]!];
    const table = breakdownTable({ definition: share, parent: h1, breakdown, ranked, lang: 'zh-CN' });
    expect(table.rows.map((r) => [r[0], r[5], r[6], r[7], r[8]])).toEqual([
      [1, '下级组织', 'DEPT-A', '内科', 100],
      [2, '下级组织', 'DEPT-B', '儿科', 0],
      [null, '下级组织', 'DEPT-C', '外科', null],
      [null, '合计', 'H1', '第一医院', 25],
    ]);
    expect(table.rows[0]?.slice(1, 5)).toEqual(['online_visit_share', '线上诊疗占比', '2026-11', '第一医院']);
  });

  it('falls back to the Chinese name when a unit has no English one', () => {
    const table = breakdownTable({ definition: share, parent: h1, breakdown, ranked: breakdown.children, lang: 'en' });
    expect(table.rows.map((r) => r[7])).toEqual(['Paediatrics', '内科', 'Surgery', 'Hospital One']);
  });
});

describe('aboutTable', () => {
  it('describes the definition, the org unit, the grain, the range and when it was exported', () => {
    const table = aboutTable({ definition: share, org: h1, grain: 'month', range: { first: '2026-10', last: '2026-11' }, exportedAt: new Date('2026-11-23T02:00:00Z'), timeZone: SH, lang: 'zh-CN' });
    const facts = new Map(table.rows.map((r) => [r[0], r[1]]));
    expect(facts.get('计算公式')).toBe(share.formula);
    expect(facts.get('方向')).toBe('越高越好');
    expect(facts.get('时间范围')).toBe('2026-10 – 2026-11');
    expect(facts.get('导出时间')).toBe('2026-11-23T10:00:00+08:00');
  });
});

describe('toCsv', () => {
  const table = (rows: ExportTable['rows']): ExportTable => ({
    name: 't', columns: [{ header: '名称', kind: 'text', width: 1 }, { header: 'value', kind: 'number', width: 1 }, { header: 'rate', kind: 'ratio', width: 1 }], rows,
  });

  it('starts with a UTF-8 byte-order mark and ends every line with CRLF', () => {
    const csv = toCsv(table([['心内科', 1, 0.5]]));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toBe('\uFEFF名称,value,rate\r\n心内科,1,0.5\r\n');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('quotes fields holding a comma, a quote or a line break, doubling the quotes (RFC 4180)', () => {
    const tricky = ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'plain'];
    const csv = toCsv(table(tricky.map((text) => [text, null, null])));
    expect(csv).toContain('"a,b",,\r\n"say ""hi""",,\r\n"two\nlines",,\r\n"cr\rhere",,\r\nplain,,\r\n');
    expect(parseCsv(csv).slice(1).map((r) => r[0])).toEqual(tricky);
  });

  it('writes empty fields for missing values and plain numbers (negative too) without a guard', () => {
    expect(parseCsv(toCsv(table([[null, -3.5, -0.25]])))[1]).toEqual(['', '-3.5', '-0.25']);
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const rows = parseCsv(toCsv(table([['=HYPERLINK("x")', 1, 1], ['+1', 1, 1], ['-2', 1, 1], ['@SUM(A1)', 1, 1]])));
    expect(rows.slice(1).map((r) => r[0])).toEqual(['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)"]);
  });
});

describe('exportFileName', () => {
  it('joins codes and period keys into an ASCII name with the format’s extension', () => {
    expect(exportFileName(['online_visit_share', 'H1-OFF', 'month', '2026-10_2026-11'], 'csv')).toBe('online_visit_share-H1-OFF-month-2026-10_2026-11.csv');
    expect(exportFileName(['x', 'a/b c'], 'xlsx')).toBe('x-a_b_c.xlsx');
  });
});
