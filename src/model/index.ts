import { dataFlowResource } from './data-flow.js';
import type { ResourceDefinition, ResourceName } from './resource.js';
import { serviceResource } from './service.js';
import { systemResource } from './system.js';
import { tenantResource } from './tenant.js';
import { vendorResource } from './vendor.js';

/** All generic resources, in dependency order: a resource only references those before it. */
export const RESOURCES: readonly ResourceDefinition[] = [
  serviceResource,
  vendorResource,
  tenantResource,
  systemResource,
  dataFlowResource,
];

export function resourceByName(name: ResourceName): ResourceDefinition {
  const def = RESOURCES.find((r) => r.name === name);
  if (!def) throw new Error(`unknown resource ${name}`);
  return def;
}
