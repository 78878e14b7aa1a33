import ExcelJS from 'exceljs';
import { SOA_COLUMNS, type SoaDocumentInfo } from './soa-table.js';

const WIDTHS = [9, 48, 15, 12, 50, 13, 60, 24, 24];

/**
 * The SoA as ONE worksheet an auditor recognises: a header row that stays frozen, filters on every column, sized
 * columns with wrapped text. Document properties carry the organization and what the export is of.
 */
export async function renderSoaXlsx(table: readonly string[][], info: SoaDocumentInfo): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tenantproof';
  wb.title = `Statement of Applicability — ${info.organization}`;
  wb.subject = info.subtitle;
  const ws = wb.addWorksheet('Statement of Applicability', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = SOA_COLUMNS.map((header, i) => ({ header, key: `c${i}`, width: WIDTHS[i] }));
  for (const row of table) ws.addRow(row);
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: SOA_COLUMNS.length } };
  for (const key of ['c1', 'c4', 'c6', 'c7']) ws.getColumn(key).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
