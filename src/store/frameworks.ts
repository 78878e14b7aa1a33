import { sql, type Transaction } from 'kysely';
import type { FrameworkDocument } from '../catalog/format.js';

type Trx = Transaction<any>;

/** An organization's framework as stored (without its controls). */
export interface FrameworkRow {
  id: string;
  framework_key: string;
  name: string;
  version: string;
  provenance: string;
  note: string;
  groups: Array<{ id: string; title: string }>;
  created_at: string;
  created_by: string;
  control_count: number;
}

export interface FrameworkControlRow {
  control_id: string;
  title: string;
  group_id: string | null;
  description: string | null;
}

const columns = ['f.id', 'f.framework_key', 'f.name', 'f.version', 'f.provenance', 'f.note', 'f.groups', 'f.created_at', 'f.created_by'] as const;

function withCount(qb: any) {
  return qb.select(sql<number>`(SELECT count(*)::int FROM org_framework_controls c WHERE c.org_id = f.org_id AND c.framework_id = f.id)`.as('control_count'));
}

/** The organization's frameworks (RLS: only the transaction's org), by framework id. */
export async function listFrameworkRows(trx: Trx): Promise<FrameworkRow[]> {
  const rows = await withCount(trx.selectFrom('org_frameworks as f').select(columns as any)).orderBy('f.framework_key').execute();
  return rows.map(normalize);
}

export async function findFrameworkByKey(trx: Trx, key: string): Promise<FrameworkRow | undefined> {
  const row = await withCount(trx.selectFrom('org_frameworks as f').select(columns as any)).where('f.framework_key', '=', key).executeTakeFirst();
  return row ? normalize(row) : undefined;
}

export async function findFrameworkById(trx: Trx, id: string, options: { forUpdate?: boolean } = {}): Promise<FrameworkRow | undefined> {
  let qb = withCount(trx.selectFrom('org_frameworks as f').select(columns as any)).where('f.id', '=', id);
  if (options.forUpdate) qb = qb.forUpdate();
  const row = await qb.executeTakeFirst();
  return row ? normalize(row) : undefined;
}

export async function frameworkControls(trx: Trx, frameworkId: string): Promise<FrameworkControlRow[]> {
  return trx.selectFrom('org_framework_controls').select(['control_id', 'title', 'group_id', 'description'])
    .where('framework_id', '=', frameworkId).orderBy('position').execute() as Promise<FrameworkControlRow[]>;
}

/** Store a validated framework and its controls in the caller's transaction. */
export async function insertFramework(trx: Trx, orgId: string, id: string, doc: FrameworkDocument, createdBy: string): Promise<void> {
  await trx.insertInto('org_frameworks').values({
    org_id: orgId, id, framework_key: doc.framework.id, name: doc.framework.name, version: doc.framework.version,
    provenance: doc.framework.provenance, note: doc.note ?? '', groups: JSON.stringify(doc.groups ?? []), created_by: createdBy,
  }).execute();
  // Batches keep each statement's parameter count well under PostgreSQL's 65,535.
  for (let i = 0; i < doc.controls.length; i += 500) {
    await trx.insertInto('org_framework_controls').values(doc.controls.slice(i, i + 500).map((c, j) => ({
      org_id: orgId, framework_id: id, control_id: c.id, position: i + j, title: c.title, group_id: c.group ?? null, description: c.description ?? null,
    }))).execute();
  }
}

/** Delete a framework (its controls go with it). True when a row was deleted. */
export async function deleteFrameworkRow(trx: Trx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('org_frameworks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

function normalize(row: any): FrameworkRow {
  return {
    ...row,
    groups: typeof row.groups === 'string' ? JSON.parse(row.groups) : row.groups,
    created_at: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
    control_count: Number(row.control_count),
  };
}

/** The framework as a document of the framework format again (bundle export, GET). */
export function documentOf(row: FrameworkRow, controls: FrameworkControlRow[]): FrameworkDocument {
  return {
    framework: { id: row.framework_key, name: row.name, version: row.version, provenance: row.provenance },
    ...(row.groups.length ? { groups: row.groups } : {}),
    controls: controls.map((c) => ({ id: c.control_id, title: c.title, ...(c.group_id ? { group: c.group_id } : {}), ...(c.description ? { description: c.description } : {}) })),
    ...(row.note ? { note: row.note } : {}),
  };
}
