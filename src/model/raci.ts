import { Type, type Static } from '@sinclair/typebox';
import { Name, Slug, StringEnum, Uuid } from './common.js';

/** The activities every service's RACI starts from; a service may add its own. */
export const STANDARD_RACI_ACTIVITIES = [
  'provisioning', 'access-approval', 'logging', 'backup-configuration', 'incident-triage', 'breach-notification', 'data-subject-requests',
] as const;

export const STANDARD_RACI_LABELS: Record<(typeof STANDARD_RACI_ACTIVITIES)[number], string> = {
  provisioning: 'Provisioning',
  'access-approval': 'Access approval',
  logging: 'Logging',
  'backup-configuration': 'Backup configuration',
  'incident-triage': 'Incident triage',
  'breach-notification': 'Breach notification',
  'data-subject-requests': 'Data-subject requests',
};

/** The parties of the matrix, as JSON properties; the database stores sub-processor for subProcessor. */
export const RACI_PARTIES = ['customer', 'provider', 'subProcessor'] as const;
export type RaciParty = (typeof RACI_PARTIES)[number];
export const RACI_PARTY_LABELS: Record<RaciParty, string> = { customer: 'Customer', provider: 'Provider', subProcessor: 'Sub-processor / cloud provider' };

export const RACI_VALUES = ['R', 'A', 'C', 'I'] as const;
export type RaciValue = (typeof RACI_VALUES)[number];

const Cell = Type.Optional(Type.Union([StringEnum(RACI_VALUES), Type.Null()], { description: 'Responsible, Accountable, Consulted, Informed; null or absent: no part.' }));

/** One activity's row: who is Responsible, Accountable, Consulted or Informed. */
export const RaciRow = Type.Object(
  {
    activity: Type.String({ pattern: Slug.pattern, minLength: 1, maxLength: 64, description: 'The activity: one of the standard ones (provisioning, access-approval, ...) or a custom one, as a slug.' }),
    label: Type.Optional(Type.String({ maxLength: 200, description: 'How a custom activity reads; standard activities have their own.' })),
    customer: Cell,
    provider: Cell,
    subProcessor: Cell,
  },
  { additionalProperties: false },
);
export type RaciRow = Static<typeof RaciRow>;

export const RaciInput = Type.Object(
  { activities: Type.Array(RaciRow, { maxItems: 100, description: 'The whole matrix, in display order; it replaces the stored one.' }) },
  { additionalProperties: false },
);
export type RaciInput = Static<typeof RaciInput>;

/** A row as served: every party present (null for no part) and the label resolved. */
export const RaciRowOut = Type.Object(
  {
    activity: Type.String(),
    label: Type.String(),
    standard: Type.Boolean(),
    customer: Type.Union([StringEnum(RACI_VALUES), Type.Null()]),
    provider: Type.Union([StringEnum(RACI_VALUES), Type.Null()]),
    subProcessor: Type.Union([StringEnum(RACI_VALUES), Type.Null()]),
  },
  { additionalProperties: false },
);
export type RaciRowOut = Static<typeof RaciRowOut>;

export const RaciMatrix = Type.Object(
  {
    service: Type.Object({ id: Uuid, slug: Type.String(), name: Name }, { additionalProperties: false }),
    activities: Type.Array(RaciRowOut),
    /** SHA-256 of the matrix's canonical form: what the ledger's before/after digests are computed from. */
    digest: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type RaciMatrix = Static<typeof RaciMatrix>;

export function isStandardActivity(activity: string): activity is (typeof STANDARD_RACI_ACTIVITIES)[number] {
  return (STANDARD_RACI_ACTIVITIES as readonly string[]).includes(activity);
}

/** The label an activity is shown with: the standard one, else the custom label, else the slug in words. */
export function activityLabel(activity: string, label?: string | null): string {
  if (isStandardActivity(activity)) return STANDARD_RACI_LABELS[activity];
  const own = (label ?? '').trim();
  if (own) return own;
  const words = activity.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A problem of a matrix, with the path of the field it concerns (`activities.<i>` or `activities.<i>.<party>`). */
export interface RaciProblem { field: string; message: string }

/**
 * Every rule a matrix breaks: each activity once, exactly one Accountable party, at least one Responsible one.
 * Pure, so the editor, the API and the bundle use the same words.
 */
export function raciProblems(rows: readonly RaciRow[]): RaciProblem[] {
  const problems: RaciProblem[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const name = activityLabel(row.activity, row.label);
    if (seen.has(row.activity)) {
      problems.push({ field: `activities.${i}.activity`, message: `The activity "${row.activity}" is listed twice.` });
      return;
    }
    seen.add(row.activity);
    const values = RACI_PARTIES.map((p) => row[p] ?? null);
    const accountable = values.filter((v) => v === 'A').length;
    if (accountable === 0) problems.push({ field: `activities.${i}`, message: `${name}: exactly one party must be Accountable (A); none is.` });
    if (accountable > 1) problems.push({ field: `activities.${i}`, message: `${name}: exactly one party must be Accountable (A); ${accountable} are.` });
    if (!values.includes('R')) problems.push({ field: `activities.${i}`, message: `${name}: at least one party must be Responsible (R).` });
  });
  return problems;
}

/** The matrix as stored and digested: rows in order with every party present and labels only for custom activities. */
export function normalizeRaci(rows: readonly RaciRow[]): Array<{ activity: string; label: string; customer: RaciValue | null; provider: RaciValue | null; subProcessor: RaciValue | null }> {
  return rows.map((r) => ({
    activity: r.activity,
    label: isStandardActivity(r.activity) ? '' : (r.label ?? '').trim(),
    customer: r.customer ?? null,
    provider: r.provider ?? null,
    subProcessor: r.subProcessor ?? null,
  }));
}

/** The rows of an empty matrix, as the editor starts a service that has none. */
export function standardRaciRows(): RaciRowOut[] {
  return STANDARD_RACI_ACTIVITIES.map((a) => ({ activity: a, label: STANDARD_RACI_LABELS[a], standard: true, customer: null, provider: null, subProcessor: null }));
}

/** One bundle item: a service (by slug) and its whole matrix. */
export const RaciBundleItem = Type.Object(
  { service: Slug, activities: Type.Array(RaciRow, { maxItems: 100 }) },
  { additionalProperties: false },
);
