import { controlExceptionResource } from './control-exception.js';
import { controlImplementationResource } from './control-implementation.js';
import { dataFlowResource } from './data-flow.js';
import { evidenceResource } from './evidence.js';
import { interestedPartyResource } from './interested-party.js';
import { processingActivityResource } from './processing-activity.js';
import type { ResourceDefinition, ResourceName } from './resource.js';
import { riskResource } from './risk.js';
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
  controlImplementationResource,
  evidenceResource,
  controlExceptionResource,
  processingActivityResource,
  interestedPartyResource,
  riskResource,
];

export function resourceByName(name: ResourceName): ResourceDefinition {
  const def = RESOURCES.find((r) => r.name === name);
  if (!def) throw new Error(`unknown resource ${name}`);
  return def;
}
