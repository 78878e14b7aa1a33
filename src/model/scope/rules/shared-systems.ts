import { rowHasAtLeast } from '../bitset.js';
import { categoryMask } from '../categories.js';
import type { LintContext } from '../lint-context.js';

const NONE_ONLY = categoryMask(['none']);

/**
 * Systems where tenants' data is actually mixed: the data of two or more tenants is there (by service,
 * dedication to several tenants, or flows), and the system does not declare that it holds no data.
 */
export function isSharedByTenants(ctx: LintContext, s: number): boolean {
  return ctx.graph.systemCategories[s] !== NONE_ONLY && rowHasAtLeast(ctx.reach().systems, s, 2);
}
