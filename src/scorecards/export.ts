import type { Cell, CellKind, ExportColumn, ExportLanguage, ExportTable } from '../indicators/export.ts';
import type { Boards, RankedUnit } from './boards.ts';
import type { ResultRow } from './results-service.ts';
import type { Scheme } from './scheme.ts';

/**
 * Scorecard exports as tables (pure), written as CSV or XLSX by the indicators module's export
 * helpers: a period's results (rank, movement, score, grade, state, revision), the honour board
 * and watch list, and an indicator ranking. Headers and labels in the reader's language.
 */
const zh = {
  results: '考评结果', boards: '光荣榜与警示名单', ranking: '排名',
  rank: '排名', movement: '名次变化', unitCode: '组织编码', unit: '组织', score: '得分', grade: '等级', state: '状态', revision: '待发布修订',
  previousScore: '上期得分', complete: '数据完整', yes: '是', no: '否', list: '榜单', rule: '规则', value: '值', previousValue: '上期值',
  honour: '光荣榜', watch: '警示名单',
  states: { provisional: '临时', final: '最终', published: '已发布' },
  rules: { top: '前N名', grade_streak: '连续等级', red_flag: '流动红旗', grade: '等级', bottom: '后N名', worsening: '连续下降' },
};

const en: typeof zh = {
  results: 'Results', boards: 'Honour board and watch list', ranking: 'Ranking',
  rank: 'Rank', movement: 'Movement', unitCode: 'Org unit code', unit: 'Org unit', score: 'Score', grade: 'Grade', state: 'State', revision: 'Pending revision',
  previousScore: 'Previous score', complete: 'Complete data', yes: 'yes', no: 'no', list: 'List', rule: 'Rule', value: 'Value', previousValue: 'Previous value',
  honour: 'honour board', watch: 'watch list',
  states: { provisional: 'provisional', final: 'final', published: 'published' },
  rules: { top: 'top N', grade_streak: 'grade streak', red_flag: 'red flag', grade: 'grade', bottom: 'bottom N', worsening: 'worsening' },
};

const col = (header: string, kind: CellKind, width: number): ExportColumn => ({ header, kind, width });
const nameOf = (lang: ExportLanguage, zhName: string, enName: string | null) => (lang === 'en' && enName ? enName : zhName);

function gradeName(scheme: Scheme, key: string | null, lang: ExportLanguage): string | null {
  if (key === null) return null;
  const g = scheme.grades.find((x) => x.key === key);
  return g ? nameOf(lang, g.nameZh, g.nameEn) : key;
}

export function resultsTable(scheme: Scheme, rows: readonly ResultRow[], lang: ExportLanguage): ExportTable {
  const l = lang === 'en' ? en : zh;
  return {
    name: l.results,
    columns: [col(l.rank, 'number', 6), col(l.movement, 'number', 8), col(l.unitCode, 'text', 14), col(l.unit, 'text', 20), col(l.score, 'number', 8),
      col(l.grade, 'text', 10), col(l.state, 'text', 10), col(l.previousScore, 'number', 10), col(l.complete, 'text', 8), col(l.revision, 'text', 18)],
    rows: rows.map((r): Cell[] => [
      r.rank, r.movement, r.unit.code, nameOf(lang, r.unit.name, r.unit.nameEn), r.score, gradeName(scheme, r.grade, lang), l.states[r.state], r.previousScore,
      r.complete ? l.yes : l.no, r.revision ? `${String(r.revision.score)} ${gradeName(scheme, r.revision.grade, lang) ?? ''}` : null,
    ]),
  };
}

export function boardsTable(boards: Boards, units: ReadonlyMap<number, { code: string; name: string; nameEn: string | null }>, lang: ExportLanguage): ExportTable {
  const l = lang === 'en' ? en : zh;
  const row = (list: string, e: Boards['honour'][number]): Cell[] => {
    const u = units.get(e.unitId);
    return [list, l.rules[e.kind], e.rank, u?.code ?? String(e.unitId), u ? nameOf(lang, u.name, u.nameEn) : null, e.score];
  };
  return {
    name: l.boards,
    columns: [col(l.list, 'text', 12), col(l.rule, 'text', 14), col(l.rank, 'number', 6), col(l.unitCode, 'text', 14), col(l.unit, 'text', 20), col(l.score, 'number', 8)],
    rows: [...boards.honour.map((e) => row(l.honour, e)), ...boards.watch.map((e) => row(l.watch, e))],
  };
}

export function rankingTable(ranked: readonly RankedUnit[], units: ReadonlyMap<number, { code: string; name: string; nameEn: string | null }>, lang: ExportLanguage): ExportTable {
  const l = lang === 'en' ? en : zh;
  return {
    name: l.ranking,
    columns: [col(l.rank, 'number', 6), col(l.movement, 'number', 8), col(l.unitCode, 'text', 14), col(l.unit, 'text', 20), col(l.value, 'number', 10), col(l.previousValue, 'number', 10)],
    rows: ranked.map((r): Cell[] => {
      const u = units.get(r.unitId);
      return [r.rank, r.movement, u?.code ?? String(r.unitId), u ? nameOf(lang, u.name, u.nameEn) : null, r.value, r.previousValue];
    }),
  };
}
