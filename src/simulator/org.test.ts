import { describe, expect, it } from 'vitest';
import { simulatedBudgets } from './budgets.ts';
import { simulatedGroup } from './org.ts';
import { residentIdNumber } from './patients.ts';

const group = simulatedGroup(1);

describe('simulated group', () => {
  it('is a single tree rooted at the group with unique codes', () => {
    const codes = new Set(group.nodes.map((n) => n.code));
    expect(codes.size).toBe(group.nodes.length);
    expect(group.nodes.filter((n) => n.parentCode === null).map((n) => n.kind)).toEqual(['group']);
    expect(group.nodes.every((n) => n.parentCode === null || codes.has(n.parentCode))).toBe(true);
  });

  it('has three hospitals, online and offline channels and about thirty departments', () => {
    expect(group.nodes.filter((n) => n.kind === 'hospital')).toHaveLength(3);
    expect(new Set(group.nodes.filter((n) => n.kind === 'channel').map((n) => n.channel))).toEqual(new Set(['online', 'offline']));
    const departments = group.nodes.filter((n) => n.kind === 'department');
    expect(departments.length).toBeGreaterThanOrEqual(28);
    expect(departments.length).toBeLessThanOrEqual(36);
    expect(group.nodes.find((n) => n.code === 'H1-OFF-CARD')).toMatchObject({ name: 'Cardiology', nameZh: '心内科', channel: 'offline' });
  });

  it('places every source and every doctor on an existing org unit', () => {
    const codes = new Set(group.nodes.map((n) => n.code));
    expect(group.sources.map((s) => s.code)).toEqual(['H1-HIS', 'H2-HIS', 'H3-HIS', 'IH-PLATFORM', 'CC-SWITCH', 'DLV-APP']);
    expect(group.sources.every((s) => codes.has(s.orgUnit))).toBe(true);
    expect(group.doctors.every((d) => codes.has(d.department))).toBe(true);
    expect(group.doctors.some((d) => !d.registered)).toBe(true);
  });

  it('gives each online department one doctor whose registration for online practice is pending, and no offline one', () => {
    const channelOf = new Map(group.departments.map((d) => [d.code, d.channel]));
    const pending = group.doctors.filter((d) => !d.registered);
    expect(pending.every((d) => channelOf.get(d.department) === 'online')).toBe(true);
    expect(pending.map((d) => d.department).sort()).toEqual(group.departments.filter((d) => d.channel === 'online').map((d) => d.code).sort());
  });

  it('keeps the tree fixed across seeds while staff names vary', () => {
    const other = simulatedGroup(2);
    expect(other.nodes).toEqual(group.nodes);
    expect(other.doctors.map((d) => d.nameZh)).not.toEqual(group.doctors.map((d) => d.nameZh));
  });

  it('budgets a monthly amount per org unit and item, proportional to scale', () => {
    const one = simulatedBudgets(group, 1);
    const half = simulatedBudgets(group, 0.5);
    expect(one.length).toBeGreaterThan(25);
    expect(one.find((b) => b.orgUnit === 'H1' && b.item === 'utilities')?.monthlyAmount).toBeGreaterThan(0);
    expect(half[0]?.monthlyAmount).toBeCloseTo((one[0]?.monthlyAmount ?? 0) / 2, -1);
  });
});

describe('resident identity numbers', () => {
  it.each([
    // Published example of the GB 11643 check character.
    ['110105', Date.UTC(1949, 11, 31), 2, true, '11010519491231002X'],
  ])('builds %s with birth date and a valid check character', (region, birth, seq, female, expected) => {
    expect(residentIdNumber(region, birth, seq, female)).toBe(expected);
  });

  it('encodes sex in the 17th digit', () => {
    expect(Number(residentIdNumber('310101', Date.UTC(1990, 0, 1), 10, true)[16]) % 2).toBe(0);
    expect(Number(residentIdNumber('310101', Date.UTC(1990, 0, 1), 10, false)[16]) % 2).toBe(1);
  });
});
