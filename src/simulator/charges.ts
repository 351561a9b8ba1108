/**
 * Revenue lines. A bill's total is split into lines whose categories follow the group's mix;
 * lines are identically distributed in size, so each category's share of revenue equals its
 * weight in expectation, and a drifting department simply carries a heavier drug weight.
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
  readonly lines: number;
  readonly insuranceShare: number;
  readonly patient: string;
  readonly visitId?: string;
  readonly stayId?: string;
  /** Every line in this category (a consultation fee, a prescription) instead of the mix. */
  readonly category?: ChargeCategory;
}

export function money(value: number): number {
  return Math.max(0.01, Math.round(value * 100) / 100);
}

/** The drug weight multiplier in force for a department at a time (1 outside any drift). */
export function drugMultiplier(ctx: SimContext, orgUnit: string, atMs: number): number {
  const drift = ctx.incidents.active('drug_share_drift', orgUnit, atMs);
  return drift ? 1 + (drift.magnitude - 1) * drift.progress : 1;
}

export function emitBill(ctx: SimContext, bill: Bill): void {
  const { rng } = ctx;
  const weights = chargeWeights(drugMultiplier(ctx, bill.orgUnit, bill.atMs));
  const payer = rng.chance(bill.insuranceShare) ? 'insurance' : 'self';
  for (let i = 0; i < bill.lines; i++) {
    const at = bill.atMs + rng.uniform(1, 20) * MINUTE_MS;
    ctx.emit(at, bill.source, {
      type: 'charge',
      orgUnit: bill.orgUnit,
      patient: bill.patient,
      amount: money((bill.total / bill.lines) * rng.logNormal(1, 0.35)),
      category: bill.category ?? CHARGE_CATEGORIES[rng.weightedIndex(weights)] ?? 'other',
      payer,
      channel: bill.channel,
      department: bill.orgUnit,
      visitId: bill.visitId,
      stayId: bill.stayId,
      currency: 'CNY',
    });
  }
}
