import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import { MAX_STATEMENTS_PER_CONNECTION, PLAN_EACH_TIME, statementName } from './pg-prepared.js';

const { serialize } = protocol;

/** A statement this session has prepared: its name and the types PostgreSQL gave its parameters. */
interface Prepared { name: string; parameterTypes: number[] }

/** The error PostgreSQL gives when a prepared statement's result columns changed under it (DDL since it was prepared). */
const RESULT_TYPE_CHANGED = '0A000';

/**
 * Statements on PGlite with fewer calls into it and, for those with parameters, no parsing or planning after the
 * first time: the PGlite counterpart of the PostgreSQL pool's named statements (pg-prepared.ts), over PGlite's
 * public wire-protocol call (`execProtocolStream`) and result parser (`parse.parseResults`).
 *
 * `PGlite.query` makes six calls into the database for every statement (Parse, Describe, Bind, Describe,
 * Execute, Sync, each a round through the WebAssembly module) and parses and plans the statement each time; with
 * row-level security, planning the policies is much of a point read's time. Here a statement with parameters is
 * prepared once under a name derived from its text (Parse + Describe + Sync in one call); every execution after
 * that is one call: Bind + Describe + Execute + Sync. A statement without parameters (BEGIN, COMMIT) is one
 * call too, unnamed. Statements marked {@link PLAN_EACH_TIME} are planned with their actual parameters at each
 * execution, as on PostgreSQL (two calls: their parameters' types are needed to send the values).
 *
 * It stays correct for the same reasons as on PostgreSQL: the policies read `app.org_id` / `app.tenant_id` with
 * `current_setting()` at execution, and PostgreSQL re-plans a prepared statement when the role (PGlite switches
 * between the owner and the app role), `row_security` or a policy changes. A statement whose result columns
 * changed since it was prepared (DDL) fails once with PostgreSQL's own error and is prepared again next time.
 * At most `maxStatements` are kept; beyond that the least recently used one is closed, in the same call as the
 * next execution.
 */
export class PGliteStatements {
  /** Prepared statements, text → name and parameter types, least recently used first. */
  readonly #prepared = new Map<string, Prepared>();
  /** Close messages for evicted statements, sent with the next call. */
  #closing: Uint8Array[] = [];
  /** PGlite's parsers with a caller's own, merged once per set of own parsers (see {@link #execute}). */
  #merged: { own: QueryOptions['parsers']; all: Record<number | string, (value: string, typeId?: number) => unknown> } | null = null;

  constructor(private readonly pglite: PGlite, private readonly maxStatements = MAX_STATEMENTS_PER_CONNECTION) {
    if (!Number.isInteger(maxStatements) || maxStatements < 1) throw new Error('maxStatements must be a positive whole number');
  }

  /** How many statements are prepared now (tests and diagnostics). */
  get preparedCount(): number {
    return this.#prepared.size;
  }

  /** Run one statement (not several: the extended protocol takes one) and parse its rows as `PGlite.query` would. */
  async query<R>(text: string, values: readonly unknown[], options: QueryOptions = {}): Promise<Results<R>> {
    if (values.length === 0) {
      // Nothing to bind: parsed, planned and run unnamed, in one call.
      return this.pglite.runExclusive(() => this.#execute<R>([serialize.parse({ name: '', text }), serialize.bind({ statement: '', values: [] })], options));
    }
    if (text.startsWith(PLAN_EACH_TIME)) {
      // Unnamed: parsed and planned with these values, as PGlite's own query does; two calls (the parameters'
      // types, then the run) instead of six.
      return this.pglite.runExclusive(async () => {
        const types = await this.#describe('', text);
        return this.#execute<R>([serialize.bind({ statement: '', values: this.#serialize(values, types) })], options);
      });
    }
    return this.pglite.runExclusive(async () => {
      const statement = await this.#prepare(text);
      try {
        return await this.#execute<R>([serialize.bind({ statement: statement.name, values: this.#serialize(values, statement.parameterTypes) })], options);
      } catch (error) {
        if ((error as { code?: string }).code === RESULT_TYPE_CHANGED) this.#forget(text);
        throw error;
      }
    });
  }

  /** The named statement for `text`, prepared now if this session has not prepared it yet (or closed it). */
  async #prepare(text: string): Promise<Prepared> {
    const known = this.#prepared.get(text);
    if (known) {
      this.#prepared.delete(text); // most recently used goes last
      this.#prepared.set(text, known);
      return known;
    }
    if (this.#prepared.size >= this.maxStatements) this.#forget(this.#prepared.keys().next().value as string);
    const name = statementName(text);
    const statement = { name, parameterTypes: await this.#describe(name, text) };
    this.#prepared.set(text, statement);
    return statement;
  }

  /**
   * Parse `text` as statement `name` ('' = unnamed) and return its parameters' types. A named one is closed first
   * (no error when there is none): a statement this session made but never heard back about would otherwise
   * make every later Parse of its name fail.
   */
  async #describe(name: string, text: string): Promise<number[]> {
    const close = name === '' ? [] : [serialize.close({ type: 'S', name })];
    const messages = await this.#call([...close, serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]);
    return parse.parseDescribeStatementResults(messages);
  }

  /**
   * Bind (given), then describe and run the portal, in one call; rows parsed by PGlite's parser. Given parsers of
   * its own, `parseResults` copies all of PGlite's (some 200, one per type and array type) into a new object on
   * every call, most of a short statement's parsing time: they are merged here once instead.
   */
  async #execute<R>(bind: Uint8Array[], options: QueryOptions): Promise<Results<R>> {
    const messages = await this.#call([...bind, serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
    const { parsers: own, ...rest } = options;
    if (!own) return parse.parseResults(messages, this.pglite.parsers, rest)[0] as Results<R>;
    if (this.#merged?.own !== own) this.#merged = { own, all: { ...this.pglite.parsers, ...own } };
    return parse.parseResults(messages, this.#merged.all, rest)[0] as Results<R>;
  }

  /** Close a prepared statement (with the next call; a Close of an unknown name is no error) and forget it. */
  #forget(text: string): void {
    const statement = this.#prepared.get(text);
    if (!statement) return;
    this.#prepared.delete(text);
    this.#closing.push(serialize.close({ type: 'S', name: statement.name }));
  }

  /** One call into PGlite; pending Close messages go first. Throws the database's error, after the Sync. */
  async #call(parts: Uint8Array[]): Promise<Parameters<typeof parse.parseResults>[0]> {
    const all = [...this.#closing, ...parts];
    this.#closing = [];
    const message = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of all) { message.set(p, offset); offset += p.length; }
    try {
      return await this.pglite.execProtocolStream(message, { syncToFs: false });
    } finally {
      await this.pglite.syncToFs(); // as PGlite's own query does after each statement (a no-op on a directory)
    }
  }

  /** Values as PGlite's query sends them: by the parameter's type, null as SQL NULL. */
  #serialize(values: readonly unknown[], types: number[]): Array<string | null> {
    return values.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = this.pglite.serializers[types[i]!];
      return serializer ? serializer(value) : String(value);
    });
  }
}
