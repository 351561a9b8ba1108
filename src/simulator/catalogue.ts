/**
 * Reference data the generator draws from: drugs with their regulatory flags, charge categories
 * with the group's revenue mix, devices and quality-event categories.
 */
import type { Random } from './random.ts';

export interface Drug {
  readonly drug: string;
  readonly essential: boolean;
  readonly antibiotic: boolean;
  readonly controlled: boolean;
  readonly centralProcurement: boolean;
  readonly price: number;
}

const d = (drug: string, price: number, flags: string): Drug => ({
  drug,
  price,
  essential: flags.includes('e'),
  antibiotic: flags.includes('a'),
  controlled: flags.includes('c'),
  centralProcurement: flags.includes('p'),
});

/** Ordinary drugs; controlled ones are kept apart so their (rare) use online is deliberate. */
export const DRUGS: readonly Drug[] = [
  d('阿托伐他汀钙片', 28.5, 'ep'),
  d('苯磺酸氨氯地平片', 18.2, 'ep'),
  d('盐酸二甲双胍片', 12.6, 'ep'),
  d('阿莫西林胶囊', 9.8, 'eap'),
  d('头孢呋辛酯片', 24.0, 'ap'),
  d('左氧氟沙星片', 19.5, 'eap'),
  d('奥美拉唑肠溶胶囊', 15.3, 'ep'),
  d('布洛芬缓释胶囊', 11.4, 'e'),
  d('硫酸氢氯吡格雷片', 46.8, 'p'),
  d('甘精胰岛素注射液', 168.0, 'e'),
  d('沙美特罗替卡松吸入粉雾剂', 132.0, ''),
  d('孟鲁司特钠片', 38.6, 'p'),
  d('地氯雷他定片', 26.4, ''),
  d('阿昔洛韦乳膏', 8.9, 'e'),
  d('连花清瘟胶囊', 22.0, ''),
  d('蒙脱石散', 14.5, 'e'),
  d('缬沙坦胶囊', 31.2, 'ep'),
  d('阿卡波糖片', 42.0, 'p'),
];

export const CONTROLLED_DRUGS: readonly Drug[] = [d('盐酸曲马多缓释片', 35.0, 'c'), d('地西泮片', 6.5, 'ec')];

export function pickItems(rng: Random, controlledChance: number): readonly Drug[] {
  const count = 1 + rng.poisson(0.8);
  const items: Drug[] = [];
  for (let i = 0; i < Math.min(count, 5); i++) items.push(rng.pick(DRUGS));
  if (rng.chance(controlledChance)) items.push(rng.pick(CONTROLLED_DRUGS));
  return items;
}

export const CHARGE_CATEGORIES = ['drug', 'consumable', 'exam', 'lab', 'service', 'other'] as const;
export type ChargeCategory = (typeof CHARGE_CATEGORIES)[number];

/** Share of revenue by category (drug ~30 %, consumable ~10 %, exam ~15 %, lab ~12 %, service ~28 %, other ~5 %). */
export const CHARGE_MIX: Readonly<Record<ChargeCategory, number>> = {
  drug: 0.3,
  consumable: 0.1,
  exam: 0.15,
  lab: 0.12,
  service: 0.28,
  other: 0.05,
};

/** Category weights with the drug weight multiplied (a drifting department). */
export function chargeWeights(drugMultiplier: number): readonly number[] {
  return CHARGE_CATEGORIES.map((c) => (c === 'drug' ? CHARGE_MIX[c] * drugMultiplier : CHARGE_MIX[c]));
}

export interface Device {
  readonly deviceId: string;
  readonly department: string;
}

const DEVICE_KINDS: readonly (readonly [string, string])[] = [
  ['CT', 'CARD'],
  ['MRI', 'NEUR'],
  ['DR', 'ORTH'],
  ['US', 'OBGY'],
  ['VENT', 'RESP'],
  ['ENDO', 'GAST'],
  ['ECG', 'CARD'],
  ['DENT', 'STOM'],
  ['REHAB', 'REHA'],
  ['DR', 'GP'],
  ['US', 'GERI'],
  ['VENT', 'EMER'],
];

/** Devices of a hospital: each kind placed in a department the hospital actually has. */
export function devicesOf(hospital: string, offlineSuffixes: readonly string[]): readonly Device[] {
  const out: Device[] = [];
  for (const [kind, suffix] of DEVICE_KINDS) {
    if (!offlineSuffixes.includes(suffix)) continue;
    for (let i = 1; i <= 2; i++) out.push({ deviceId: `${hospital}-${kind}-${suffix}-${i}`, department: `${hospital}-OFF-${suffix}` });
  }
  return out;
}

export type CostType = 'prevention' | 'appraisal' | 'internal_failure' | 'external_failure';

export const QUALITY_CATEGORIES: readonly { readonly category: string; readonly costType: CostType; readonly cost: number; readonly weight: number }[] = [
  { category: 'staff_training', costType: 'prevention', cost: 3000, weight: 2 },
  { category: 'safety_inspection', costType: 'appraisal', cost: 1500, weight: 2 },
  { category: 'medication_error', costType: 'internal_failure', cost: 800, weight: 3 },
  { category: 'patient_fall', costType: 'internal_failure', cost: 2500, weight: 2 },
  { category: 'pressure_injury', costType: 'internal_failure', cost: 4000, weight: 1 },
  { category: 'hospital_infection', costType: 'internal_failure', cost: 12000, weight: 1 },
  { category: 'compensation_claim', costType: 'external_failure', cost: 30000, weight: 0.5 },
];

/** A type alias rather than an interface so it stays assignable to JSON values. */
export type PrescriptionLine = {
  readonly drug: string;
  readonly essential: boolean;
  readonly antibiotic: boolean;
  readonly controlled: boolean;
  readonly centralProcurement: boolean;
  readonly amount: number;
};

/** Prescription items with quantities priced, and the prescription total. */
export function prescriptionLines(rng: Random, drugs: readonly Drug[]): { readonly items: readonly PrescriptionLine[]; readonly amount: number } {
  const items = drugs.map(({ price, ...flags }) => ({ ...flags, amount: Math.round(price * rng.int(1, 3) * 100) / 100 }));
  return { items, amount: Math.round(items.reduce((sum, i) => sum + i.amount, 0) * 100) / 100 };
}
