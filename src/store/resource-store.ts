import { CompiledQuery, sql, type Transaction } from 'kysely';
import { AppError } from '../api/errors.js';
import { columnOf, type ResourceDefinition } from '../model/resource.js';

/** A list request after validation. */
export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  sort?: string | undefined;
  order?: 'asc' | 'desc' | undefined;
  /** Case-insensitive substring over the resource's searchable fields. */
  q?: string | undefined;
  filters: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
  /** Objects matching the filters, over all pages. */
  total: number;
}

type Row = Record<string, unknown>;
type Trx = Transaction<any>;

const linkFields = (def: ResourceDefinition) => new Set(def.links.map((l) => l.field));

/**
 * Per resource definition, computed once: definitions are fixed at start-up, and these were recomputed for every
 * row read (a regex per field), a measurable share of a list's CPU.
 */
function once<T>(make: (def: ResourceDefinition) => T): (def: ResourceDefinition) => T {
  const cache = new WeakMap<ResourceDefinition, T>();
  return (def) => {
    let value = cache.get(def);
    if (value === undefined) { value = make(def); cache.set(def, value); }
    return value;
  };
}

const scalarColumnsOf = once((def): ReadonlyArray<readonly [string, string]> => {
  const links = linkFields(def);
  return Object.freeze(Object.keys(def.input.properties).filter((f) => !links.has(f)).map((f) => Object.freeze([f, columnOf(f)] as const)));
});

/** Columns served but never written by create or patch (`readOnly`), as [property, column]. */
const readOnlyColumnsOf = once((def): ReadonlyArray<readonly [string, string]> =>
  Object.freeze((def.readOnly ?? []).map((f) => Object.freeze([f, columnOf(f)] as const))));

/** The columns a resource stores in its own table, as [property, column]. */
export function scalarColumns(def: ResourceDefinition): Array<[string, string]> {
  return scalarColumnsOf(def).map(([f, c]) => [f, c]);
}

function toRow(def: ResourceDefinition, input: Row): Row {
  const row: Row = {};
  for (const [field, column] of scalarColumnsOf(def)) {
    if (!(field in input)) continue;
    const value = input[field];
    row[column] = def.jsonFields.includes(field) ? JSON.stringify(value ?? []) : value;
  }
  return row;
}

/**
 * The columns of a resource plus each link list as an array subquery, so that one round trip reads an
 * object with all its links (the join tables are keyed by org, and RLS applies inside the subquery too).
 */
const selectColumns = once((def) => {
  const links = def.links.map((link) =>
    sql<string[]>`(SELECT coalesce(array_agg(l.${sql.ref(link.targetColumn)} ORDER BY l.${sql.ref(link.targetColumn)}), '{}') FROM ${sql.table(link.table)} l WHERE l.org_id = ${sql.ref(`${def.table}.org_id`)} AND l.${sql.ref(link.ownColumn)} = ${sql.ref(`${def.table}.id`)})`.as(columnOf(link.field)),
  );
  return Object.freeze([...['id', ...scalarColumnsOf(def).map(([, c]) => c), ...readOnlyColumnsOf(def).map(([, c]) => c), 'created_at', 'updated_at'].map((c) => `${def.table}.${c}`), ...links]) as any[];
});

/** Each link list as [property, column of its array subquery]. */
const linkColumnsOf = once((def) => Object.freeze(def.links.map((link) => Object.freeze([link.field, columnOf(link.field)] as const))));

function fromRow(def: ResourceDefinition, row: Row): Row {
  const out: Row = { id: row.id };
  for (const [field, column] of scalarColumnsOf(def)) out[field] = row[column];
  for (const [field, column] of readOnlyColumnsOf(def)) out[field] = row[column];
  for (const [field, column] of linkColumnsOf(def)) out[field] = (row[column] as string[] | null) ?? [];
  out.createdAt = row.created_at;
  out.updatedAt = row.updated_at;
  return def.present ? def.present(out) : out;
}

/**
 * A cursor names the sort it was made for, the last row's sort value as the database prints it (full precision:
 * a JSON date would cut microseconds and repeat rows; null stays null) and the last row's id.
 */
function encodeCursor(sort: string, order: string, value: string | null, id: string): string {
  return Buffer.from(JSON.stringify([sort, order, value, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: string, order: string): [string | null, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 4 && parsed[0] === sort && parsed[1] === order
      && (parsed[2] === null || typeof parsed[2] === 'string')
      && typeof parsed[3] === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed[3])) {
      return [parsed[2], parsed[3]];
    }
  } catch { /* fall through */ }
  throw new AppError('invalid_cursor', undefined, 'cursor');
}

/** Rows after the cursor in (column, id) order; PostgreSQL sorts NULLs last ascending and first descending. */
function afterCursor(column: string, order: 'asc' | 'desc', value: string | null, id: string) {
  const col = sql.ref(column);
  if (order === 'asc') {
    return value === null
      ? sql`(${col} IS NULL AND id > ${id}::uuid)`
      : sql`((${col}, id) > (${value}, ${id}::uuid) OR ${col} IS NULL)`;
  }
  return value === null
    ? sql`(${col} IS NOT NULL OR id < ${id}::uuid)`
    : sql`(${col}, id) < (${value}, ${id}::uuid)`;
}

