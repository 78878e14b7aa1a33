import { buildIsmsGraph, type IsmsGraph } from '../../../src/model/scope/graph.js';
import type { IsmsObjects, ScopeDataFlow, ScopeService, ScopeSystem, ScopeTenant, ScopeVendor } from '../../../src/model/scope/objects.js';

type SystemOptions = Partial<Omit<ScopeSystem, 'id' | 'slug' | 'serviceIds' | 'tenantIds' | 'hostingVendorId'>> & { services?: string[]; tenants?: string[]; host?: string };
type TenantOptions = Partial<Omit<ScopeTenant, 'id' | 'slug' | 'serviceIds'>> & { services?: string[] };
type FlowOptions = Partial<Pick<ScopeDataFlow, 'dataCategories' | 'name'>> & { service?: string; slug?: string };

/**
 * A small organization written in code for the scope tests: every object gets sensible, "nothing wrong"
 * defaults (in scope, access control, logging, retention and isolation recorded, EU region, reviewed vendor),
 * so a test states only what it is about. Ids are `kind:slug`.
 */
export class ModelBuilder {
  readonly services: ScopeService[] = [];
  readonly vendors: ScopeVendor[] = [];
  readonly tenants: ScopeTenant[] = [];
  readonly systems: ScopeSystem[] = [];
  readonly dataFlows: ScopeDataFlow[] = [];

  service(slug: string): this {
    this.services.push({ id: `service:${slug}`, slug, name: `Service ${slug}` });
    return this;
  }

  vendor(slug: string, o: Partial<Omit<ScopeVendor, 'id' | 'slug'>> = {}): this {
    this.vendors.push({
      id: `vendor:${slug}`, slug, name: `Vendor ${slug}`, dataCategories: [], criticality: 'medium', reviewStatus: 'approved',
      reviewedOn: '2026-01-01', regions: ['eu-west-1'], subProcessor: true, ...o,
    });
    return this;
  }

  tenant(slug: string, o: TenantOptions = {}): this {
    const { services = [], ...rest } = o;
    this.tenants.push({ id: `tenant:${slug}`, slug, name: `Tenant ${slug}`, tier: 'B', allowedRegions: [], ...rest, serviceIds: services.map((s) => `service:${s}`) });
    return this;
  }

  system(slug: string, o: SystemOptions = {}): this {
    const { services = [], tenants = [], host, ...rest } = o;
    this.systems.push({
      id: `system:${slug}`, slug, name: `System ${slug}`, kind: 'application', environment: 'production', regions: ['eu-west-1'],
      tenancy: tenants.length ? 'dedicated' : 'multi-tenant', dataCategories: ['personal-data'], inScope: true, exclusionJustification: '',
      accessControl: 'SSO with MFA', logging: 'audit log to the SIEM', retention: '1 year', isolationMechanism: 'row-level security',
      deploysToProduction: false, grantsAdminAccess: false,
      ...rest,
      hostingVendorId: host ? `vendor:${host}` : null,
      serviceIds: services.map((s) => `service:${s}`),
      tenantIds: tenants.map((t) => `tenant:${t}`),
    });
    return this;
  }

  /** A flow from system `from` to system `to`, or to a vendor when `to` is `vendor:<slug>`. */
  flow(from: string, to: string, o: FlowOptions = {}): this {
    const toVendor = to.startsWith('vendor:');
    const slug = o.slug ?? `${from}-to-${toVendor ? to.slice(7) : to}`;
    this.dataFlows.push({
      id: `flow:${slug}`, slug, name: o.name ?? `Flow ${slug}`, fromSystemId: `system:${from}`,
      toSystemId: toVendor ? null : `system:${to}`, toVendorId: toVendor ? to : null,
      dataCategories: o.dataCategories ?? ['personal-data'], serviceId: o.service ? `service:${o.service}` : null,
    });
    return this;
  }

  objects(): IsmsObjects {
    return { services: this.services, vendors: this.vendors, tenants: this.tenants, systems: this.systems, dataFlows: this.dataFlows };
  }

  graph(): IsmsGraph {
    return buildIsmsGraph(this.objects());
  }
}

export const model = () => new ModelBuilder();
