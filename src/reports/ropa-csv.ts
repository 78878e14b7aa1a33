import type { RopaRecord } from '../model/ropa.js';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. A cell that a
 * spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
 * apostrophe, so that opening an export never runs what someone typed into a record.
 */
export function csvCell(value: string | null | undefined): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as RFC 4180 CSV: CRLF line ends, the first row is the header. */
export function toCsv(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A record of processing as CSV: one header row of the Art. 30 column names, one row per entry. */
export function ropaCsv(record: RopaRecord): string {
  return toCsv([record.columns.map((c) => c.header), ...record.rows]);
}
