/**
 * Budgets (预算执行与预警, DOMAIN §8) as a managed ledger: a configurable tree of revenue and
 * cost items mapped to `expense` and `charge` events; a budget per org unit × fiscal year of
 * monthly lines, entered or imported from the template (all or nothing), submitted and approved
 * before it counts; actuals from events and from entries and imports, each traceable to its
 * source; the execution view (execution and deviation rates along both trees, per month,
 * quarter, half-year and year, with carry-forward of unspent budget inside the year); and the
 * three §8 warnings judged on budget lines and raised as alerts through the closed loop. Pure
 * cores: carry-forward.ts, execution.ts, warnings.ts, budget-sheet.ts, items.ts.
 */
export { carryForward, carryRules, type CarryRule, type CarryResult } from './carry-forward.ts';
export { executionCell, executionGrid, executionGrains, periodSpans, type ExecutionCell, type ExecutionGrain, type ExecutionRow, type LineFigures } from './execution.ts';
export { evaluateBudgetLine, budgetWarningKinds, DEFAULT_WARNING_BOUNDS, type BudgetWarningKind, type BudgetWarningOutcome, type WarningBounds } from './warnings.ts';
export { readBudgetSheet, MONTH_COLUMNS, SHEET_COLUMNS, type SheetError, type SheetLine } from './budget-sheet.ts';
export { leafItems, childItems, type BudgetItem } from './items.ts';
export { createBudgetsService, type BudgetsService, type BudgetView, type ImportResult, type SheetFormat, type LineInput } from './budgets-service.ts';
export { createExecutionService, closedMonthsAt, monthStart, type ExecutionService, type YearFigures } from './execution-service.ts';
export { createBudgetAlertRecorder, type BudgetAlertRecorder, type BudgetLineJudgement } from './budget-alerts.ts';
export { createBudgetWarningsService, createBudgetWarningsJob, type BudgetWarningsService, type WarningsPass } from './warnings-service.ts';
export { budgetWarningRules, WARNING_RULE_CODES } from './warning-rules.ts';
export { createBudgetRequestsService, type BudgetRequestsService, type AdjustmentView, type Decision } from './requests-service.ts';
export { checkLevels, levelFor, mayApprove, DEFAULT_APPROVAL_LEVELS, type ApprovalLevel, type ApproverRole } from './approval.ts';
export { executionTable, type ExportLanguage } from './execution-export.ts';
export type { OrgRef, BudgetStatus } from './budgets-repo.ts';
