import { describe, expect, it } from 'vitest';
import { parseIndicatorDefinition } from '../definition.ts';
import { libraryValue, type LibraryFixture } from '../test-support.ts';
import { LIBRARY, libraryDefinitions, libraryMarkdown } from './index.ts';
import { LIBRARY_SOURCES, sourceLabel } from './sources.ts';
import { ACCESS_FIXTURES, INPATIENT_FIXTURES, MONEY_FIXTURES, PHARMACY_FIXTURES } from './fixtures-clinical.test-data.ts';
import { CALL_CENTER_FIXTURES, EQUIPMENT_FIXTURES, ONLINE_OFFLINE_FIXTURES, QUALITY_COST_FIXTURES, SERVICE_FIXTURES } from './fixtures-operations.test-data.ts';
import { WORK_ORDER_FIXTURES } from './fixtures-workorders.test-data.ts';

const FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  ...ACCESS_FIXTURES,
  ...INPATIENT_FIXTURES,
  ...MONEY_FIXTURES,
  ...PHARMACY_FIXTURES,
  ...SERVICE_FIXTURES,
  ...CALL_CENTER_FIXTURES,
  ...ONLINE_OFFLINE_FIXTURES,
  ...EQUIPMENT_FIXTURES,
  ...QUALITY_COST_FIXTURES,
  ...WORK_ORDER_FIXTURES,
};

describe('the indicator library', () => {
  it.each(LIBRARY.map((d) => [d.code, d] as const))('%s is a valid definition', (_code, input) => {
    const result = parseIndicatorDefinition(input);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('has unique codes, Chinese and English names for every indicator', () => {
    const codes = LIBRARY.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(LIBRARY.every((d) => /[\u4e00-\u9fff]/.test(d.nameZh) && d.nameEn.length > 0)).toBe(true);
  });

  it('documents the official source of every indicator, and of no unknown code', () => {
    expect(Object.keys(LIBRARY_SOURCES).sort()).toEqual(LIBRARY.map((d) => d.code).sort());
    expect(sourceLabel(LIBRARY_SOURCES['appointment_rate'])).toBe('三级公立医院绩效考核 22 门诊患者预约诊疗率');
    expect(sourceLabel(LIBRARY_SOURCES['avg_length_of_stay'])).toBe('卫生健康统计调查制度 出院者平均住院日 = 出院者占用总床日数 / 出院人数');
    // The national numbers the library covers, each once.
    const numbers = Object.values(LIBRARY_SOURCES).flatMap((s) => (s.body === 'tpha' ? [s.number] : []));
    expect(numbers.sort((a, b) => a - b)).toEqual([1, 18, 21, 22, 23, 28, 31, 52, 53]);
  });

  it('has a hand-computed fixture for every indicator, and none for an unknown code', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(LIBRARY.map((d) => d.code).sort());
  });

  it('references only manual indicators the library ships', () => {
    const manual = new Set(libraryDefinitions().filter((d) => d.measure.kind === 'manual').map((d) => d.code));
    for (const d of libraryDefinitions()) {
      const m = d.measure;
      if (m.kind !== 'ratio') continue;
      for (const term of [m.numerator, m.denominator]) if (term.kind === 'manual') expect(manual.has(term.indicator)).toBe(true);
    }
  });

  it.each(libraryDefinitions().map((d) => [d.code, d] as const))('%s computes its fixture', (code, definition) => {
    const fixture = FIXTURES[code];
    if (!fixture) throw new Error(`no fixture for ${code}`);
    const value = libraryValue(definition, fixture);
    if (fixture.approx && fixture.expected !== null) {
      expect(Math.abs((value ?? Number.NaN) - fixture.expected)).toBeLessThanOrEqual(Math.abs(fixture.expected) * 0.01);
    } else if (fixture.expected === null) {
      expect(value).toBeNull();
    } else {
      expect(value).toBeCloseTo(fixture.expected, 9);
    }
  });

  it('renders a Markdown table with one row per indicator', () => {
    const lines = libraryMarkdown().trim().split('\n');
    expect(lines).toHaveLength(LIBRARY.length + 2);
    expect(lines[0]).toBe('| code | 中文名 | English name | unit | direction | formula | official source |');
    expect(lines).toContain('| `appointment_rate` | 门诊患者预约诊疗率 | Appointment rate | % | ↑ higher is better | count(outpatient visit where appointmentId exists) / count(outpatient visit) × 100 | 三级公立医院绩效考核 22 门诊患者预约诊疗率 |');
  });
});
