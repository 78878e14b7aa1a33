/**
 * Calendar dates as the model writes them (YYYY-MM-DD), compared in UTC. The analyses take "today" as an
 * argument and never read the clock, so a finding about an overdue review is reproducible.
 */
const DAY = /^(\d{4})-(\d{2})-(\d{2})/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a date (or the date part of an RFC 3339 timestamp); NaN when it is not a real date. */
export function dayNumber(date: string): number {
  const m = DAY.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return ms / MS_PER_DAY;
}

/** The date `months` calendar months after `date`; the 31st of a shorter month becomes its last day. */
export function addMonths(date: string, months: number): string {
  const m = DAY.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1 + months;
  const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, mo, Math.min(Number(m[3]), lastDay))).toISOString().slice(0, 10);
}

/** Throws when `date` is not a YYYY-MM-DD calendar date; returns it otherwise. */
export function requireDay(date: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(dayNumber(date))) throw new RangeError(`${what} must be a date (YYYY-MM-DD), not "${date}"`);
  return date;
}
