import { sql, type Transaction } from 'kysely';
import type { SoaDecision, SoaReason, SoaRow, SoaSummary } from '../model/soa.js';

type Trx = Transaction<any>;

interface DecisionRow { control_id: string; applicable: boolean; reasons: string[]; justification: string; decided_by: string; decided_at: Date | string }

const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function toDecision(r: DecisionRow): SoaDecision {
  return { controlId: r.control_id, applicable: r.applicable, reasons: r.reasons as SoaReason[], justification: r.justification, decidedBy: r.decided_by, decidedAt: iso(r.decided_at) };
}

export async function listDecisions(trx: Trx): Promise<SoaDecision[]> {
  const rows = await trx.selectFrom('soa_decisions').select(['control_id', 'applicable', 'reasons', 'justification', 'decided_by', 'decided_at']).orderBy('control_id').execute();
  return (rows as DecisionRow[]).map(toDecision);
}

export async function findDecision(trx: Trx, controlId: string): Promise<SoaDecision | undefined> {
  const row = await trx.selectFrom('soa_decisions').select(['control_id', 'applicable', 'reasons', 'justification', 'decided_by', 'decided_at']).where('control_id', '=', controlId).executeTakeFirst();
  return row ? toDecision(row as DecisionRow) : undefined;
}

/** Insert or replace the decision of one control. */
export async function upsertDecision(trx: Trx, orgId: string, d: { controlId: string; applicable: boolean; reasons: string[]; justification: string; decidedBy: string }): Promise<void> {
  await trx.insertInto('soa_decisions')
    .values({ org_id: orgId, control_id: d.controlId, applicable: d.applicable, reasons: d.reasons, justification: d.justification, decided_by: d.decidedBy })
    .onConflict((oc) => oc.columns(['org_id', 'control_id']).doUpdateSet({
      applicable: d.applicable, reasons: d.reasons, justification: d.justification, decided_by: d.decidedBy, decided_at: sql`now()`,
    }))
    .execute();
}

/**
 * Open control exceptions per control id, when the exceptions table exists (it belongs to another part of the
 * ISMS and may be absent in an older schema): the SoA counts them but does not depend on them.
 */
export async function exceptionCounts(trx: Trx): Promise<Map<string, number>> {
  const cols = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'control_exceptions' AND column_name IN ('control_id', 'status')`.execute(trx);
  const names = new Set(cols.rows.map((r) => r.column_name));
  if (!names.has('control_id')) return new Map();
  const rows = names.has('status')
    ? await sql<{ control_id: string; n: string }>`SELECT control_id, count(*)::text AS n FROM control_exceptions WHERE status <> 'rejected' GROUP BY control_id`.execute(trx)
    : await sql<{ control_id: string; n: string }>`SELECT control_id, count(*)::text AS n FROM control_exceptions GROUP BY control_id`.execute(trx);
  return new Map(rows.rows.map((r) => [r.control_id, Number(r.n)]));
}

/** Serialize SoA approvals of one organization until the transaction ends. */
export async function lockSoa(trx: Trx, orgId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`tenantproof:soa:${orgId}`}, 0))`.execute(trx);
}

export interface VersionRow { version: number; approvedAt: string; approvedBy: string; note: string; summary: SoaSummary }

export async function latestVersion(trx: Trx): Promise<number> {
  const row = await trx.selectFrom('soa_versions').select(sql<number>`coalesce(max(version), 0)::int`.as('v')).executeTakeFirst();
  return Number(row?.v ?? 0);
}

export async function insertVersion(trx: Trx, orgId: string, v: { version: number; approvedByUser: string; approvedBy: string; note: string; summary: SoaSummary; rows: SoaRow[] }): Promise<void> {
  await trx.insertInto('soa_versions').values({
    org_id: orgId, version: v.version, approved_by_user: v.approvedByUser, approved_by: v.approvedBy, note: v.note,
    summary: JSON.stringify(v.summary), content: JSON.stringify(v.rows),
  }).execute();
}

const versionColumns = ['version', 'approved_at', 'approved_by', 'note', 'summary'] as const;
type StoredVersion = { version: number; approved_at: Date | string; approved_by: string; note: string; summary: SoaSummary | string };

