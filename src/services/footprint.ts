import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { footprintIds, type TenantFootprint } from '../model/footprint.js';
import { resourceByName } from '../model/index.js';
import { allResources, getResource } from '../store/resource-store.js';
import { asActor } from './resources.js';

/** The tenant page: everything that touches one tenant. A tenant-viewer may ask only for its own tenant. */
export async function tenantFootprint(db: Kysely<any>, actor: Actor, tenantId: string): Promise<TenantFootprint> {
  authorize(actor, 'read', 'tenant-footprint');
  if (actor.tenantId && actor.tenantId !== tenantId) throw new AppError('not_found', 'Tenant not found.');
  return asActor(db, actor, async (trx) => {
    const tenant = await getResource(trx, resourceByName('tenants'), tenantId);
    if (!tenant) throw new AppError('not_found', 'Tenant not found.');
    const services = await allResources(trx, resourceByName('services'));
    const vendors = await allResources(trx, resourceByName('vendors'));
    const systems = await allResources(trx, resourceByName('systems'));
    const flows = await allResources(trx, resourceByName('data-flows'));
    const ids = footprintIds(tenant as any, systems as any, flows as any);
    const consumed = new Set(tenant.serviceIds as string[]);
    return {
      tenant: { id: tenant.id as string, slug: tenant.slug as string, name: tenant.name as string, tier: tenant.tier as string, tenancyPattern: tenant.tenancyPattern as string, allowedRegions: tenant.allowedRegions as string[] },
      services: services.filter((s) => consumed.has(s.id as string)).map((s) => ({ id: s.id as string, slug: s.slug as string, name: s.name as string })),
      systems: systems.filter((s) => ids.systems.has(s.id as string)).map((s) => ({
        id: s.id as string, slug: s.slug as string, name: s.name as string, kind: s.kind as string, environment: s.environment as string,
        tenancy: s.tenancy as string, regions: s.regions as string[], inScope: s.inScope as boolean, dataCategories: s.dataCategories as string[],
        reason: ids.systems.get(s.id as string)!,
      })),
      vendors: vendors.filter((v) => ids.vendors.has(v.id as string)).map((v) => ({
        id: v.id as string, slug: v.slug as string, name: v.name as string, serviceProvided: v.serviceProvided as string,
        regions: v.regions as string[], subProcessor: v.subProcessor as boolean, reason: ids.vendors.get(v.id as string)!,
      })),
      dataFlows: flows.filter((f) => ids.flows.has(f.id as string)).map((f) => ({
        id: f.id as string, slug: f.slug as string, name: f.name as string, fromSystemId: f.fromSystemId as string,
        toSystemId: f.toSystemId as string | null, toVendorId: f.toVendorId as string | null, dataCategories: f.dataCategories as string[],
      })),
    };
  });
}
