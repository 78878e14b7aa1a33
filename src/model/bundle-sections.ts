import { FrameworkDocument } from '../catalog/format.js';
import type { BundleSectionSchema } from './bundle.js';
import { RaciBundleItem } from './raci.js';
import { RiskAcceptanceItem, RiskMethodSchema } from './risk-scoring.js';
import { SoaDecisionItem } from './soa.js';

/**
 * The non-generic sections of an ISMS-as-code bundle as far as reading one is concerned: key and item schema, in
 * apply order. Pure, so the offline readers (`tenantproof lint`, the analyses of a file) check a bundle exactly as
 * apply does without loading any database code; services/bundle-sections.ts gives each its export and apply, and
 * refuses to start if the two lists differ.
 */
export const BUNDLE_SECTION_SCHEMAS: readonly BundleSectionSchema[] = [
  { key: 'frameworks', item: FrameworkDocument },
  { key: 'soaDecisions', item: SoaDecisionItem },
  { key: 'raci', item: RaciBundleItem },
  { key: 'riskMethod', item: RiskMethodSchema },
  { key: 'riskAcceptances', item: RiskAcceptanceItem },
];
