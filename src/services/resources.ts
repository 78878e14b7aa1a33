import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { contextOf, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { resourceByName } from '../model/index.js';
import type { ResourceDefinition } from '../model/resource.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import { recordChange } from '../ledger/record.js';
import { withContext } from '../store/database.js';
import { vendorWritten } from './vendor-review.js';
import { translateDbError } from '../store/db-errors.js';
import {
  deleteResource, existingIds, findIdBySlug, getResource, insertResource, listResources, updateResource,
  type ListQuery, type Page,
} from '../store/resource-store.js';

type Obj = Record<string, unknown>;

/**
 * Work a write opens in another area, run in the write's own transaction after its change record (a delete: just
 * before the row goes): `before` is null for a create, `after` null for a delete. Each hook writes its own ledger
 * entries. Called through a wrapper so that the import cycle (the hook's module uses this one) resolves at call time.
 */
export type AfterWrite = (trx: Transaction<any>, actor: Actor, before: Obj | null, after: Obj | null) => Promise<void>;
const AFTER_WRITE: Partial<Record<ResourceDefinition['name'], AfterWrite>> = {
  // a new or changed sub-processor opens a review task listing the tenants its data reaches
  vendors: (trx, actor, before, after) => vendorWritten(trx, actor, before, after),
};

/** Run a unit of work as the actor, translating constraint violations into API errors. */
export async function asActor<T>(db: Kysely<any>, actor: Actor, fn: (trx: Transaction<any>) => Promise<T>): Promise<T> {
  try {
    return await withContext(db, contextOf(actor), fn);
  } catch (error) {
    throw translateDbError(error);
  }
}

/** Every referenced id must exist in this organization; the error names the field. */
export async function checkReferences(trx: Transaction<any>, def: ResourceDefinition, input: Obj, describe: (field: string, id: string) => string = defaultDescribe): Promise<void> {
  for (const ref of def.refs) {
    const id = input[ref.field];
    if (typeof id !== 'string') continue;
    const found = await existingIds(trx, resourceByName(ref.target).table, [id]);
    if (!found.has(id)) throw new AppError('reference_not_found', describe(ref.field, id), ref.field);
  }
  for (const link of def.links) {
    const ids = input[link.field];
    if (!Array.isArray(ids) || ids.length === 0) continue;
    const found = await existingIds(trx, resourceByName(link.target).table, ids as string[]);
    const missing = (ids as string[]).find((id) => !found.has(id));
    if (missing) throw new AppError('reference_not_found', describe(link.field, missing), link.field);
  }
}

function defaultDescribe(field: string, id: string): string {
  return `${field}: no object with id ${id} in this organization.`;
}

/**
 * A tenant still bound to people (its tenant-viewers) or to dedicated systems cannot be deleted: the database
 * would silently drop those memberships and leave "dedicated" systems serving no one.
 */
async function checkTenantDeletable(trx: Transaction<any>, id: string): Promise<void> {
  const viewers = await trx.selectFrom('memberships').select(sql<string>`count(*)`.as('n')).where('tenant_id', '=', id).executeTakeFirst();
  if (Number(viewers?.n ?? 0) > 0) throw new AppError('in_use', `The tenant still has ${viewers!.n} tenant-viewer member(s); remove them first.`);
  const systems = await trx.selectFrom('system_tenants').select(sql<string>`count(*)`.as('n')).where('tenant_id', '=', id).executeTakeFirst();
  if (Number(systems?.n ?? 0) > 0) throw new AppError('in_use', `${systems!.n} system(s) are dedicated to this tenant; change or delete them first.`);
}

/** The tenant a change concerns, for the audit trail. */
function tenantOf(def: ResourceDefinition, obj: Obj): string | null {
  return def.tenantField ? ((obj[def.tenantField] as string | null | undefined) ?? null) : null;
}

export async function listObjects(db: Kysely<any>, actor: Actor, def: ResourceDefinition, query: ListQuery): Promise<Page<Obj>> {
  authorize(actor, 'read', def.name);
  return asActor(db, actor, (trx) => listResources(trx, def, query));
}

export async function getObject(db: Kysely<any>, actor: Actor, def: ResourceDefinition, id: string): Promise<Obj> {
  authorize(actor, 'read', def.name);
  const obj = await asActor(db, actor, (trx) => getResource(trx, def, id));
  if (!obj) throw new AppError('not_found', `${def.label} not found.`);
  return obj;
}

export async function createObject(db: Kysely<any>, actor: Actor, def: ResourceDefinition, input: Obj): Promise<Obj> {
  authorize(actor, 'create', def.name);
  def.check?.(input);
  return asActor(db, actor, (trx) => createWithin(trx, actor, def, input));
}

/** Create inside a transaction the caller holds (API requests and bundle apply); rules, references, slug and change record. */
export async function createWithin(trx: Transaction<any>, actor: Actor, def: ResourceDefinition, input: Obj, id: string = randomUUID()): Promise<Obj> {
  def.check?.(input);
  await checkReferences(trx, def, input);
  if (await findIdBySlug(trx, def, input.slug as string)) {
    throw new AppError('slug_taken', `Another ${def.objectType} already has the slug "${input.slug}".`, 'slug');
  }
  await insertResource(trx, def, actor.orgId, id, input);
  const created = (await getResource(trx, def, id))!;
  await recordChange(trx, actor, { action: 'create', objectType: def.objectType, objectId: id,
    objectSlug: input.slug as string, tenantId: tenantOf(def, created), summary: `Created ${def.objectType} ${input.name as string}`, after: created,
  });
  await AFTER_WRITE[def.name]?.(trx, actor, null, created);
  return created;
}

export async function updateObject(db: Kysely<any>, actor: Actor, def: ResourceDefinition, id: string, patch: Obj): Promise<Obj> {
  authorize(actor, 'update', def.name);
  return asActor(db, actor, async (trx) => {
    const current = await getResource(trx, def, id);
    if (!current) throw new AppError('not_found', `${def.label} not found.`);
    return updateWithin(trx, actor, def, current, patch);
  });
}

/** Update an object the caller has read in its own transaction; rules on the merged object, references, slug, change record. */
export async function updateWithin(trx: Transaction<any>, actor: Actor, def: ResourceDefinition, current: Obj, patch: Obj): Promise<Obj> {
  const id = current.id as string;
  const merged = { ...current, ...patch };
  def.check?.(merged);
  await checkReferences(trx, def, patch);
  if (patch.slug !== undefined && patch.slug !== current.slug) {
    const other = await findIdBySlug(trx, def, patch.slug as string);
    if (other && other !== id) throw new AppError('slug_taken', `Another ${def.objectType} already has the slug "${patch.slug}".`, 'slug');
  }
  await updateResource(trx, def, actor.orgId, id, patch);
  const updated = (await getResource(trx, def, id))!;
  const changed = changedFields(current, patch);
  await recordChange(trx, actor, { action: 'update', objectType: def.objectType, objectId: id,
    objectSlug: updated.slug as string, tenantId: tenantOf(def, updated),
    summary: changed.length ? `Changed ${changed.join(', ')}` : 'No change', before: current, after: updated,
  });
  await AFTER_WRITE[def.name]?.(trx, actor, current, updated);
  return updated;
}

/** Fields of `patch` whose value differs from `current` (arrays of ids compared as sets). */
export function changedFields(current: Obj, patch: Obj): string[] {
  return Object.keys(patch).filter((k) => comparable(patch[k]) !== comparable(current[k]));
}

function comparable(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return JSON.stringify([...value].sort());
  return canonicalJson(value ?? null);
}

export async function deleteObject(db: Kysely<any>, actor: Actor, def: ResourceDefinition, id: string): Promise<void> {
  authorize(actor, 'delete', def.name);
  await asActor(db, actor, async (trx) => {
    const current = await getResource(trx, def, id);
    if (!current) throw new AppError('not_found', `${def.label} not found.`);
    if (def.name === 'tenants') await checkTenantDeletable(trx, id);
    // before the row goes: foreign keys to it may be cleared by the delete
    await AFTER_WRITE[def.name]?.(trx, actor, current, null);
    await deleteResource(trx, def, id);
    await recordChange(trx, actor, { action: 'delete', objectType: def.objectType, objectId: id,
      objectSlug: current.slug as string, tenantId: tenantOf(def, current), summary: `Deleted ${def.objectType} ${current.name as string}`, before: current,
    });
  });
}
