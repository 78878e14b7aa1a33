import { SOA_COLUMNS } from './soa-table.js';

/**
 * A cell as RFC 4180 wants it, made safe for spreadsheets: a value starting with = + - @ (or a tab or carriage
 * return, which some spreadsheets skip before reading a formula) is prefixed with ' so it is never run as a formula.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The SoA table as CSV (RFC 4180: CRLF line ends, a header line, quoted fields where needed). */
export function renderSoaCsv(table: readonly string[][]): string {
  return [SOA_COLUMNS as readonly string[], ...table].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
