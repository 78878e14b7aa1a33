import type { VENDOR_CRITICALITIES } from '../vendor.js';

export type VendorCriticality = (typeof VENDOR_CRITICALITIES)[number];

/** An approved, time-bound exception to a rule (a later issue records them; until then none exist). */
export interface ScopeException {
  /** The rule excepted, e.g. `nonproduction-receives-personal-data`. */
  ruleId: string;
  /** The system, vendor or flow the exception covers. */
  objectId: string;
  approved: boolean;
  /** Last day the exception holds (YYYY-MM-DD); an exception without an end date does not count. */
  expiresOn: string | null;
  reference?: string;
}

/** A cross-tenant isolation test run against a shared system (a later issue records them). */
export interface IsolationTestResult {
  systemId: string;
  /** When the test ran: YYYY-MM-DD or an RFC 3339 timestamp. */
  testedOn: string;
  passed: boolean;
}

export interface LintOptions {
  /** Today's date (YYYY-MM-DD): review ages and exception expiries are measured against it. */
  today: string;
  /** Longest time since a vendor's last security review, in months, per criticality. */
  reviewMaxAgeMonths?: Partial<Record<VendorCriticality, number>>;
  /** A shared system needs a passed isolation test at most this many days old. */
  isolationTestMaxAgeDays?: number;
  /** Approved exceptions; without the list, no exception exists. */
  exceptions?: readonly ScopeException[];
  /** Isolation test results; without the list, no shared system has evidence. */
  isolationTests?: readonly IsolationTestResult[];
  /** Services the scope statement leaves out; until it exists every service is in scope. */
  outOfScopeServiceIds?: readonly string[];
  /** Rules not to run, by id. */
  disabledRules?: readonly string[];
}

export const DEFAULT_REVIEW_MAX_AGE_MONTHS: Readonly<Record<VendorCriticality, number>> = { critical: 12, high: 12, medium: 24, low: 36 };
export const DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS = 90;

