/**
 * Revenue lines. An outpatient bill's total is split into a few lines whose categories follow
 * the group's mix; an inpatient statement (住院费用清单) is itemised, one line per category sized
 * by the mix. Either way each category's share of revenue equals its weight in expectation, and
 * a drifting department simply carries a heavier drug weight. Itemising the large inpatient
 * bills and drawing outpatient categories by systematic sampling (one random offset per bill,
 * lines evenly spaced over the cumulative weights) keeps a department's weekly drug share within
 * a few points, as a real department's is, so that a drift of ten points stands out.
 */
import { CHARGE_CATEGORIES, chargeWeights, type ChargeCategory } from './catalogue.ts';
import type { Channel } from './org.ts';
import type { SimContext } from './sim-context.ts';
import { MINUTE_MS } from './time-profile.ts';

export interface Bill {
  readonly atMs: number;
  readonly source: string;
  readonly orgUnit: string;
  readonly channel: Channel;
  readonly total: number;
  /** Number of lines; ignored for an itemised bill (one line per category). */
  readonly lines: number;
  readonly insuranceShare: number;
  readonly patient: string;
  readonly visitId?: string;
  readonly stayId?: string;
  /** Every line in this category (a consultation fee, a prescription) instead of the mix. */
  readonly category?: ChargeCategory;
  /** One line per category, sized by the mix (an inpatient statement). */
  readonly itemised?: boolean;
}

export function money(value: number): number {
  return Math.max(0.01, Math.round(value * 100) / 100);
}

/** The drug weight multiplier in force for a department at a time (1 outside any drift). */
export function drugMultiplier(ctx: SimContext, orgUnit: string, atMs: number): number {
  const drift = ctx.incidents.active('drug_share_drift', orgUnit, atMs);
  return drift ? 1 + (drift.magnitude - 1) * drift.progress : 1;
}

/** The index whose cumulative-weight interval holds `position` (a fraction in [0, 1)). */
export function systematicIndex(weights: readonly number[], position: number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let r = (position - Math.floor(position)) * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** Category and amount of each line of a bill. */
function billLines(ctx: SimContext, bill: Bill, weights: readonly number[]): { category: ChargeCategory; amount: number }[] {
  const { rng } = ctx;
  if (bill.itemised === true) {
    const total = weights.reduce((sum, w) => sum + w, 0);
    return CHARGE_CATEGORIES.map((category, i) => ({ category, amount: (bill.total * (weights[i] ?? 0)) / total * rng.logNormal(1, 0.25) }));
  }
  const offset = rng.next();
  return Array.from({ length: bill.lines }, (_, i) => ({
    category: bill.category ?? CHARGE_CATEGORIES[systematicIndex(weights, (offset + i) / bill.lines)] ?? 'other',
    amount: (bill.total / bill.lines) * rng.logNormal(1, 0.35),
  }));
}

export function emitBill(ctx: SimContext, bill: Bill): void {
  const { rng } = ctx;
  const weights = chargeWeights(drugMultiplier(ctx, bill.orgUnit, bill.atMs));
  const payer = rng.chance(bill.insuranceShare) ? 'insurance' : 'self';
  for (const line of billLines(ctx, bill, weights)) {
    const at = bill.atMs + rng.uniform(1, 20) * MINUTE_MS;
    ctx.emit(at, bill.source, {
      type: 'charge',
      orgUnit: bill.orgUnit,
      patient: bill.patient,
      amount: money(line.amount),
      category: line.category,
      payer,
      channel: bill.channel,
      department: bill.orgUnit,
      visitId: bill.visitId,
      stayId: bill.stayId,
      currency: 'CNY',
    });
  }
}
