import type { Kysely, Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { annexAControl, annexAControls, gdprLinksOf } from '../catalog/index.js';
import { recordChange } from '../ledger/record.js';
import { controlImplementationResource, type ImplementationLayer, type ImplementationStatus } from '../model/control-implementation.js';
import {
  buildSoa, diffSoa, indexSoa, summarize, tenantSoa, tierSoa, SoaDecisionItem,
  type SoaDecision, type SoaDecisionInput, type SoaDiffEntry, type SoaImplementationInput, type SoaIndex, type SoaInput, type SoaReason,
  type SoaRow, type SoaSummary, type SoaSystem, type SoaTenant, type SoaTenantRow, type SoaVersion, type SoaVersionSummary,
} from '../model/soa.js';
import type { TenantTier } from '../model/tenant.js';
import { renderSoaCsv } from '../reports/soa-csv.js';
import { renderSoaPdf } from '../reports/soa-pdf.js';
import { soaTable, tenantSoaTable, type SoaDocumentInfo } from '../reports/soa-table.js';
import { renderSoaXlsx } from '../reports/soa-xlsx.js';
import { allResources } from '../store/resource-store.js';
import {
  exceptionCounts, findDecision, soaSystems, soaTenants, findVersion, insertVersion, latestVersion, listDecisions, listVersions, lockSoa, upsertDecision,
} from '../store/soa.js';
import type { BundleSection, SectionApplyResult } from './bundle-sections.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;
type Obj = Record<string, unknown>;

/** The whole SoA, with its counts. */
export interface SoaView { rows: SoaRow[]; summary: SoaSummary }
/** One tenant's SoA: who it is (its own name only) and its rows. */
export interface TenantSoaView { tenant: { id: string; slug: string; name: string; tier: string }; rows: SoaTenantRow[]; summary: SoaSummary }
export interface TierSoaView { tier: TenantTier; rows: SoaTenantRow[]; summary: SoaSummary }

const catalogControls = () => annexAControls().map((c) => ({ id: c.id, title: c.title, theme: c.theme }));

function toImplementation(o: Obj): SoaImplementationInput {
  return {
    id: o.id as string, slug: o.slug as string, name: o.name as string, controlId: o.controlId as string,
    layer: o.layer as ImplementationLayer, status: o.status as ImplementationStatus, owner: (o.owner as string) ?? '', overrides: o.overrides === true,
    targetTiers: (o.targetTiers as string[]) ?? [], targetTenantIds: (o.targetTenantIds as string[]) ?? [],
    targetServiceIds: (o.targetServiceIds as string[]) ?? [], systemIds: (o.systemIds as string[]) ?? [],
  };
}

/** Decisions, implementations and exception counts as the actor's transaction sees them (RLS applies). */
async function loadInput(trx: Trx, withExceptions: boolean): Promise<SoaInput> {
  const [decisions, impls, exceptions] = await Promise.all([
    listDecisions(trx), allResources(trx, controlImplementationResource), withExceptions ? exceptionCounts(trx) : Promise.resolve(undefined),
  ]);
  return { controls: catalogControls(), decisions, implementations: impls.map(toImplementation), gdprOf: gdprLinksOf, ...(exceptions ? { exceptions } : {}) };
}

const loadSystems = (trx: Trx): Promise<SoaSystem[]> => soaSystems(trx);

/** The Statement of Applicability now: 93 rows in catalog order. */
export async function currentSoa(db: Kysely<any>, actor: Actor): Promise<SoaView> {
  authorize(actor, 'read', 'soa');
  const rows = await asActor(db, actor, async (trx) => buildSoa(await loadInput(trx, true)));
  return { rows, summary: summarize(rows) };
}

/** Record the applicability of one control (create or replace). */
export async function decide(db: Kysely<any>, actor: Actor, controlId: string, input: SoaDecisionInput): Promise<SoaRow> {
  authorize(actor, 'update', 'soa');
  const control = annexAControl(controlId);
  if (!control || control.id !== controlId) throw new AppError('not_found', `No Annex A control "${controlId}" (write it as 5.15).`);
  return asActor(db, actor, async (trx) => {
    await decideWithin(trx, actor, control.id, input, '');
    const rows = buildSoa({ ...(await loadInput(trx, true)), controls: [{ id: control.id, title: control.title, theme: control.theme }] });
    return rows[0]!;
  });
}

/** Write one decision and its ledger entry; `at` prefixes the field of an error (a bundle item's index). */
async function decideWithin(trx: Trx, actor: Actor, controlId: string, input: SoaDecisionInput, at: string): Promise<'created' | 'updated' | 'unchanged'> {
  const reasons = [...new Set(input.reasons ?? [])].sort() as SoaReason[];
  const justification = (input.justification ?? '').trim();
  if (!input.applicable && !justification) {
    throw new AppError('invalid_value', `Control ${controlId} is excluded: say why in the justification (auditors ask for it first).`, `${at}justification`);
  }
  const before = await findDecision(trx, controlId);
  if (before && before.applicable === input.applicable && before.justification === justification && before.reasons.join() === reasons.join()) return 'unchanged';
  await upsertDecision(trx, actor.orgId, { controlId, applicable: input.applicable, reasons, justification, decidedBy: actorLabel(actor) });
  const after = { controlId, applicable: input.applicable, reasons, justification };
  await recordChange(trx, actor, {
    action: before ? 'update' : 'create', objectType: 'soa decision', objectId: null, objectSlug: controlId, tenantId: null,
    summary: `Control ${controlId} ${input.applicable ? 'applicable' : 'not applicable'}${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    ...(before ? { before: { controlId, applicable: before.applicable, reasons: before.reasons, justification: before.justification } } : {}), after,
  });
  return before ? 'updated' : 'created';
}

/** The SoA every tenant of a tier shares (common implementations plus overlays on the tier). */
export async function tierView(db: Kysely<any>, actor: Actor, tier: TenantTier): Promise<TierSoaView> {
  authorize(actor, 'read', 'soa');
  const rows = await asActor(db, actor, async (trx) => tierSoa(indexSoa(await loadInput(trx, false), []), tier));
  return { tier, rows, summary: summarize(rows) };
}

const loadTenants = (trx: Trx, id?: string): Promise<SoaTenant[]> => soaTenants(trx, id);

/**
 * One tenant's SoA. A tenant-viewer reads only its own tenant's (any other answers 404, like a missing tenant); the
 * computation runs in the viewer's own database context, where RLS hides every other tenant's rows and links.
 */
export async function tenantView(db: Kysely<any>, actor: Actor, tenantId: string): Promise<TenantSoaView> {
  authorize(actor, 'read', 'tenant-soa');
  if (actor.tenantId !== null && actor.tenantId !== tenantId) throw new AppError('not_found', 'Tenant not found.');
  return asActor(db, actor, async (trx) => {
    const [tenant] = await loadTenants(trx, tenantId);
    if (!tenant) throw new AppError('not_found', 'Tenant not found.');
    const index = indexSoa(await loadInput(trx, false), await loadSystems(trx));
    const rows = tenantSoa(index, tenant);
    return { tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, tier: tenant.tier }, rows, summary: summarize(rows) };
  });
}

/** Every tenant's SoA at once (the benchmark's "through the store" figure; not an API route). */
export async function allTenantViews(db: Kysely<any>, actor: Actor): Promise<Map<string, SoaTenantRow[]>> {
  authorize(actor, 'read', 'soa');
  return asActor(db, actor, async (trx) => {
    const [input, systems, tenants] = await Promise.all([loadInput(trx, false), loadSystems(trx), loadTenants(trx)]);
    const index: SoaIndex = indexSoa(input, systems);
    return new Map(tenants.map((t) => [t.id, tenantSoa(index, t)]));
  });
}

/** Freeze the current SoA as the next version: numbered, dated, signed off by the actor, never changed again. */
export async function approveSoa(db: Kysely<any>, actor: Actor, note = ''): Promise<SoaVersion> {
  authorize(actor, 'create', 'soa-approval');
  return asActor(db, actor, async (trx) => {
    await lockSoa(trx, actor.orgId);
    const rows = buildSoa(await loadInput(trx, true));
    const summary = summarize(rows);
    const version = (await latestVersion(trx)) + 1;
    await insertVersion(trx, actor.orgId, { version, approvedByUser: actor.userId, approvedBy: actorLabel(actor), note: note.trim(), summary, rows });
    await recordChange(trx, actor, {
      action: 'approve', objectType: 'soa version', objectId: null, objectSlug: `v${version}`, tenantId: null,
      summary: `Approved the Statement of Applicability as version ${version} (${summary.applicable} applicable, ${summary.notApplicable} not applicable, ${summary.undecided} undecided)`,
      after: rows,
    });
    const stored = (await findVersion(trx, version))!;
    return stored;
  });
}

export async function listSoaVersions(db: Kysely<any>, actor: Actor, query: { limit: number; before?: number | undefined }): Promise<{ items: SoaVersionSummary[]; nextCursor: string | null; total: number }> {
  authorize(actor, 'read', 'soa-approval');
  const { rows, total } = await asActor(db, actor, (trx) => listVersions(trx, query.limit, query.before ?? null));
  const page = rows.slice(0, query.limit);
  return { items: page, nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.version) : null, total };
}

export async function getSoaVersion(db: Kysely<any>, actor: Actor, version: number): Promise<SoaVersion> {
  authorize(actor, 'read', 'soa-approval');
  const found = await asActor(db, actor, (trx) => findVersion(trx, version));
  if (!found) throw new AppError('not_found', `There is no approved SoA version ${version}.`);
  return found;
}

/** What changed from version `against` (default: the one before; 0: nothing approved) to `version`. */
export async function diffSoaVersions(db: Kysely<any>, actor: Actor, version: number, against?: number): Promise<{ from: number; to: number; changes: SoaDiffEntry[] }> {
  authorize(actor, 'read', 'soa-approval');
  const from = against ?? version - 1;
  const [a, b] = await asActor(db, actor, async (trx) => [from === 0 ? undefined : await findVersion(trx, from), await findVersion(trx, version)] as const);
  if (!b) throw new AppError('not_found', `There is no approved SoA version ${version}.`);
  if (from !== 0 && !a) throw new AppError('not_found', `There is no approved SoA version ${from}.`, 'against');
  return { from, to: version, changes: diffSoa(a?.rows ?? [], b.rows) };
}

export type SoaExportFormat = 'xlsx' | 'csv' | 'pdf';

/** An export of the current SoA, an approved version, or one tenant's view: the file's bytes, name and type. */
export async function exportSoa(
  db: Kysely<any>, actor: Actor, format: SoaExportFormat, options: { version?: number | undefined; tenantId?: string | undefined; tier?: TenantTier | undefined },
): Promise<{ body: Buffer | string; filename: string; contentType: string }> {
  const chosen = [options.version !== undefined && 'version', options.tenantId !== undefined && 'tenant', options.tier !== undefined && 'tier'].filter(Boolean);
  if (chosen.length > 1) {
    throw new AppError('validation_failed', `Export one view: an approved version, a tenant or a tier (not ${chosen.join(' and ')}).`, chosen[1] as string);
  }
  const org = await asActor(db, actor, (trx) => trx.selectFrom('orgs').select(['name', 'slug']).executeTakeFirstOrThrow());
  let table: string[][];
  let info: SoaDocumentInfo;
  let stem: string;
  const today = new Date().toISOString().slice(0, 10);
  if (options.tenantId !== undefined) {
    const view = await tenantView(db, actor, options.tenantId);
    table = tenantSoaTable(view.rows);
    info = { organization: org.name, subtitle: `Tenant ${view.tenant.name} (tier ${view.tenant.tier}): the controls that apply to it, as of ${today}` };
    stem = `soa-${org.slug}-${view.tenant.slug}`;
  } else if (options.tier !== undefined) {
    const view = await tierView(db, actor, options.tier);
    table = tenantSoaTable(view.rows);
    info = { organization: org.name, subtitle: `Tier ${view.tier}: the common implementations and the overlays on the tier, as of ${today}` };
    stem = `soa-${org.slug}-tier-${view.tier}`;
  } else if (options.version !== undefined) {
    const v = await getSoaVersion(db, actor, options.version);
    table = soaTable(v.rows);
    info = { organization: org.name, subtitle: `Version ${v.version}, approved ${v.approvedAt.slice(0, 10)} by ${v.approvedBy}${v.note ? ` (${v.note})` : ''}` };
    stem = `soa-${org.slug}-v${v.version}`;
  } else {
    const view = await currentSoa(db, actor);
    table = soaTable(view.rows);
    info = { organization: org.name, subtitle: `Current, not approved: as of ${today}` };
    stem = `soa-${org.slug}-current`;
  }
  if (format === 'csv') return { body: renderSoaCsv(table), filename: `${stem}.csv`, contentType: 'text/csv; charset=utf-8' };
  if (format === 'xlsx') return { body: await renderSoaXlsx(table, info), filename: `${stem}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  return { body: await renderSoaPdf(table, info), filename: `${stem}.pdf`, contentType: 'application/pdf' };
}

/** Bundle section `soaDecisions`: one item per decided control, keyed and sorted by control id. */
export const soaDecisionsSection: BundleSection = {
  key: 'soaDecisions',
  item: SoaDecisionItem,
  subject: 'soa',
  async export(trx) {
    const decisions = await listDecisions(trx);
    const order = new Map(annexAControls().map((c, i) => [c.id, i]));
    return [...decisions]
      .sort((a, b) => (order.get(a.controlId) ?? 1e9) - (order.get(b.controlId) ?? 1e9))
      .map((d: SoaDecision) => ({ control: d.controlId, applicable: d.applicable, reasons: [...d.reasons].sort(), justification: d.justification }));
  },
  async apply(trx, actor, items): Promise<SectionApplyResult> {
    const result: SectionApplyResult = { created: 0, updated: 0, unchanged: 0, objects: [] };
    const seen = new Map<string, number>();
    for (const [index, item] of items.entries()) {
      const controlId = item.control as string;
      if (!annexAControl(controlId)) throw new AppError('invalid_value', `"${controlId}" is not an ISO/IEC 27001:2022 Annex A control`, `${index}.control`);
      const first = seen.get(controlId);
      if (first !== undefined) throw new AppError('invalid_value', `control ${controlId} is decided twice (first at item ${first})`, `${index}.control`);
      seen.set(controlId, index);
      // Fields an item leaves out keep their stored value, like every other bundle item.
      const before = await findDecision(trx, controlId);
      const input: SoaDecisionInput = {
        applicable: item.applicable as boolean,
        reasons: (item.reasons as SoaReason[] | undefined) ?? before?.reasons ?? [],
        justification: (item.justification as string | undefined) ?? before?.justification ?? '',
      };
      const outcome = await decideWithin(trx, actor, controlId, input, `${index}.`);
      result[outcome] += 1;
      result.objects.push({ key: controlId, outcome });
    }
    return result;
  },
};
