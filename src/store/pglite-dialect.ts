import { isDeferred } from './pg-prepared.js';
import { PGliteStatements } from './pglite-statements.js';
import type { PGliteUpkeep } from './pglite-upkeep.js';
import { types, type PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * Kysely dialect for PGlite. PGlite is one connection, so the driver hands it out to one transaction
 * at a time: a queue, not a pool. Without it two requests would interleave inside each other's BEGIN.
 * Statements go through {@link PGliteStatements}: prepared once per shape, one call into PGlite each.
 */
export class PGliteDialect implements Dialect {
  /** `upkeep` hears of every write and runs its maintenance between transactions (pglite-upkeep.ts). */
  constructor(private readonly pglite: PGlite, private readonly upkeep?: PGliteUpkeep) {}
  createAdapter() { return new PostgresAdapter(); }
  createDriver(): Driver { return new PGliteDriver(this.pglite, this.upkeep); }
  createIntrospector(db: Kysely<any>) { return new PostgresIntrospector(db); }
  createQueryCompiler() { return new PostgresQueryCompiler(); }
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;

  constructor(pglite: PGlite, private readonly upkeep?: PGliteUpkeep) {
    this.#connection = new PGliteConnection(pglite, upkeep);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = null;
    release?.();
    this.upkeep?.afterTransaction();
  }
  async destroy(): Promise<void> {}
}

// A calendar date stays a string (it has no time zone); bigint stays exact; timestamps become ISO strings,
// the same as the PostgreSQL driver's parsers in database.ts.
const PARSERS = {
  [types.DATE]: (v: string) => v,
  [types.INT8]: (v: string) => v,
  [types.TIMESTAMPTZ]: (v: string) => new Date(v).toISOString(),
};

class PGliteConnection implements DatabaseConnection {
  readonly #statements: PGliteStatements;

  constructor(private readonly pglite: PGlite, private readonly upkeep?: PGliteUpkeep) {
    this.#statements = new PGliteStatements(pglite);
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // A transaction's opening (BEGIN; SELECT set_config(...)) is several statements: one call of the simple
    // protocol instead of one query each.
    if (compiled.parameters.length === 0 && isDeferred(compiled.sql)) {
      await this.pglite.exec(compiled.sql);
      return { rows: [] };
    }
    const result = await this.#statements.query<R>(compiled.sql, compiled.parameters, { parsers: PARSERS });
    this.upkeep?.noteStatement(compiled.sql, result.affectedRows);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on PGlite');
  }
}
