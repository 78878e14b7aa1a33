import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL pool's connection class (src/store/database.ts): fewer round trips and less planning per request,
 * without changing what any statement does.
 *
 * 1. **Named prepared statements.** Kysely sends `client.query(text, values)`; a parameterised query goes as
 *    `{ name, text, values }` instead, the name derived from the text, so each connection parses and plans a
 *    query shape once. With row-level security, planning the policies was most of a point read's database time
 *    (docs/benchmarks.md). It stays correct because the policies read `app.org_id` / `app.tenant_id` with
 *    `current_setting()`, which is evaluated at execution, in the executing transaction; PostgreSQL re-plans a
 *    cached statement when the role, `row_security` or a policy changes. Statements without parameters (BEGIN,
 *    COMMIT, the transaction's context, DDL) stay unnamed, and migrations use a client of their own.
 *    Each connection keeps at most {@link MAX_STATEMENTS_PER_CONNECTION} statements; beyond that the least
 *    recently used one is closed on the server (a protocol Close message, sent with the next statement, which
 *    PostgreSQL accepts in any transaction state and never fails on) so that a hot shape is never crowded out by
 *    one-off shapes (e.g. `IN ($1 … $n)` lists of every length).
 *
 * 2. **The transaction's opening travels with its first statement.** `withContext` hands over its
 *    `BEGIN; SELECT set_config(…, true)` marked with {@link deferToNextStatement}; the client keeps it and writes it
 *    in the same network write as the transaction's first statement (pg's pipeline mode: the second message is
 *    sent without waiting for the first one's answer). PostgreSQL runs them in order, so the statement still
 *    runs inside the transaction with the context set; if the opening fails, the statement fails too ("current
 *    transaction is aborted") and the opening's error is the one reported. A transaction that ends before any
 *    statement sends nothing at all.
 *
 * Pipeline mode changes nothing else here: a pooled connection has one user at a time and Kysely runs that
 * user's statements one after the other, so there is never more than the opening plus one statement in flight.
 */

/** Named statements a connection keeps; beyond this many, the least recently used is closed. */
export const MAX_STATEMENTS_PER_CONNECTION = 256;

/** Marks SQL that the client sends together with the next statement; a plain client would just run it (it is a comment). */
const DEFERRED = '/* tenantproof: sent with the next statement */ ';

/** `text` (no parameters) to be sent in the same network write as the connection's next statement. */
export function deferToNextStatement(text: string): string {
  return DEFERRED + text;
}

/**
 * Marks a statement to be planned at each execution, with its actual parameters (sent unnamed): for a statement
 * whose best plan depends on how large a fast-growing table is now. A named statement's cached generic plan, made
 * while `ledger_entries` was small, joined 5,000 ingested event ids to it by scanning the whole table for each
 * one: 80 s a batch at 300,000 events (bench:ledger).
 */
export const PLAN_EACH_TIME = '/* tenantproof: planned at each execution */ ';

/** Whether `text` was marked by {@link deferToNextStatement} (a client that cannot defer runs it at once). */
export function isDeferred(text: string): boolean {
  return text.startsWith(DEFERRED);
}

const names = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 4096;

/** A statement name that depends only on the SQL text (so every connection uses the same name for a shape). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `tp_${createHash('sha1').update(text).digest('hex').slice(0, 32)}`;
    if (names.size < MAX_REMEMBERED_NAMES) names.set(text, name);
  }
  return name;
}

/** What the pg Connection keeps about statements (pg's own Query class reads and writes these). */
interface PgConnectionInternals {
  parsedStatements?: Record<string, string>;
  close?: (message: { type: 'S'; name: string }) => void;
  stream?: { cork?: () => void; uncork?: () => void };
}

function noRows(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, fields: [], rows: [] };
}

type AnyQuery = (...args: unknown[]) => any;

export class PreparingClient extends pg.Client {
  /** This connection's named statements, name → text, least recently used first. */
  readonly #statements = new Map<string, string>();
  /** An opening (BEGIN + context) waiting for the transaction's first statement. */
  #deferred: string | null = null;

  readonly #maxStatements: number;

  /** `maxPreparedStatements` (default {@link MAX_STATEMENTS_PER_CONNECTION}) bounds this connection's statements. */
  constructor(config?: string | (pg.ClientConfig & { maxPreparedStatements?: number })) {
    const options = typeof config === 'string' ? { connectionString: config } : { ...config };
    const max = options.maxPreparedStatements ?? MAX_STATEMENTS_PER_CONNECTION;
    delete options.maxPreparedStatements;
    super({ ...options, pipeline: true });
    if (!Number.isInteger(max) || max < 1) throw new Error('maxPreparedStatements must be a positive whole number');
    this.#maxStatements = max;
  }

  /** Named statements this connection keeps (tests and diagnostics). */
  get preparedStatementCount(): number {
    return this.#statements.size;
  }

  /** Forget an opening that was never followed by a statement (nothing of it reached the server). */
  discardDeferred(): void {
    this.#deferred = null;
  }

  override query(...args: any[]): any {
    const [text, values, callback] = args;
    // Only Kysely's form, query(text, values), is taken over; anything else is pg's as it is.
    if (typeof text !== 'string' || (values !== undefined && !Array.isArray(values)) || callback !== undefined) {
      return (super.query as AnyQuery)(...args);
    }
    if (text.startsWith(DEFERRED)) {
      if (this.#deferred !== null) return Promise.reject(new Error('a transaction opening is already waiting on this connection'));
      if (values !== undefined && values.length > 0) return Promise.reject(new Error('a deferred statement takes no parameters'));
      this.#deferred = text;
      return Promise.resolve(noRows('BEGIN'));
    }
    const opening = this.#deferred;
    if (opening === null) return this.#send(text, values);
    this.#deferred = null;
    // The transaction ends before any statement ran in it: nothing was sent, so there is nothing to end.
    if (/^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i.test(text)) return Promise.resolve(noRows(text.trim().toUpperCase().replace(/;$/, '')));
    const stream = this.#internals()?.stream;
    stream?.cork?.();
    let first: Promise<unknown>;
    let second: Promise<pg.QueryResult>;
    try {
      first = (super.query as AnyQuery)(opening);
      second = this.#send(text, values);
    } finally {
      stream?.uncork?.();
    }
    // Both answers can arrive in one read, the statement's before `first`'s handler has run: mark `second` as
    // handled now (its result or error is still what the caller gets when the opening succeeded).
    second.catch(() => undefined);
    // If the opening failed, the statement failed too (aborted transaction); the opening's error is the one that
    // matters. It is reported once the statement's answer is in too, so nothing is in flight when the caller goes on.
    return first.then(() => second, async (error: unknown) => { await second.catch(() => undefined); throw error; });
  }

  #internals(): PgConnectionInternals | undefined {
    return (this as unknown as { connection?: PgConnectionInternals }).connection;
  }

  /** Send one statement: named when it has parameters, closing this connection's least recently used one if full. */
  #send(text: string, values: unknown[] | undefined): Promise<pg.QueryResult> {
    if (!values || values.length === 0 || text.startsWith(PLAN_EACH_TIME)) return (super.query as AnyQuery)(text, values);
    const name = statementName(text);
    const statements = this.#statements;
    if (statements.has(name)) {
      statements.delete(name);
    } else if (statements.size >= this.#maxStatements) {
      const internals = this.#internals();
      const parsed = internals?.parsedStatements;
      // Without pg's statement bookkeeping there is no safe way to free a name: run this one unnamed.
      if (!parsed || typeof internals?.close !== 'function') return (super.query as AnyQuery)(text, values);
      const oldest = statements.keys().next().value as string;
      statements.delete(oldest);
      if (parsed[oldest] !== undefined) {
        // Close, then this statement's Parse/Bind/Execute/Sync: one write, processed in order by the server.
        delete parsed[oldest];
        statements.set(name, text);
        internals.stream?.cork?.();
        try {
          internals.close({ type: 'S', name: oldest });
          return (super.query as AnyQuery)({ name, text, values });
        } finally {
          internals.stream?.uncork?.();
        }
      }
    }
    statements.set(name, text);
    return (super.query as AnyQuery)({ name, text, values });
  }
}
