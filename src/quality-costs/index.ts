/**
 * Quality costs (品质成本) as a ledger: prevention, appraisal, internal-failure and external-failure
 * cost per org unit and month, from `quality_event` events (cost, costType) and entries by hand,
 * and the PAF report — shares, total against revenue, monthly trend, failure against prevention,
 * units ranked, and the failure-cost target against the year before. Pure core: paf.ts.
 */
export { costCategories, pafReport, summarise, type CostAmount, type CostCategory, type PafReport, type PafSummary } from './paf.ts';
export { pafTable, type PafExportLanguage } from './paf-export.ts';
export { createQualityCostsService, DEFAULT_FAILURE_GOAL, type QualityCostsService } from './quality-costs-service.ts';