function applyFilters(def: ResourceDefinition, query: ListQuery, builder: any): any {
  let qb = builder;
  for (const [name, value] of Object.entries(query.filters)) {
    if (value === undefined) continue;
    const spec = def.filters[name];
    if (!spec) continue;
    if (spec.mode === 'equals') qb = qb.where(columnOf(spec.field), '=', value);
    else if (spec.mode === 'contains') qb = qb.where(sql`${value} = ANY(${sql.ref(columnOf(spec.field))})`);
    else {
      const link = def.links.find((l) => l.field === spec.field)!;
      qb = qb.where('id', 'in', (eb: any) => eb.selectFrom(link.table).select(link.ownColumn).where(link.targetColumn, '=', value));
    }
  }
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    qb = qb.where((eb: any) => eb.or(def.searchable.map((f) => eb(sql`coalesce(${sql.ref(columnOf(f))}, '')`, 'ilike', pattern))));
  }
  return qb;
}

/** One page of a resource, sorted with a stable tie-break on id and keyset pagination. */
export async function listResources(trx: Trx, def: ResourceDefinition, query: ListQuery): Promise<Page<Row>> {
  const sortField = query.sort ?? 'slug';
  if (!def.sortable.includes(sortField)) throw new AppError('validation_failed', `cannot sort by ${sortField}`, 'sort');
  const sortColumn = columnOf(sortField);
  const order = query.order ?? 'asc';
  let qb = applyFilters(def, query, trx.selectFrom(def.table).select(selectColumns(def)).select(sql<string | null>`${sql.ref(sortColumn)}::text`.as('cursor_value')));
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, sortField, order);
    qb = qb.where(afterCursor(sortColumn, order, value, id));
  }
  let rows: Row[];
  try {
    rows = await qb.orderBy(sortColumn, order).orderBy('id', order).limit(query.limit + 1).execute();
  } catch (error) {
    // A data exception here means the cursor's value does not fit the sort column: the cursor was edited.
    if (query.cursor && String((error as { code?: unknown }).code ?? '').startsWith('22')) throw new AppError('invalid_cursor', undefined, 'cursor');
    throw error;
  }
  const countRow = await applyFilters(def, query, trx.selectFrom(def.table).select(sql<string>`count(*)`.as('n'))).executeTakeFirst();
  const more = rows.length > query.limit;
  const pageRows = more ? rows.slice(0, query.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map((r) => fromRow(def, r)),
    nextCursor: more && last ? encodeCursor(sortField, order, last.cursor_value as string | null, last.id as string) : null,
    total: Number(countRow?.n ?? 0),
  };
}

/** Every object of a resource (bundles and analyses), sorted by slug. */
export async function allResources(trx: Trx, def: ResourceDefinition): Promise<Row[]> {
  const rows: Row[] = await trx.selectFrom(def.table).select(selectColumns(def)).orderBy('slug').execute();
  return rows.map((r) => fromRow(def, r));
}

/** getResource's SQL per resource: the statement is the same for every id, so it is built and compiled once. */
const getByIdSql = new WeakMap<ResourceDefinition, string>();

export async function getResource(trx: Trx, def: ResourceDefinition, id: string): Promise<Row | undefined> {
  let text = getByIdSql.get(def);
  if (text === undefined) {
    const compiled = trx.selectFrom(def.table).select(selectColumns(def)).where('id', '=', id).compile();
    // Reusable when the id is the statement's only parameter (everything else is identifiers).
    if (compiled.parameters.length !== 1 || compiled.parameters[0] !== id) {
      const row = (await trx.executeQuery<Row>(compiled)).rows[0];
      return row ? fromRow(def, row) : undefined;
    }
    text = compiled.sql;
    getByIdSql.set(def, text);
  }
  const row = (await trx.executeQuery<Row>(CompiledQuery.raw(text, [id]))).rows[0];
  return row ? fromRow(def, row) : undefined;
}

export async function findIdBySlug(trx: Trx, def: ResourceDefinition, slug: string): Promise<string | undefined> {
  const row = await trx.selectFrom(def.table).select('id').where('slug', '=', slug).executeTakeFirst();
  return row?.id as string | undefined;
}

/** Ids among `ids` that exist (and that this context may see). */
export async function existingIds(trx: Trx, table: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom(table).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id as string));
}

export async function insertResource(trx: Trx, def: ResourceDefinition, orgId: string, id: string, input: Row): Promise<void> {
  await trx.insertInto(def.table).values({ org_id: orgId, id, ...toRow(def, input) }).execute();
  for (const link of def.links) {
    if (input[link.field] !== undefined) await replaceLinks(trx, link, orgId, id, input[link.field] as string[]);
  }
}

export async function updateResource(trx: Trx, def: ResourceDefinition, orgId: string, id: string, patch: Row): Promise<void> {
  const row = toRow(def, patch);
  await trx.updateTable(def.table).set({ ...row, updated_at: sql`now()` }).where('id', '=', id).execute();
  for (const link of def.links) {
    if (patch[link.field] !== undefined) await replaceLinks(trx, link, orgId, id, patch[link.field] as string[]);
  }
}

export async function deleteResource(trx: Trx, def: ResourceDefinition, id: string): Promise<boolean> {
  const result = await trx.deleteFrom(def.table).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

async function replaceLinks(trx: Trx, link: ResourceDefinition['links'][number], orgId: string, id: string, targets: string[]): Promise<void> {
  await trx.deleteFrom(link.table).where(link.ownColumn, '=', id).execute();
  if (targets.length === 0) return;
  await trx.insertInto(link.table).values(targets.map((t) => ({ org_id: orgId, [link.ownColumn]: id, [link.targetColumn]: t }))).execute();
}
