import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from '../pseudonymise.ts';
import { createEventRegistry } from '../registry.ts';
import { validateEvent } from '../validate.ts';
import { compileColumnMapping, rowPath, type ColumnMapping } from './tabular-mapping.ts';
import { parseCsv, parseXlsx, type TabularRecord } from './tabular.ts';

const registry = createEventRegistry();
const pseudonymise = createPseudonymiser(new TextEncoder().encode('tabular-test-key-012345'));

function mappingOf(json: unknown): ColumnMapping {
  const compiled = compileColumnMapping(json);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return compiled.mapping;
}

const chargeMapping = mappingOf({
  columns: { 收费单号: 'id', 科室: 'orgUnit', 收费时间: 'occurredAt', 病案号: 'patient', 金额: 'attributes.amount', 类别: 'attributes.category', 医保: 'attributes.payer' },
  constants: { type: 'charge' },
  timeZone: 'Asia/Shanghai',
});

async function collect(records: AsyncIterable<TabularRecord>): Promise<TabularRecord[]> {
  const out: TabularRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe('column mappings', () => {
  it.each([
    ['no columns', { columns: {} }, '/columns'],
    ['a bad field path', { columns: { a: 'attributes..x' }, constants: { id: 'x', type: 'charge', orgUnit: 'H', occurredAt: 'x' } }, '/columns/a'],
    ['a missing id', { columns: { a: 'orgUnit', b: 'occurredAt' }, constants: { type: 'charge' } }, '/columns'],
    ['an unknown time zone', { columns: { a: 'id', b: 'orgUnit', c: 'occurredAt' }, constants: { type: 'charge' }, timeZone: 'Mars/Olympus' }, '/timeZone'],
    ['an unknown key', { columns: { a: 'id', b: 'orgUnit', c: 'occurredAt' }, constants: { type: 'charge' }, sheet: 2 }, '/sheet'],
  ])('rejects %s', (_name, json, path) => {
    const compiled = compileColumnMapping(json);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.errors.map((e) => e.path)).toContain(path);
  });

  it('defaults the time zone to Asia/Shanghai', () => {
    expect(mappingOf({ columns: { a: 'id', b: 'orgUnit', c: 'occurredAt' }, constants: { type: 'x' } }).timeZone).toBe('Asia/Shanghai');
  });
});

