import { sql, type Transaction } from 'kysely';
import { AppError } from '../api/errors.js';
import type { Exclusion, ScopeChangeStatus } from '../model/scope-statement.js';

type Trx = Transaction<any>;

/** A service as a statement or proposal records it (slug and name copied when written). */
export interface ServiceRef { id: string | null; slug: string; name: string }

export interface StatementRow {
  version: number; text: string; locations: string[]; teams: string[]; exclusions: Exclusion[];
  approved_at: string; approved_by: string; approved_by_user: string; change_request_id: string;
  change_request_number: number; change_request_title: string; services: ServiceRef[];
}

export interface ChangeRequestRow {
  id: string; number: number; title: string; kind: string; description: string;
  impact_assets: string; impact_risks: string; impact_controls: string; impact_tenants: string;
  proposed_text: string; proposed_locations: string[]; proposed_teams: string[]; proposed_exclusions: Exclusion[];
  base_version: number; status: ScopeChangeStatus; requested_by_user: string; requested_by: string; requested_at: string;
  updated_at: string; submitted_at: string | null; decided_by_user: string | null; decided_by: string | null;
  decided_at: string | null; decision_note: string; resulting_version: number | null; services: ServiceRef[];
}

/**
 * Serialize every scope write of one organization (new request numbers, decisions, new versions) until the
 * transaction ends: the second of two concurrent approvals waits, then sees the first one's result.
 */
