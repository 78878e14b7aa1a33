/**
 * The benchmark's data set, written through the real services (validation, references, change records),
 * so that the rows look like the rows a user would have: per organization 3 services, 2 vendors,
 * 200 tenants, 500 systems (a third dedicated to 1–3 tenants), 300 data flows, and members with API tokens.
 */
import type { Kysely } from 'kysely';
import { resourceByName } from '../src/model/index.js';
import { addMember } from '../src/services/members.js';
import { actorForMember, createOrg, operatorActor, type OrgRef } from '../src/services/provisioning.js';
import { createObject } from '../src/services/resources.js';
import { createToken } from '../src/services/tokens.js';

export interface SeedVolume {
  services: number;
  vendors: number;
  tenants: number;
  systems: number;
  flows: number;
}

export const DEFAULT_VOLUME: SeedVolume = { services: 3, vendors: 2, tenants: 200, systems: 500, flows: 300 };

export interface SeededOrg {
  orgId: string;
  slug: string;
  /** A system of this org that the single-read scenario fetches (a dedicated one, so it has tenant links). */
  systemId: string;
  /** The tenant the tenant-viewer is bound to, and another tenant of the same org. */
  viewerTenantId: string;
  otherTenantId: string;
  /** Bearer tokens: an engineer (reads systems and tenants) and a tenant-viewer bound to viewerTenantId. */
  engineerToken: string;
  viewerToken: string;
  counts: SeedVolume;
}

const PASSWORD = 'benchmark password 1234';
const KINDS = ['application', 'api', 'database', 'object-storage', 'queue', 'cache', 'logging', 'monitoring'] as const;
const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-north-1'] as const;
const CATEGORIES = ['customer-content', 'personal-data', 'credentials', 'tenant-metadata'] as const;

/** Run `fn` over `items` with at most `limit` in flight (PGlite queues anyway; PostgreSQL uses the pool). */
async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export async function seedOrg(db: Kysely<any>, slug: string, volume: SeedVolume = DEFAULT_VOLUME, parallel = 1): Promise<SeededOrg> {
  const org: OrgRef = await createOrg(db, { slug, name: `Benchmark ${slug}` });
  const op = operatorActor(org.orgId);
  const create = async (name: Parameters<typeof resourceByName>[0], input: Record<string, unknown>) =>
    (await createObject(db, op, resourceByName(name), input)).id as string;

  const services = await eachLimited(range(volume.services), parallel, (i) =>
    create('services', { slug: `service-${i}`, name: `Service ${i}`, description: `Managed service line ${i}`, owner: 'Platform team' }));
  const vendors = await eachLimited(range(volume.vendors), parallel, (i) =>
    create('vendors', { slug: `vendor-${i}`, name: `Vendor ${i}`, regions: [REGIONS[i % REGIONS.length]], subProcessor: i % 2 === 0, dataCategories: ['customer-content'] }));
  const tenants = await eachLimited(range(volume.tenants), parallel, (i) =>
    create('tenants', {
      slug: `tenant-${String(i).padStart(4, '0')}`, name: `Customer ${i}`, tier: (['A', 'B', 'C'] as const)[i % 3],
      tenancyPattern: (['dedicated', 'pooled', 'region-pinned'] as const)[i % 3], allowedRegions: ['EU'],
      sector: 'finance', serviceIds: [services[i % services.length], services[(i + 1) % services.length]].filter((v, k, a) => a.indexOf(v) === k),
      dpaReference: `DPA-${i}`, breachNotificationHours: 48,
      contacts: [{ name: `Officer ${i}`, email: `security${i}@customer${i}.example`, role: 'security officer' }],
    }));
  const systems = await eachLimited(range(volume.systems), parallel, (i) => {
    const dedicated = i % 3 === 0;
    // a dedicated system serves 1–3 tenants
    const tenantIds = dedicated ? range(1 + ((i / 3) % 3)).map((k) => tenants[(i + k * 7) % tenants.length]!) : undefined;
    return create('systems', {
      slug: `system-${String(i).padStart(4, '0')}`, name: `System ${i}`, description: `Component ${i} of the platform.`,
      kind: KINDS[i % KINDS.length], environment: i % 5 === 0 ? 'staging' : 'production',
      regions: [REGIONS[i % REGIONS.length]], hostingVendorId: vendors[i % vendors.length] ?? null,
      tenancy: dedicated ? 'dedicated' : 'multi-tenant', ...(tenantIds ? { tenantIds: [...new Set(tenantIds)] } : {}),
      serviceIds: [services[i % services.length]], dataCategories: [CATEGORIES[i % CATEGORIES.length]],
      inScope: true, owner: 'SRE', accessControl: 'SSO with MFA', logging: 'Central SIEM', retention: '13 months',
      isolationMechanism: dedicated ? '' : 'Row-level security',
    });
  });
  await eachLimited(range(volume.flows), parallel, (i) => {
    const from = systems[i % systems.length]!;
    const toVendor = i % 4 === 0;
    const to = systems[(i * 7 + 1) % systems.length]!;
    return create('data-flows', {
      slug: `flow-${String(i).padStart(4, '0')}`, name: `Flow ${i}`, fromSystemId: from,
      ...(toVendor || to === from ? { toVendorId: vendors[i % vendors.length] } : { toSystemId: to }),
      dataCategories: ['personal-data'], purpose: 'Replication', serviceId: services[i % services.length],
    });
  });

  const token = async (role: 'engineer' | 'tenant-viewer', tenantId: string | null) => {
    const email = `${role}@${slug}.bench.example`;
    await addMember(db, op, { email, displayName: `${role} of ${slug}`, role, tenantId, password: PASSWORD });
    const actor = await actorForMember(db, org, email);
    return (await createToken(db, actor, { name: `bench ${role}` })).token;
  };
  // System 3 is dedicated (i % 3 === 0) and linked to two tenants and one service: a representative read.
  const systemId = systems[Math.min(3, systems.length - 1)]!;
  const viewerTenantId = tenants[0]!;
  return {
    orgId: org.orgId, slug, systemId, viewerTenantId, otherTenantId: tenants[1] ?? tenants[0]!,
    engineerToken: await token('engineer', null), viewerToken: await token('tenant-viewer', viewerTenantId),
    counts: volume,
  };
}
