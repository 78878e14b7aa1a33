import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { resourceByName } from '../model/index.js';
import {
  activityLabel, isStandardActivity, normalizeRaci, raciProblems, RaciBundleItem, type RaciInput, type RaciMatrix, type RaciRow,
} from '../model/raci.js';
import { objectDigest, recordChange } from '../ledger/record.js';
import { allResources, getResource } from '../store/resource-store.js';
import { readRaci, replaceRaci, type StoredRaciRow } from '../store/raci.js';
import type { BundleSection, SectionApplyResult } from './bundle-sections.js';
import { asActor } from './resources.js';

type Obj = Record<string, unknown>;

/** The matrix as served: labels resolved, the digest the ledger records. */
function present(service: Obj, rows: StoredRaciRow[]): RaciMatrix {
  return {
    service: { id: service.id as string, slug: service.slug as string, name: service.name as string },
    activities: rows.map((r) => ({ ...r, label: activityLabel(r.activity, r.label), standard: isStandardActivity(r.activity) })),
    digest: rows.length ? objectDigest(rows) : null,
  };
}

async function serviceOf(trx: Transaction<any>, serviceId: string): Promise<Obj> {
  const service = await getResource(trx, resourceByName('services'), serviceId);
  if (!service) throw new AppError('not_found', 'Service not found.');
  return service;
}

/** A service's RACI matrix (no rows when none has been saved). */
export async function getRaci(db: Kysely<any>, actor: Actor, serviceId: string): Promise<RaciMatrix> {
  authorize(actor, 'read', 'raci');
  return asActor(db, actor, async (trx) => {
    const service = await serviceOf(trx, serviceId);
    return present(service, (await readRaci(trx, [serviceId])).get(serviceId) ?? []);
  });
}

/** Throws the first rule a matrix breaks, naming the activity, with its field prefixed by `at` (the bundle's item path). */
function checkMatrix(rows: readonly RaciRow[], at = ''): void {
  const problem = raciProblems(rows)[0];
  if (problem) throw new AppError('invalid_value', problem.message, `${at}${problem.field}`);
}

/**
 * Save a matrix in the caller's transaction: unchanged when equal to the stored one, else replaced with a ledger
 * entry carrying the digests of the matrix before and after.
 */
async function saveWithin(trx: Transaction<any>, actor: Actor, service: Obj, rows: readonly RaciRow[]): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; matrix: RaciMatrix }> {
  const serviceId = service.id as string;
  // Two saves of one service's matrix take turns: each replaces the matrix the other committed, never half of it.
  await trx.selectFrom('services').select('id').where('id', '=', serviceId).forUpdate().execute();
  const before = (await readRaci(trx, [serviceId])).get(serviceId) ?? [];
  const after = normalizeRaci(rows);
  if (objectDigest(before) === objectDigest(after)) return { outcome: 'unchanged', matrix: present(service, before) };
  await replaceRaci(trx, actor.orgId, serviceId, after);
  await recordChange(trx, actor, {
    action: 'update', objectType: 'raci', objectId: serviceId, objectSlug: service.slug as string, tenantId: null,
    summary: `RACI of ${service.name as string}: ${after.length} activit${after.length === 1 ? 'y' : 'ies'}`,
    before: before.length ? before : null, after: after.length ? after : null,
  });
  return { outcome: before.length ? 'updated' : 'created', matrix: present(service, after) };
}

/** Replace a service's whole matrix: every activity once, exactly one A and at least one R each (422 naming the activity). */
export async function putRaci(db: Kysely<any>, actor: Actor, serviceId: string, input: RaciInput): Promise<RaciMatrix> {
  authorize(actor, 'update', 'raci');
  checkMatrix(input.activities);
  return asActor(db, actor, async (trx) => (await saveWithin(trx, actor, await serviceOf(trx, serviceId), input.activities)).matrix);
}

/** Bundle rows: only the parties that have a part, and a label only for custom activities that have one. */
function bundleRows(rows: StoredRaciRow[]): Obj[] {
  return rows.map((r) => ({
    activity: r.activity,
    ...(r.label ? { label: r.label } : {}),
    ...(r.customer ? { customer: r.customer } : {}),
    ...(r.provider ? { provider: r.provider } : {}),
    ...(r.subProcessor ? { subProcessor: r.subProcessor } : {}),
  }));
}

/** The `raci` section of the ISMS-as-code bundle: one item per service that has a matrix, keyed by service slug. */
export const raciSection: BundleSection = {
  key: 'raci',
  item: RaciBundleItem,
  subject: 'raci',
  async export(trx) {
    const services = await allResources(trx, resourceByName('services'));
    const matrices = await readRaci(trx);
    return services.filter((s) => matrices.has(s.id as string))
      .map((s) => ({ service: s.slug as string, activities: bundleRows(matrices.get(s.id as string)!) }));
  },
  async apply(trx, actor, items, resolveSlug) {
    const result: SectionApplyResult = { created: 0, updated: 0, unchanged: 0, objects: [] };
    const seen = new Set<string>();
    for (const [i, item] of items.entries()) {
      const slug = item.service as string;
      if (seen.has(slug)) throw new AppError('invalid_value', `The RACI of service "${slug}" is given twice.`, `${i}.service`);
      seen.add(slug);
      const serviceId = resolveSlug('services', slug);
      const service = serviceId ? await getResource(trx, resourceByName('services'), serviceId) : undefined;
      if (!service) throw new AppError('reference_not_found', `No service with slug "${slug}".`, `${i}.service`);
      const rows = item.activities as RaciRow[];
      checkMatrix(rows, `${i}.`);
      const { outcome } = await saveWithin(trx, actor, service, rows);
      result[outcome]++;
      result.objects.push({ key: slug, outcome });
    }
    return result;
  },
};
