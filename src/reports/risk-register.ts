import ExcelJS from 'exceljs';

/** The register as a table: one header row, then one row per risk, every cell a string. */
export interface RiskTable { headers: readonly string[]; rows: ReadonlyArray<readonly string[]> }

/**
 * One CSV field (RFC 4180), quoted when it holds a comma, a quote or a line break. A cell a spreadsheet would read
 * as a formula (=, +, -, @, tab, carriage return first) gets a leading apostrophe: opening the export never runs
 * what someone typed into a risk.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function riskRegisterCsv(table: RiskTable): string {
  return [table.headers, ...table.rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The register on one sheet (frozen header, filters) and the method it was scored with on a second. */
export async function riskRegisterXlsx(table: RiskTable, method: Array<[string, string]>, generatedAt = new Date()): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'tenantproof';
  workbook.created = generatedAt;
  const sheet = workbook.addWorksheet('Risk register', { views: [{ state: 'frozen', ySplit: 1 }] });
  // one style per column rather than per row: exceljs styles every cell a row style touches, which was most of the time
  sheet.columns = table.headers.map((h) => ({ header: h, width: Math.min(60, Math.max(12, h.length + 4)), style: { alignment: { wrapText: true, vertical: 'top' } } }));
  sheet.getRow(1).font = { bold: true };
  // Values are written as string cells, never formulas: "=HYPERLINK(...)" in a title stays text.
  sheet.addRows(table.rows.map((row) => [...row]));
  if (table.rows.length) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.headers.length } };
  const about = workbook.addWorksheet('Method');
  about.columns = [{ width: 32 }, { width: 90 }];
  about.addRows([['Generated', generatedAt.toISOString()], ['Risks', String(table.rows.length)], ...method]);
  about.getColumn(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