function toVersion(r: StoredVersion): VersionRow {
  return { version: Number(r.version), approvedAt: iso(r.approved_at), approvedBy: r.approved_by, note: r.note, summary: typeof r.summary === 'string' ? JSON.parse(r.summary) : r.summary };
}

/** Versions newest first, `before` a version number (keyset), one more than `limit` to tell whether more exist. */
export async function listVersions(trx: Trx, limit: number, before: number | null): Promise<{ rows: VersionRow[]; total: number }> {
  let q = trx.selectFrom('soa_versions').select(versionColumns as any).orderBy('version', 'desc').limit(limit + 1);
  if (before !== null) q = q.where('version', '<', before);
  const rows = (await q.execute()) as StoredVersion[];
  const count = await trx.selectFrom('soa_versions').select(sql<string>`count(*)`.as('n')).executeTakeFirst();
  return { rows: rows.map(toVersion), total: Number(count?.n ?? 0) };
}

export async function findVersion(trx: Trx, version: number): Promise<(VersionRow & { rows: SoaRow[] }) | undefined> {
  const row = await trx.selectFrom('soa_versions').select([...versionColumns, 'content'] as any).where('version', '=', version).executeTakeFirst() as (StoredVersion & { content: SoaRow[] | string }) | undefined;
  if (!row) return undefined;
  return { ...toVersion(row), rows: typeof row.content === 'string' ? JSON.parse(row.content) : row.content };
}

/**
 * Tenants as the SoA needs them (id, slug, name, tier, services), in two flat queries: the generic reader's
 * per-row link subquery cost ~2 s for 5,000 tenants on PGlite. `id` limits it to one tenant. RLS applies: a
 * tenant-viewer reads its own tenant only.
 */
export async function soaTenants(trx: Trx, id?: string): Promise<Array<{ id: string; slug: string; name: string; tier: string; serviceIds: string[] }>> {
  let tq = trx.selectFrom('tenants').select(['id', 'slug', 'name', 'tier']).orderBy('slug');
  let lq = trx.selectFrom('tenant_services').select(['tenant_id', 'service_id']);
  if (id !== undefined) { tq = tq.where('id', '=', id); lq = lq.where('tenant_id', '=', id); }
  const [tenants, links] = await Promise.all([tq.execute(), lq.execute()]);
  const services = new Map<string, string[]>();
  for (const l of links as Array<{ tenant_id: string; service_id: string }>) {
    const list = services.get(l.tenant_id);
    if (list) list.push(l.service_id); else services.set(l.tenant_id, [l.service_id]);
  }
  return (tenants as Array<{ id: string; slug: string; name: string; tier: string }>).map((t) => ({ ...t, serviceIds: services.get(t.id) ?? [] }));
}

/** The systems some implementation covers, with the tenants and services they serve (what decides whom an overlay on them reaches). */
export async function soaSystems(trx: Trx): Promise<Array<{ id: string; tenancy: string; tenantIds: string[]; serviceIds: string[] }>> {
  const covered = (t: string) => sql.raw(`${t}.system_id IN (SELECT system_id FROM control_implementation_systems)`);
  const [systems, tenants, services] = await Promise.all([
    sql<{ id: string; tenancy: string }>`SELECT id, tenancy FROM systems WHERE id IN (SELECT system_id FROM control_implementation_systems)`.execute(trx),
    sql<{ system_id: string; tenant_id: string }>`SELECT system_id, tenant_id FROM system_tenants WHERE ${covered('system_tenants')}`.execute(trx),
    sql<{ system_id: string; service_id: string }>`SELECT system_id, service_id FROM system_services WHERE ${covered('system_services')}`.execute(trx),
  ]);
  const group = (rows: Array<{ system_id: string }>, key: 'tenant_id' | 'service_id') => {
    const out = new Map<string, string[]>();
    for (const r of rows as Array<Record<string, string>>) {
      const list = out.get(r.system_id!);
      if (list) list.push(r[key]!); else out.set(r.system_id!, [r[key]!]);
    }
    return out;
  };
  const byTenant = group(tenants.rows, 'tenant_id');
  const byService = group(services.rows, 'service_id');
  return systems.rows.map((s) => ({ id: s.id, tenancy: s.tenancy, tenantIds: byTenant.get(s.id) ?? [], serviceIds: byService.get(s.id) ?? [] }));
}
