import { CUSTOMER_DATA_CATEGORIES, DATA_CATEGORIES, type DataCategory } from '../common.js';

/**
 * Data categories as bits, so that "does this flow carry personal data?" is one AND over 100,000 flows.
 * Bit i is DATA_CATEGORIES[i].
 */
export function categoryMask(categories: readonly DataCategory[]): number {
  let mask = 0;
  for (const c of categories) {
    const i = DATA_CATEGORIES.indexOf(c);
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}

/** The categories of a mask, in DATA_CATEGORIES order. */
export function categoriesOf(mask: number): DataCategory[] {
  return DATA_CATEGORIES.filter((_, i) => (mask & (1 << i)) !== 0);
}

const NONE = categoryMask(['none']);

/** Customer data in the model's sense (CUSTOMER_DATA_CATEGORIES): content, personal and special-category data, credentials. */
export const CUSTOMER_DATA_MASK = categoryMask(CUSTOMER_DATA_CATEGORIES);

/** Personal data under GDPR, directly or inside customer content. */
export const PERSONAL_DATA_MASK = categoryMask(['customer-content', 'personal-data', 'special-category-data']);

/**
 * Whether a flow (or a system) with these categories carries tenant data at all. Only an explicit `none` says
 * it does not; nothing recorded is read as "may carry anything", so an unrecorded flow widens exposure rather
 * than hiding it.
 */
export function carriesTenantData(mask: number): boolean {
  return mask === 0 || (mask & ~NONE) !== 0;
}
