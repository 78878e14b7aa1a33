import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { resourceByName } from '../model/index.js';
import type { ProcessingActivity } from '../model/processing-activity.js';
import { controllerRecord, processorRecord, type RopaData, type RopaRecord, type RopaTenant } from '../model/ropa.js';
import { allResources, getResource } from '../store/resource-store.js';
import { asActor } from './resources.js';

/**
 * The records of processing (GDPR Art. 30) as the actor may see them. Reading goes through the actor's database
 * context, so a tenant-viewer's transaction only holds its own tenant, the service-wide processor activities of
 * its services and its own tenant-specific ones (the tenant policy of processing_activities).
 */
async function loadRopaData(trx: Transaction<any>): Promise<RopaData> {
  const org = await trx.selectFrom('orgs').select('name').executeTakeFirst();
  const activities = await allResources(trx, resourceByName('processing-activities')) as unknown as ProcessingActivity[];
  const services = await allResources(trx, resourceByName('services'));
  const tenants = await allResources(trx, resourceByName('tenants'));
  const vendors = await allResources(trx, resourceByName('vendors'));
  return {
    orgName: (org?.name as string | undefined) ?? '',
    activities,
    services: services.map((s) => ({ id: s.id as string, slug: s.slug as string, name: s.name as string })),
    tenants: tenants.map((t) => t as unknown as RopaTenant),
    vendors: vendors.map((v) => ({ id: v.id as string, name: v.name as string })),
  };
}

/**
 * The controller record (Art. 30(1)): the provider's own processing. A tenant-viewer gets 403: it concerns the
 * provider (its staff, its billing), not the customer.
 */
export async function controllerRecordOf(db: Kysely<any>, actor: Actor): Promise<RopaRecord> {
  authorize(actor, 'read', 'ropa');
  if (actor.tenantId) throw new AppError('forbidden', 'The controller record is the provider\u2019s own; a customer\u2019s viewer reads its processor record.');
  return asActor(db, actor, async (trx) => controllerRecord(await loadRopaData(trx)));
}

/**
 * The processor record (Art. 30(2)): for one customer tenant when `tenantId` is given (404 when the actor cannot
 * see it: another organization's, or another tenant for a tenant-viewer), else for every customer the actor sees
 * (a tenant-viewer: its own).
 */
export async function processorRecordOf(db: Kysely<any>, actor: Actor, tenantId?: string): Promise<RopaRecord> {
  authorize(actor, 'read', 'ropa');
  return asActor(db, actor, async (trx) => {
    if (tenantId !== undefined) {
      const visible = (actor.tenantId === null || actor.tenantId === tenantId) && await getResource(trx, resourceByName('tenants'), tenantId);
      if (!visible) throw new AppError('not_found', 'Tenant not found.');
    }
    const data = await loadRopaData(trx);
    const only = tenantId !== undefined ? [tenantId] : actor.tenantId ? [actor.tenantId] : undefined;
    return processorRecord(data, only);
  });
}
