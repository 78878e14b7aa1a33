import { StringEnum } from './common.js';

/** A legal jurisdiction that residency rules are written against. */
export const JURISDICTIONS = ['EU', 'UK', 'US', 'CH', 'CA', 'AU', 'GLOBAL'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/**
 * Hosting regions tenantproof knows, with the jurisdiction each lies in. Residency analysis compares a
 * tenant's allowed regions with these; an unknown region is rejected at input rather than guessed.
 */
export const REGIONS = {
  'eu-west-1': { name: 'Ireland (Dublin)', jurisdiction: 'EU' },
  'eu-central-1': { name: 'Germany (Frankfurt)', jurisdiction: 'EU' },
  'eu-west-3': { name: 'France (Paris)', jurisdiction: 'EU' },
  'eu-north-1': { name: 'Sweden (Stockholm)', jurisdiction: 'EU' },
  'eu-south-1': { name: 'Italy (Milan)', jurisdiction: 'EU' },
  'eu-nl': { name: 'Netherlands (Amsterdam)', jurisdiction: 'EU' },
  'uk-london': { name: 'United Kingdom (London)', jurisdiction: 'UK' },
  'uk-manchester': { name: 'United Kingdom (Manchester)', jurisdiction: 'UK' },
  'us-east-1': { name: 'US East (N. Virginia)', jurisdiction: 'US' },
  'us-east-2': { name: 'US East (Ohio)', jurisdiction: 'US' },
  'us-west-2': { name: 'US West (Oregon)', jurisdiction: 'US' },
  'us-central': { name: 'US Central (Iowa)', jurisdiction: 'US' },
  'ch-zurich': { name: 'Switzerland (Zurich)', jurisdiction: 'CH' },
  'ca-central-1': { name: 'Canada (Montreal)', jurisdiction: 'CA' },
  'ap-southeast-2': { name: 'Australia (Sydney)', jurisdiction: 'AU' },
  global: { name: 'Global (no fixed region)', jurisdiction: 'GLOBAL' },
} as const satisfies Record<string, { name: string; jurisdiction: Jurisdiction }>;

export type RegionCode = keyof typeof REGIONS;
export const REGION_CODES = Object.keys(REGIONS) as RegionCode[];

export const RegionSchema = StringEnum(REGION_CODES, 'Hosting region code (see GET /api/meta for the list).');

/** What a tenant may allow: a whole jurisdiction (EU, UK, US…) or a single region code. */
export const AllowedRegionSchema = StringEnum(
  [...JURISDICTIONS.filter((j) => j !== 'GLOBAL'), ...REGION_CODES.filter((r) => r !== 'global')],
  'A jurisdiction (EU, UK, US, CH, CA, AU) or a region code the tenant allows its data in.',
);

/** True when data in `region` satisfies a tenant allowance entry (a jurisdiction or an exact region). */
export function regionAllowed(region: RegionCode, allowed: readonly string[]): boolean {
  const jurisdiction = REGIONS[region].jurisdiction;
  return allowed.includes(region) || allowed.includes(jurisdiction);
}
