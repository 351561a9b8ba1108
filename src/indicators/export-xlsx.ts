import ExcelJS from 'exceljs';
import type { ExportTable } from './export.ts';

/**
 * Export tables as one XLSX workbook, one worksheet per table: a bold, frozen header row with an
 * auto-filter, column widths, numbers as numbers and ratios as numbers formatted as percentages
 * (so a reader can compute with them). Strings are written as strings, never as formulas.
 */
export async function toXlsx(tables: readonly ExportTable[], meta: { creator: string; created: Date }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = meta.creator;
  workbook.created = meta.created;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({ header: c.header, width: c.width, ...(c.kind === 'ratio' ? { style: { numFmt: '0.00%' } } : {}) }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) sheet.addRow(table.columns.map((_, i) => row[i] ?? null));
    if (table.rows.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
