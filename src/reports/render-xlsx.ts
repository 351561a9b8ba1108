import ExcelJS from 'exceljs';
import type { BulletinDocument } from './bulletin.ts';

/** The tables of a bulletin as an XLSX appendix: one sheet per section with a table, plus a summary of the sentences. */
export async function renderBulletinXlsx(doc: BulletinDocument): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'yunjian';
  const summary = book.addWorksheet(doc.locale === 'zh-CN' ? '摘要' : 'Summary');
  summary.addRow([doc.title]).font = { bold: true, size: 14 };
  summary.addRow([doc.subtitle]);
  for (const s of doc.sections) {
    summary.addRow([]);
    summary.addRow([s.title]).font = { bold: true };
    for (const sentence of s.sentences) summary.addRow([sentence]);
  }
  summary.getColumn(1).width = 120;
  const used = new Set<string>();
  for (const s of doc.sections) {
    if (!s.table) continue;
    // Sheet names: at most 31 characters, unique.
    let name = s.title.slice(0, 28);
    while (used.has(name)) name = `${name.slice(0, 26)}_${String(used.size)}`;
    used.add(name);
    const sheet = book.addWorksheet(name);
    sheet.addRow([...s.table.columns]).font = { bold: true };
    for (const row of s.table.rows) sheet.addRow([...row]);
    sheet.columns.forEach((c) => { c.width = 18; });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
