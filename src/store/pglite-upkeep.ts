/**
 * Autovacuum for the embedded database. PostgreSQL's autovacuum daemon keeps every table's statistics fresh
 * and removes dead rows; PGlite runs no background processes, so without this its planner keeps the
 * statistics of an empty table forever. That is not harmless: with them, the duplicate lookup of event
 * ingestion probed an index on the organization alone, once per event, and a 5,000-event batch took 49 s at
 * 15,000 ledger entries (bench:ledger).
 *
 * So the PGlite driver reports every write statement here, with the rows it changed; when a table passes the
 * thresholds below, it is analyzed (or vacuumed and analyzed) between transactions, as the owner. Writes the
 * statement text does not name plainly (a data-modifying WITH) are not counted; the next counted write to the
 * same table catches up.
 */

/**
 * PostgreSQL's autovacuum defaults (`autovacuum_vacuum_threshold` 50, `autovacuum_vacuum_scale_factor` 0.2),
 * except that a table is analyzed again when its changes reach its size (scale 1, where PostgreSQL's default is
 * 0.1): PGlite's ANALYZE runs in the server's only thread, about 0.5 s for a ledger of 250,000 entries, and
 * analyzing every 10% of growth cost a sixth of ingestion time (bench:ledger). The planner scales row counts by
 * a table's current size on its own; what it needs ANALYZE for is the shape of the data, which a table of
 * events keeps as it grows.
 */
const THRESHOLD = 50;
const ANALYZE_SCALE = 1;
const VACUUM_SCALE = 0.2;

/** The table an INSERT, UPDATE or DELETE names, after any leading comments; null for any other statement. */
export function writtenTable(sqlText: string): { table: string; kind: 'insert' | 'update' | 'delete' } | null {
  const m = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(insert\s+into|update|delete\s+from)\s+(?:"?public"?\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?/i.exec(sqlText);
  if (!m) return null;
  const verb = m[1]!.toLowerCase();
  return { table: m[2]!.toLowerCase(), kind: verb.startsWith('insert') ? 'insert' : verb === 'update' ? 'update' : 'delete' };
}

interface TableCounts {
  /** Rows inserted, updated or deleted since the table was last analyzed. */
  changed: number;
  /** Rows updated or deleted since it was last vacuumed: each leaves a dead row version. */
  dead: number;
  /** Its row count when it was last analyzed (0 until then). */
  rows: number;
}

export interface UpkeepWork { analyze: string[]; vacuum: string[] }

/**
 * Runs the owner's maintenance statements and returns each named table's row count afterwards
 * (pg_class.reltuples).
 */
export type UpkeepRunner = (work: UpkeepWork) => Promise<Map<string, number>>;

export class PGliteUpkeep {
  readonly #tables = new Map<string, TableCounts>();
  readonly #run: UpkeepRunner;
  #running: Promise<void> | null = null;
  /**
   * The last maintenance error, kept for tests. The failed round's tables are forgotten, so they are maintained
   * again once their new writes pass the thresholds.
   */
  lastError: unknown = null;
  /** How many maintenance rounds ran (for tests). */
  rounds = 0;

  constructor(run: UpkeepRunner) {
    this.#run = run;
  }

  /** A statement finished: count the rows it changed, if it is a write. */
  noteStatement(sqlText: string, affectedRows: number | undefined): void {
    if (!affectedRows) return;
    const written = writtenTable(sqlText);
    if (!written) return;
    const t = this.#counts(written.table);
    t.changed += affectedRows;
    if (written.kind !== 'insert') t.dead += affectedRows;
  }

  /** The tables past their thresholds now. */
  due(): UpkeepWork {
    const work: UpkeepWork = { analyze: [], vacuum: [] };
    for (const [table, t] of this.#tables) {
      if (t.dead > THRESHOLD + VACUUM_SCALE * t.rows) work.vacuum.push(table);
      else if (t.changed > THRESHOLD + ANALYZE_SCALE * t.rows) work.analyze.push(table);
    }
    return work;
  }

  /**
   * Between transactions: start a maintenance round if any table is due and none is running. It runs through
   * the driver's queue like any transaction, so it never interleaves with one.
   */
  afterTransaction(): void {
    if (this.#running) return;
    const work = this.due();
    if (work.analyze.length === 0 && work.vacuum.length === 0) return;
    this.#running = this.#round(work).finally(() => { this.#running = null; });
  }

  /** Wait for a running maintenance round (before closing the database). */
  async idle(): Promise<void> {
    await this.#running;
  }

  async #round(work: UpkeepWork): Promise<void> {
    // Counted from now on: writes that commit while the round runs count towards the next one.
    const before = new Map([...work.analyze, ...work.vacuum].map((table) => [table, { ...this.#counts(table) }]));
    try {
      const rows = await this.#run(work);
      for (const [table, was] of before) {
        const t = this.#counts(table);
        t.changed = Math.max(0, t.changed - was.changed);
        if (work.vacuum.includes(table)) t.dead = Math.max(0, t.dead - was.dead);
        t.rows = rows.get(table) ?? t.rows;
      }
      this.rounds++;
      this.lastError = null;
    } catch (error) {
      // A table dropped meanwhile, or the database closing: forget the counts rather than retry forever.
      this.lastError = error;
      for (const table of before.keys()) this.#tables.delete(table);
    }
  }

  #counts(table: string): TableCounts {
    let t = this.#tables.get(table);
    if (!t) { t = { changed: 0, dead: 0, rows: 0 }; this.#tables.set(table, t); }
    return t;
  }
}
