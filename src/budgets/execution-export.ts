import type { Cell, ExportTable } from '../indicators/index.ts';
import type { OrgRef } from './budgets-repo.ts';
import type { ExecutionRow } from './execution.ts';
import type { BudgetItem } from './items.ts';

/** The execution grid as one export table (pure), headers in the reader's language. */
export type ExportLanguage = 'zh-CN' | 'en';

const HEADERS = {
  'zh-CN': ['组织编码', '组织', '科目编码', '科目', '期间', '预算', '结转后预算', '实际', '执行率', '偏差率', '调整前预算', '预算外支出（已批）'],
  en: ['Org unit code', 'Org unit', 'Item code', 'Item', 'Period', 'Budget', 'Budget after carry-forward', 'Actual', 'Execution rate', 'Deviation rate', 'Budget before adjustment', 'Approved out-of-budget spending'],
} as const;

export function executionTable(rows: readonly ExecutionRow[], orgs: readonly OrgRef[], items: readonly BudgetItem[], lang: ExportLanguage, fiscalYear: number): ExportTable {
  const org = new Map(orgs.map((o) => [o.id, o]));
  const item = new Map(items.map((i) => [i.id, i]));
  const kinds = ['text', 'text', 'text', 'text', 'text', 'number', 'number', 'number', 'ratio', 'ratio', 'number', 'number'] as const;
  const widths = [14, 20, 16, 20, 10, 14, 14, 14, 10, 10, 14, 16];
  const out: Cell[][] = [];
  for (const r of rows) {
    const o = org.get(r.orgUnitId);
    const i = r.itemId === null ? undefined : item.get(r.itemId);
    for (const c of r.cells) {
      out.push([
        o?.code ?? '', (lang === 'en' ? o?.nameEn : null) ?? o?.name ?? '', i?.code ?? '', (lang === 'en' ? i?.nameEn : i?.nameZh) ?? '', `${String(fiscalYear)}-${c.period}`,
        c.budget, c.effectiveBudget, c.actual, c.executionRate, c.deviationRate, c.originalBudget ?? null, c.outOfBudget,
      ]);
    }
  }
  return { name: lang === 'en' ? 'Execution' : '预算执行', columns: HEADERS[lang].map((header, k) => ({ header, kind: kinds[k] ?? 'text', width: widths[k] ?? 12 })), rows: out };
}
