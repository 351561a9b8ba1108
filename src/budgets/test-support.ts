import type { ActionContext } from '../audit/index.ts';
import type { BudgetsService } from './budgets-service.ts';

/**
 * Test support: a small item tree (cost → consumables, utilities; revenue → drug revenue) with
 * `expense.item` and `charge.category` mapped onto it. Not used in production.
 */
export async function seedItems(budgets: BudgetsService, ctx: ActionContext, rootOrgId: number): Promise<void> {
  await budgets.createItem(ctx, { code: 'cost', nameZh: '支出', nameEn: 'Cost', kind: 'cost' }, rootOrgId);
  await budgets.createItem(ctx, { code: 'consumables', nameZh: '医用耗材', nameEn: 'Medical consumables', kind: 'cost', parent: 'cost' }, rootOrgId);
  await budgets.createItem(ctx, { code: 'utilities', nameZh: '水电费', nameEn: 'Utilities', kind: 'cost', parent: 'cost' }, rootOrgId);
  await budgets.createItem(ctx, { code: 'revenue', nameZh: '收入', nameEn: 'Revenue', kind: 'revenue' }, rootOrgId);
  await budgets.createItem(ctx, { code: 'drug_revenue', nameZh: '药品收入', nameEn: 'Drug revenue', kind: 'revenue', parent: 'revenue' }, rootOrgId);
  await budgets.setMappings(ctx, [
    { eventType: 'expense', match: 'medical_consumables', item: 'consumables' },
    { eventType: 'expense', match: 'utilities', item: 'utilities' },
    { eventType: 'charge', match: 'drug', item: 'drug_revenue' },
  ], rootOrgId);
}
