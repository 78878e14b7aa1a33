import ExcelJS from 'exceljs';
import type { RopaRecord } from '../model/ropa.js';

function sheetName(kind: RopaRecord['kind']): string {
  return kind === 'controller' ? 'Art. 30(1) controller' : 'Art. 30(2) processor';
}

/**
 * A record of processing as an XLSX workbook: the record on its first sheet (header row of the Art. 30 column
 * names, frozen, one row per entry) and an "About" sheet saying what it is, for whom and when it was made.
 */
export async function ropaXlsx(record: RopaRecord, generatedAt: Date = new Date()): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'tenantproof';
  workbook.created = generatedAt;
  const sheet = workbook.addWorksheet(sheetName(record.kind), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = record.columns.map((c) => ({ header: c.header, key: c.id, width: c.articleRef ? 40 : 24 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  // Every value is written as a string cell, never as a formula: "=HYPERLINK(...)" typed into a record stays text.
  for (const row of record.rows) sheet.addRow(row).alignment = { wrapText: true, vertical: 'top' };
  if (record.rows.length) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: record.columns.length } };
  const about = workbook.addWorksheet('About');
  about.columns = [{ width: 28 }, { width: 100 }];
  about.addRows([
    ['Record', record.title],
    ['Generated', generatedAt.toISOString()],
    ['Entries', String(record.rows.length)],
    ['Kept under', record.kind === 'controller' ? 'GDPR Art. 30(1); to be made available to the supervisory authority on request (Art. 30(4))' : 'GDPR Art. 30(2); to be made available to the supervisory authority on request (Art. 30(4))'],
  ]);
  about.getColumn(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
