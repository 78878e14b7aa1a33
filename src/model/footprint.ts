import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from './common.js';

const Ref = {
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
};

/**
 * What touches one tenant: the services it consumes, the systems that hold or process its data (dedicated to
 * it, or shared systems of its services), the data flows between them and the vendors they reach.
 * Only what a customer's security officer may see of each is listed.
 */
export const TenantFootprint = Type.Object(
  {
    tenant: Type.Object({ ...Ref, tier: Type.String(), tenancyPattern: Type.String(), allowedRegions: Type.Array(Type.String()) }, { additionalProperties: false }),
    services: Type.Array(Type.Object(Ref, { additionalProperties: false })),
    systems: Type.Array(Type.Object({
      ...Ref, kind: Type.String(), environment: Type.String(), tenancy: Type.String(), regions: Type.Array(Type.String()),
      inScope: Type.Boolean(), dataCategories: Type.Array(Type.String()),
      reason: Type.String({ description: 'Why the system touches this tenant.' }),
    }, { additionalProperties: false })),
    vendors: Type.Array(Type.Object({
      ...Ref, serviceProvided: Type.String(), regions: Type.Array(Type.String()), subProcessor: Type.Boolean(),
      reason: Type.String(),
    }, { additionalProperties: false })),
    dataFlows: Type.Array(Type.Object({
      ...Ref, fromSystemId: Uuid, toSystemId: Type.Union([Uuid, Type.Null()]), toVendorId: Type.Union([Uuid, Type.Null()]),
      dataCategories: Type.Array(Type.String()),
    }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type TenantFootprint = Static<typeof TenantFootprint>;

interface FSystem { id: string; slug: string; name: string; tenancy: string; tenantIds: string[]; serviceIds: string[]; hostingVendorId: string | null; [k: string]: unknown }
interface FFlow { id: string; fromSystemId: string; toSystemId: string | null; toVendorId: string | null; [k: string]: unknown }
interface FTenant { id: string; serviceIds: string[] }

/**
 * Pure: the ids of systems, vendors and flows touching a tenant. A system touches it when dedicated to it or
 * shared by a service it consumes; flows leaving those systems carry its data onward, so their destinations
 * (systems and vendors) touch it too, transitively. Hosting vendors of touched systems touch it.
 * A flow into a system dedicated to other tenants, or into a system not in `systems` (hidden from the
 * viewer), is left out with its destination: a footprint is shown to the tenant and must not name them.
 */
export function footprintIds(tenant: FTenant, systems: FSystem[], flows: FFlow[]): {
  systems: Map<string, string>; vendors: Map<string, string>; flows: Set<string>;
} {
  const consumed = new Set(tenant.serviceIds);
  const touchedSystems = new Map<string, string>();
  for (const s of systems) {
    if (s.tenancy === 'dedicated' && s.tenantIds.includes(tenant.id)) touchedSystems.set(s.id, 'dedicated to this tenant');
    else if (s.tenancy === 'multi-tenant' && s.serviceIds.some((id) => consumed.has(id))) touchedSystems.set(s.id, 'shared system of a service the tenant consumes');
  }
  const bySystem = new Map<string, FFlow[]>();
  for (const f of flows) bySystem.set(f.fromSystemId, [...(bySystem.get(f.fromSystemId) ?? []), f]);
  const queue = [...touchedSystems.keys()];
  const vendors = new Map<string, string>();
  const touchedFlows = new Set<string>();
  const names = new Map(systems.map((s) => [s.id, s.name]));
  const byId = new Map(systems.map((s) => [s.id, s]));
  const othersOnly = (systemId: string) => {
    const s = byId.get(systemId);
    return !s || (s.tenancy === 'dedicated' && !s.tenantIds.includes(tenant.id));
  };
  while (queue.length) {
    const id = queue.shift()!;
    for (const f of bySystem.get(id) ?? []) {
      if (f.toSystemId && othersOnly(f.toSystemId)) continue;
      touchedFlows.add(f.id);
      if (f.toSystemId && !touchedSystems.has(f.toSystemId)) {
        touchedSystems.set(f.toSystemId, `receives data from ${names.get(id) ?? id}`);
        queue.push(f.toSystemId);
      }
      if (f.toVendorId && !vendors.has(f.toVendorId)) vendors.set(f.toVendorId, `receives data from ${names.get(id) ?? id}`);
    }
  }
  for (const s of systems) {
    if (touchedSystems.has(s.id) && s.hostingVendorId && !vendors.has(s.hostingVendorId)) vendors.set(s.hostingVendorId, `hosts ${s.name}`);
  }
  return { systems: touchedSystems, vendors, flows: touchedFlows };
}
