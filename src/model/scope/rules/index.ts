import type { ScopeRule } from '../finding.js';
import { adminAccessProviderOutsideScope } from './admin-access-provider-outside-scope.js';
import { dataResidencyBreach } from './data-residency-breach.js';
import { deploymentPipelineOutsideScope } from './deployment-pipeline-outside-scope.js';
import { excludedSystemHasInScopeDependents } from './excluded-system-has-in-scope-dependents.js';
import { exclusionWithoutJustification } from './exclusion-without-justification.js';
import { isolationMechanismUnrecorded } from './isolation-mechanism-unrecorded.js';
import { isolationTestEvidenceMissing } from './isolation-test-evidence-missing.js';
import { nonproductionReceivesPersonalData } from './nonproduction-receives-personal-data.js';
import { outOfScopeCustomerData } from './out-of-scope-customer-data.js';
import { regionUnrecorded } from './region-unrecorded.js';
import { secondaryDataOutsideScope } from './secondary-data-outside-scope.js';
import { secondaryDataRetentionUnrecorded } from './secondary-data-retention-unrecorded.js';
import { serviceDependsOnExcludedSystem } from './service-depends-on-excluded-system.js';
import { supportAccessControlsUnrecorded } from './support-access-controls-unrecorded.js';
import { supportAccessOutsideScope } from './support-access-outside-scope.js';
import { vendorNotReviewed } from './vendor-not-reviewed.js';
import { vendorProcessorNotFlagged } from './vendor-processor-not-flagged.js';
import { vendorReviewOverdue } from './vendor-review-overdue.js';

/** Every scope rule, in the order findings are reported within a severity. */
export const SCOPE_RULES: readonly ScopeRule[] = [
  outOfScopeCustomerData,
  serviceDependsOnExcludedSystem,
  excludedSystemHasInScopeDependents,
  exclusionWithoutJustification,
  supportAccessOutsideScope,
  supportAccessControlsUnrecorded,
  secondaryDataOutsideScope,
  secondaryDataRetentionUnrecorded,
  deploymentPipelineOutsideScope,
  adminAccessProviderOutsideScope,
  vendorNotReviewed,
  vendorReviewOverdue,
  vendorProcessorNotFlagged,
  nonproductionReceivesPersonalData,
  isolationMechanismUnrecorded,
  isolationTestEvidenceMissing,
  dataResidencyBreach,
  regionUnrecorded,
];
