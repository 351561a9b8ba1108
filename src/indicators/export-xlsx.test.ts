import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { toXlsx } from './export-xlsx.ts';
import type { ExportTable } from './export.ts';

const data: ExportTable = {
  name: '序列',
  columns: [{ header: '组织', kind: 'text', width: 18 }, { header: '值', kind: 'number', width: 10 }, { header: '环比', kind: 'ratio', width: 10 }],
  rows: [['心内科', 12.5, -0.25], ['=1+1', null, null]],
};
const about: ExportTable = { name: '说明', columns: [{ header: '项目', kind: 'text', width: 10 }, { header: '内容', kind: 'text', width: 40 }], rows: [['指标编码', 'x']] };

async function read(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

describe('toXlsx', () => {
  it('writes one worksheet per table with a bold frozen header, numbers as numbers and ratios as percentages', async () => {
    const workbook = await read(await toXlsx([data, about], { creator: 'yunjian', created: new Date('2026-11-23T00:00:00Z') }));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['序列', '说明']);
    const sheet = workbook.getWorksheet('序列')!;
    expect(sheet.getRow(1).values).toEqual([undefined, '组织', '值', '环比']);
    expect(sheet.getRow(1).font.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getCell('A2').value).toBe('心内科');
    expect(sheet.getCell('B2').value).toBe(12.5);
    expect(sheet.getCell('C2').value).toBe(-0.25);
    expect(sheet.getCell('C2').numFmt).toBe('0.00%');
    expect(sheet.getColumn(1).width).toBe(18);
  });

  it('keeps formula-like text as a string and leaves missing values empty', async () => {
    const sheet = (await read(await toXlsx([data], { creator: 'yunjian', created: new Date() }))).worksheets[0]!;
    expect(sheet.getCell('A3').value).toBe('=1+1');
    expect(sheet.getCell('A3').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('B3').value).toBeNull();
  });
});
