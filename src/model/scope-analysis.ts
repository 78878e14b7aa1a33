import { Type } from '@sinclair/typebox';
import { DateOnly, StringEnum, Uuid } from './common.js';
import { SCOPE_RULES } from './scope/rules/index.js';
import { TENANT_TIERS } from './tenant.js';

/**
 * What the scope-analysis routes accept and send: one schema each for validation, serialization (fields not
 * listed never leave the server) and the OpenAPI document.
 */

const SEVERITIES = ['error', 'warning', 'info'] as const;
const RULE_IDS = SCOPE_RULES.map((r) => r.id) as [string, ...string[]];

/** Largest page of an analysis list. */
export const MAX_ANALYSIS_PAGE = 500;

const Limit = Type.Integer({ minimum: 1, maximum: MAX_ANALYSIS_PAGE, default: 100, description: `Page size (1–${MAX_ANALYSIS_PAGE}).` });
const Cursor = Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page.' }));

/** An object named by a finding or a path: enough to show it and link to its page. */
export const ObjectRefSchema = Type.Object({
  kind: StringEnum(['system', 'vendor', 'flow', 'service', 'tenant'] as const),
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
}, { additionalProperties: false });

const Path = Type.Array(ObjectRefSchema, { description: 'The chain of objects that proves it, in the direction data moves.' });
const ByTier = Type.Object({ A: Type.Integer(), B: Type.Integer(), C: Type.Integer() }, { additionalProperties: false });
const Counts = Type.Object({ error: Type.Integer(), warning: Type.Integer(), info: Type.Integer() }, { additionalProperties: false });

export const ScopeRuleSchema = Type.Object({
  id: Type.String(), severity: StringEnum(SEVERITIES), title: Type.String(), description: Type.String(),
}, { additionalProperties: false });
export const ScopeRuleList = Type.Object({ items: Type.Array(ScopeRuleSchema) }, { additionalProperties: false });

export const FindingSchema = Type.Object({
  ruleId: Type.String(),
  severity: StringEnum(SEVERITIES),
  message: Type.String(),
  subject: ObjectRefSchema,
  field: Type.Optional(Type.String({ description: 'The field of the subject that is missing or wrong.' })),
  path: Path,
  hint: Type.String({ description: 'How to close the gap.' }),
  objects: Type.Array(Type.String(), { description: 'Ids of every object the finding concerns, subject first.' }),
}, { additionalProperties: false });

export const FindingsQuery = Type.Object({
  severity: Type.Optional(StringEnum(SEVERITIES)),
  rule: Type.Optional(StringEnum(RULE_IDS, 'Only findings of this rule.')),
  object: Type.Optional(Type.String({ format: 'uuid', description: 'Only findings naming this object (subject or path).' })),
  today: Type.Optional({ ...DateOnly, description: 'The date reviews and exceptions are measured against (default: today, UTC).' }),
  isolationTestMaxAgeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'Days a passed isolation test stays valid.' })),
  limit: Limit,
  cursor: Cursor,
}, { additionalProperties: false });

export const FindingsPage = Type.Object({
  today: Type.String(),
  counts: Counts,
  byRule: Type.Record(Type.String(), Type.Integer(), { description: 'Findings per rule id, before filters.' }),
  items: Type.Array(FindingSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer({ description: 'Findings matching the filters.' }),
  excepted: Type.Array(Type.Object({
    ruleId: Type.String(), objectId: Type.String(), expiresOn: Type.String(), reference: Type.Union([Type.String(), Type.Null()]),
  }, { additionalProperties: false }), { description: 'Findings not reported because an approved, unexpired control exception covers them.' }),
}, { additionalProperties: false });

const Weight = (tier: string) => Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: `Weight of one tier-${tier} tenant in the score.` }));
export const BlastRadiusQuery = Type.Object({
  weightA: Weight('A'), weightB: Weight('B'), weightC: Weight('C'), limit: Limit, cursor: Cursor,
}, { additionalProperties: false });

export const BlastRadiusEntrySchema = Type.Object({
  component: ObjectRefSchema,
  tenants: Type.Integer({ description: 'Tenants exposed if the component were compromised.' }),
  byTier: ByTier,
  score: Type.Integer({ description: 'Sum of the tier weights of the tenants exposed.' }),
  throughControl: Type.Integer({ description: 'Of those, tenants exposed only through systems it deploys to or administers.' }),
  throughHosting: Type.Integer({ description: 'Of those, tenants exposed only through systems it hosts (vendors).' }),
}, { additionalProperties: false });

export const BlastRadiusPage = Type.Object({
  weights: ByTier,
  items: Type.Array(BlastRadiusEntrySchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer(),
}, { additionalProperties: false });

const ResidencyTenant = Type.Object({
  ...ObjectRefSchema.properties, tier: StringEnum(TENANT_TIERS), allowedRegions: Type.Array(Type.String()),
}, { additionalProperties: false });
const Regions = Type.Array(Type.String());

export const ResidencyBreachSchema = Type.Object({
  component: ObjectRefSchema, regions: Regions, disallowed: Regions, path: Path,
}, { additionalProperties: false });

export const TenantResidencySchema = Type.Object({
  tenant: ResidencyTenant,
  reached: Type.Object({ systems: Type.Integer(), vendors: Type.Integer() }, { additionalProperties: false }),
  breaches: Type.Array(ResidencyBreachSchema),
  unrecorded: Type.Array(ObjectRefSchema, { description: 'Systems and vendors with its data but no region recorded.' }),
}, { additionalProperties: false });

export const ResidencyQuery = Type.Object({
  tenant: Type.Optional(Type.String({ format: 'uuid', description: 'Only this tenant.' })),
  limit: Limit,
  cursor: Cursor,
}, { additionalProperties: false });

export const ResidencyPage = Type.Object({
  items: Type.Array(TenantResidencySchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer(),
}, { additionalProperties: false });

/** One tenant's residency: every system and vendor its data reaches, with the verdict. */
export const TenantPlacesSchema = Type.Object({
  tenant: ResidencyTenant,
  places: Type.Array(Type.Object({
    component: ObjectRefSchema,
    regions: Regions,
    verdict: StringEnum(['allowed', 'breach', 'unrecorded'] as const),
    disallowed: Regions,
    path: Type.Optional(Path),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

const WithReason = Type.Object({ ...ObjectRefSchema.properties, reason: Type.String() }, { additionalProperties: false });
export const TenantDataMapSchema = Type.Object({
  tenant: ObjectRefSchema,
  systems: Type.Array(WithReason),
  vendors: Type.Array(WithReason),
  flows: Type.Array(ObjectRefSchema),
}, { additionalProperties: false });

export const DiagramParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export { SEVERITIES };
