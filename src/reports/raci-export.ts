import ExcelJS from 'exceljs';
import { RACI_PARTIES, RACI_PARTY_LABELS, type RaciMatrix } from '../model/raci.js';
import { toCsv } from './ropa-csv.js';

/** The matrix as rows: a header (activity and the three parties), then one row per activity with R/A/C/I or empty. */
export function raciRows(matrix: RaciMatrix): string[][] {
  return [
    ['Activity', ...RACI_PARTIES.map((p) => RACI_PARTY_LABELS[p])],
    ...matrix.activities.map((a) => [a.label, ...RACI_PARTIES.map((p) => a[p] ?? '')]),
  ];
}

/** The RACI matrix of a service as RFC 4180 CSV. */
export function raciCsv(matrix: RaciMatrix): string {
  return toCsv(raciRows(matrix));
}

/** The RACI matrix of a service as an XLSX workbook (one sheet, with the legend below the matrix). */
export async function raciXlsx(matrix: RaciMatrix): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'tenantproof';
  const sheet = workbook.addWorksheet('RACI', { views: [{ state: 'frozen', ySplit: 1 }] });
  const rows = raciRows(matrix);
  sheet.columns = [{ width: 32 }, { width: 14 }, { width: 14 }, { width: 30 }];
  sheet.addRows(rows);
  sheet.getRow(1).font = { bold: true };
  for (let r = 2; r <= rows.length; r++) {
    for (let c = 2; c <= 4; c++) sheet.getCell(r, c).alignment = { horizontal: 'center' };
  }
  sheet.addRow([]);
  sheet.addRow([`Service: ${matrix.service.name}`]);
  sheet.addRow(['R = Responsible (does the work), A = Accountable (exactly one, answers for it), C = Consulted, I = Informed']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