describe('parseCsv', () => {
  it('maps Chinese headers, converts cells to schema types and reads local times in the mapping zone', async () => {
    const csv = '\uFEFF收费单号,科室,收费时间,病案号,金额,类别,医保,备注\nC1,H1.OPD,2026-01-05 08:30,MRN-1,"1,234.50",drug,insurance,x\n\nC2,H1.OPD,2026/1/6 9:00,,¥20,lab,,\n';
    const records = await collect(parseCsv([csv.slice(0, 17), csv.slice(17)], chargeMapping, registry));
    expect(records).toEqual([
      { index: 0, row: 2, value: { id: 'C1', type: 'charge', orgUnit: 'H1.OPD', occurredAt: '2026-01-05T08:30:00+08:00', patient: 'MRN-1', attributes: { amount: 1234.5, category: 'drug', payer: 'insurance' } } },
      { index: 1, row: 4, value: { id: 'C2', type: 'charge', orgUnit: 'H1.OPD', occurredAt: '2026-01-06T09:00:00+08:00', attributes: { amount: 20, category: 'lab' } } },
    ]);
    const first = records[0];
    const validated = first && 'value' in first ? validateEvent(first.value, registry, { pseudonymise }) : undefined;
    expect(validated).toMatchObject({ ok: true, event: { occurredAt: '2026-01-05T00:30:00.000Z', patient: pseudonymise('MRN-1') } });
  });

  it('names the row and column of a cell that cannot be converted, and of a later validation error', async () => {
    const csv = '收费单号,科室,收费时间,病案号,金额,类别,医保\nC1,H1,2026-01-05 08:30,,十元,drug,\nC2,H1,昨天,,5,drug,\nC3,H1,2026-01-05 08:30,,5,food,\n';
    const records = await collect(parseCsv([csv], chargeMapping, registry));
    expect(records[0]).toMatchObject({ row: 2, error: { code: 'INGEST_INVALID_TYPE', path: 'row 2, column 金额' } });
    expect(records[1]).toMatchObject({ row: 3, error: { code: 'INGEST_INVALID_DATE', path: 'row 3, column 收费时间' } });
    const third = records[2];
    const result = third && 'value' in third ? validateEvent(third.value, registry, { pseudonymise }) : undefined;
    expect(result && !result.ok ? rowPath(chargeMapping, third?.row ?? 0, result.path) : '').toBe('row 4, column 类别');
  });

  it('fails the batch when a mapped column is missing from the header', async () => {
    const records = await collect(parseCsv(['收费单号,科室\nC1,H1\n'], chargeMapping, registry));
    expect(records).toEqual([{ index: 0, row: 1, error: expect.objectContaining({ code: 'INGEST_MAPPING_COLUMN_MISSING', fatal: true }) as unknown }]);
    expect(records[0] && 'error' in records[0] ? records[0].error.message : '').toContain('收费时间');
  });

  it('fails the batch on a broken quote', async () => {
    const records = await collect(parseCsv(['收费单号,科室,收费时间,病案号,金额,类别,医保\nC1,"H1,2026-01-05 08:30,,5,drug,\n'], chargeMapping, registry));
    expect(records.at(-1)).toMatchObject({ error: { code: 'INGEST_MALFORMED_CSV', fatal: true } });
  });
});

describe('parseXlsx', () => {
  async function workbookBytes(rows: readonly (readonly unknown[])[]): Promise<Uint8Array> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('收费');
    for (const r of rows) sheet.addRow([...r]);
    return new Uint8Array(await workbook.xlsx.writeBuffer());
  }

  it('reads typed cells from an in-memory workbook: numbers, booleans and wall-clock dates', async () => {
    const mapping = mappingOf({
      columns: { 处方号: 'id', 科室: 'orgUnit', 开方时间: 'occurredAt', 药品: 'attributes.items.0.drug', 基药: 'attributes.items.0.essential', 金额: 'attributes.amount', 处方编号: 'attributes.rxId' },
      constants: { type: 'prescription' },
      timeZone: 'Asia/Shanghai',
    });
    const bytes = await workbookBytes([
      ['处方号', '科室', '开方时间', '药品', '基药', '金额', '处方编号'],
      ['RX1', 'H1.PHARM', new Date(Date.UTC(2026, 0, 5, 8, 30)), '阿莫西林', '是', 36.8, 'RX1'],
      ['RX2', 'H1.PHARM', '2026-01-05 09:00', '头孢', '否', 'abc', 'RX2'],
    ]);
    const chunks = [bytes.slice(0, 1000), bytes.slice(1000)];
    const records = await collect(parseXlsx(chunks, mapping, registry));
    expect(records[0]).toEqual({
      index: 0,
      row: 2,
      value: { id: 'RX1', type: 'prescription', orgUnit: 'H1.PHARM', occurredAt: '2026-01-05T08:30:00+08:00', attributes: { items: [{ drug: '阿莫西林', essential: true }], amount: 36.8, rxId: 'RX1' } },
    });
    expect(records[1]).toMatchObject({ row: 3, error: { code: 'INGEST_INVALID_TYPE', path: 'row 3, column 金额' } });
    const first = records[0];
    expect(first && 'value' in first ? validateEvent(first.value, registry, { pseudonymise }).ok : false).toBe(true);
  });

  it('fails the batch for bytes that are not a workbook', async () => {
    const records = await collect(parseXlsx([new TextEncoder().encode('not a zip at all')], chargeMapping, registry));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ error: { fatal: true } });
  });
});
