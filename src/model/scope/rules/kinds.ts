import type { SystemKind } from '../../system.js';
import { firstBit, rowIsEmpty } from '../bitset.js';
import { categoryMask, CUSTOMER_DATA_MASK } from '../categories.js';
import type { LintContext } from '../lint-context.js';
import type { ObjectRef } from '../objects.js';
import { systemRef } from '../graph.js';
import type { Component } from '../trace.js';

/** Tools through which staff reach into tenants: support, ticketing, remote management, admin consoles. */
export const SUPPORT_KINDS: ReadonlySet<SystemKind> = new Set(['support-tool', 'ticketing', 'rmm', 'admin-dashboard']);

/** Systems that keep secondary copies of tenant data: logs, monitoring, analytics, backups. */
export const SECONDARY_COPY_KINDS: ReadonlySet<SystemKind> = new Set(['logging', 'monitoring', 'analytics', 'backup']);

const TENANT_DATA_MASK = CUSTOMER_DATA_MASK | categoryMask(['tenant-metadata']);

/** The system holds some tenant's data (it serves tenants, or flows bring their data) or records tenant data itself. */
export function touchesTenantData(ctx: LintContext, s: number): boolean {
  return !rowIsEmpty(ctx.reach().systems, s) || (ctx.graph.systemCategories[s]! & TENANT_DATA_MASK) !== 0;
}

/** A path carrying the first tenant whose data reaches `target` there; empty when no tenant's data does. */
export function firstTenantPath(ctx: LintContext, target: Component): ObjectRef[] {
  const reach = ctx.reach();
  const t = firstBit(target.kind === 'system' ? reach.systems : reach.vendorsByFlow, target.index);
  return t < 0 ? [] : ctx.tracer().path(t, target);
}

/** A path proving that tenant data reaches system `s`, or the system alone. */
export function tenantDataPath(ctx: LintContext, s: number): ObjectRef[] {
  const path = firstTenantPath(ctx, { kind: 'system', index: s });
  return path.length ? path : [systemRef(ctx.graph, s)];
}