export async function lockScope(trx: Trx, orgId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`tenantproof:scope:${orgId}`}, 0))`.execute(trx);
}

export async function currentVersion(trx: Trx): Promise<number> {
  const row = await trx.selectFrom('scope_statements').select(sql<number>`coalesce(max(version), 0)::int`.as('v')).executeTakeFirst();
  return Number(row?.v ?? 0);
}

/**
 * Services of the organization that the current scope statement does not cover (the scope linter treats them as
 * outside the ISMS); null before the first version is approved, when every service counts as in scope.
 */
export async function servicesOutsideScope(trx: Trx): Promise<string[] | null> {
  const version = await currentVersion(trx);
  if (version === 0) return null;
  const rows = await sql<{ id: string }>`
    SELECT s.id FROM services s
    WHERE NOT EXISTS (SELECT 1 FROM scope_statement_services c WHERE c.org_id = s.org_id AND c.version = ${version} AND c.service_id = s.id)
    ORDER BY s.id`.execute(trx);
  return rows.rows.map((r) => r.id);
}

const statementColumns = [
  's.version', 's.text', 's.locations', 's.teams', 's.exclusions', 's.approved_at', 's.approved_by', 's.approved_by_user',
  's.change_request_id', 'r.number as change_request_number', 'r.title as change_request_title',
] as const;

export async function findStatement(trx: Trx, version: number): Promise<StatementRow | undefined> {
  const row = await trx.selectFrom('scope_statements as s')
    .innerJoin('scope_change_requests as r', (j) => j.onRef('r.org_id', '=', 's.org_id').onRef('r.id', '=', 's.change_request_id'))
    .select(statementColumns as any).where('s.version', '=', version).executeTakeFirst();
  if (!row) return undefined;
  const services = await trx.selectFrom('scope_statement_services').select(['service_id as id', 'service_slug as slug', 'service_name as name'])
    .where('version', '=', version).orderBy('service_slug').execute();
  return { ...(row as any), services } as StatementRow;
}

/** Versions newest first, after the cursor's version; one more than `limit` to tell whether a page follows. */
export async function listStatementRows(trx: Trx, limit: number, before: number | null): Promise<{ rows: Omit<StatementRow, 'services'>[]; total: number }> {
  let qb = trx.selectFrom('scope_statements as s')
    .innerJoin('scope_change_requests as r', (j) => j.onRef('r.org_id', '=', 's.org_id').onRef('r.id', '=', 's.change_request_id'))
    .select(statementColumns as any);
  if (before !== null) qb = qb.where('s.version', '<', before);
  const rows = await qb.orderBy('s.version', 'desc').limit(limit + 1).execute();
  const count = await trx.selectFrom('scope_statements').select(sql<string>`count(*)`.as('n')).executeTakeFirst();
  return { rows: rows as any, total: Number(count?.n ?? 0) };
}

export async function insertStatement(trx: Trx, orgId: string, row: {
  version: number; text: string; locations: string[]; teams: string[]; exclusions: Exclusion[];
  approvedByUser: string; approvedBy: string; changeRequestId: string; services: ServiceRef[];
}): Promise<void> {
  await trx.insertInto('scope_statements').values({
    org_id: orgId, version: row.version, text: row.text, locations: row.locations, teams: row.teams,
    exclusions: JSON.stringify(row.exclusions), approved_by_user: row.approvedByUser, approved_by: row.approvedBy,
    change_request_id: row.changeRequestId,
  }).execute();
  if (row.services.length) {
    await trx.insertInto('scope_statement_services')
      .values(row.services.map((s) => ({ org_id: orgId, version: row.version, service_id: s.id, service_slug: s.slug, service_name: s.name })))
      .execute();
  }
}

/** The services of this organization among `ids` (RLS hides every other organization's), by id. */
export async function servicesByIds(trx: Trx, ids: readonly string[]): Promise<Map<string, ServiceRef>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('services').select(['id', 'slug', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r: any) => [r.id as string, { id: r.id, slug: r.slug, name: r.name }]));
}

export async function nextChangeNumber(trx: Trx): Promise<number> {
  const row = await trx.selectFrom('scope_change_requests').select(sql<number>`coalesce(max(number), 0)::int + 1`.as('n')).executeTakeFirst();
  return Number(row?.n ?? 1);
}

export async function findChangeRequest(trx: Trx, id: string, options: { forUpdate?: boolean } = {}): Promise<ChangeRequestRow | undefined> {
  let qb = trx.selectFrom('scope_change_requests').selectAll().where('id', '=', id);
  if (options.forUpdate) qb = qb.forUpdate();
  const row = await qb.executeTakeFirst();
  if (!row) return undefined;
  const services = await trx.selectFrom('scope_change_request_services').select(['service_id as id', 'service_slug as slug', 'service_name as name'])
    .where('change_request_id', '=', id).orderBy('service_slug').execute();
  return { ...(row as any), services } as ChangeRequestRow;
}

/** Requests newest first (by number), optionally of one status, after the cursor's number. */
export async function listChangeRequestRows(trx: Trx, query: { status?: ScopeChangeStatus | undefined; limit: number; before: number | null }): Promise<{ rows: ChangeRequestRow[]; total: number }> {
  let qb = trx.selectFrom('scope_change_requests').selectAll();
  let count = trx.selectFrom('scope_change_requests').select(sql<string>`count(*)`.as('n'));
  if (query.status) { qb = qb.where('status', '=', query.status); count = count.where('status', '=', query.status); }
  if (query.before !== null) qb = qb.where('number', '<', query.before);
  const rows = await qb.orderBy('number', 'desc').limit(query.limit + 1).execute();
  const ids = rows.map((r: any) => r.id as string);
  const links = ids.length
    ? await trx.selectFrom('scope_change_request_services').select(['change_request_id', 'service_id as id', 'service_slug as slug', 'service_name as name'])
      .where('change_request_id', 'in', ids).orderBy('service_slug').execute()
    : [];
  const total = Number((await count.executeTakeFirst())?.n ?? 0);
  return {
    rows: rows.map((r: any) => ({ ...r, services: links.filter((l: any) => l.change_request_id === r.id).map((l: any) => ({ id: l.id, slug: l.slug, name: l.name })) })),
    total,
  };
}

/** The columns of a request that its author writes (everything else is set by its life). */
export interface ChangeRequestContent {
  title: string; kind: string; description: string;
  impact: { assets: string; risks: string; controls: string; tenants: string };
  proposed: { text: string; locations: string[]; teams: string[]; exclusions: Exclusion[]; services: ServiceRef[] };
  baseVersion: number;
}

function contentColumns(c: ChangeRequestContent) {
  return {
    title: c.title, kind: c.kind, description: c.description,
    impact_assets: c.impact.assets, impact_risks: c.impact.risks, impact_controls: c.impact.controls, impact_tenants: c.impact.tenants,
    proposed_text: c.proposed.text, proposed_locations: c.proposed.locations, proposed_teams: c.proposed.teams,
    proposed_exclusions: JSON.stringify(c.proposed.exclusions), base_version: c.baseVersion,
  };
}

async function replaceProposedServices(trx: Trx, orgId: string, id: string, services: ServiceRef[]): Promise<void> {
  await trx.deleteFrom('scope_change_request_services').where('change_request_id', '=', id).execute();
  if (services.length) {
    await trx.insertInto('scope_change_request_services')
      .values(services.map((s) => ({ org_id: orgId, change_request_id: id, service_id: s.id, service_slug: s.slug, service_name: s.name })))
      .execute();
  }
}

export async function insertChangeRequest(trx: Trx, orgId: string, id: string, number: number, content: ChangeRequestContent, requester: { userId: string; label: string }): Promise<void> {
  await trx.insertInto('scope_change_requests').values({
    org_id: orgId, id, number, ...contentColumns(content), requested_by_user: requester.userId, requested_by: requester.label,
  }).execute();
  await replaceProposedServices(trx, orgId, id, content.proposed.services);
}

export async function updateChangeRequestContent(trx: Trx, orgId: string, id: string, content: ChangeRequestContent): Promise<void> {
  await trx.updateTable('scope_change_requests').set({ ...contentColumns(content), updated_at: sql`now()` }).where('id', '=', id).execute();
  await replaceProposedServices(trx, orgId, id, content.proposed.services);
}

/** Move a request to its next status; decision columns only for approve and reject. */
export async function setChangeRequestStatus(trx: Trx, id: string, status: ScopeChangeStatus, decision?: {
  userId: string; label: string; note: string; resultingVersion: number | null;
}): Promise<void> {
  await trx.updateTable('scope_change_requests').set({
    status, updated_at: sql`now()`,
    ...(status === 'submitted' ? { submitted_at: sql`now()` } : {}),
    ...(decision ? {
      decided_by_user: decision.userId, decided_by: decision.label, decided_at: sql`now()`, decision_note: decision.note,
      resulting_version: decision.resultingVersion,
    } : {}),
  }).where('id', '=', id).execute();
}

/** Keyset cursors over a descending integer (version or request number). */
export function encodeNumberCursor(kind: string, value: number): string {
  return Buffer.from(JSON.stringify([kind, value])).toString('base64url');
}

export function decodeNumberCursor(kind: string, cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === kind && Number.isInteger(parsed[1]) && parsed[1] > 0 && parsed[1] < 2 ** 31) return parsed[1];
  } catch { /* fall through */ }
  throw new AppError('invalid_cursor', undefined, 'cursor');
}
