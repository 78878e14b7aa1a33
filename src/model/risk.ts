import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../api/errors.js';
import { DateOnly, SetOf, Slug, StringEnum, Text, Timestamps, Uuid } from './common.js';
import { checkControlIds, ControlId } from './interested-party.js';
import type { ResourceDefinition } from './resource.js';

export const RISK_TREATMENTS = ['mitigate', 'transfer', 'avoid', 'accept'] as const;
export const RISK_STATUSES = ['open', 'treated', 'accepted', 'closed'] as const;

const Score = (description: string) => Type.Integer({ minimum: 1, maximum: 5, description });
const OptionalScore = (description: string) => Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()], { description }));

/**
 * A risk of the register (ISO/IEC 27001:2022 clauses 6.1.2 and 6.1.3). Scores are as the owner assessed them; the
 * tier uplift, levels and acceptance are served by GET /api/risks/register. Status "accepted" needs the owner's
 * sign-off (POST /api/risks/{id}/accept); the database refuses it otherwise.
 */
export const RiskInput = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Title of the risk: what could happen, to what.' }),
    description: Type.Optional(Text(4000, 'Threat, vulnerability and consequence in plain language.')),
    owner: Type.Optional(Text(200, 'Person accountable for the risk (ISO 27001 "risk owner").')),
    likelihood: Score('Likelihood before treatment, 1 (rare) to 5 (almost certain).'),
    impact: Score('Impact before treatment and before the tier uplift, 1 (negligible) to 5 (severe).'),
    systemIds: Type.Optional(SetOf(Uuid, 200, 'Systems the risk concerns.')),
    vendorIds: Type.Optional(SetOf(Uuid, 100, 'Vendors the risk concerns.')),
    tenantIds: Type.Optional(SetOf(Uuid, 1000, 'Customer tenants the risk concerns directly.')),
    interestedPartyIds: Type.Optional(SetOf(Uuid, 100, 'Interested parties whose requirements the risk threatens.')),
    controlIds: Type.Optional(SetOf(ControlId, 93, 'Annex A controls that treat the risk.')),
    treatment: Type.Optional(StringEnum(RISK_TREATMENTS, 'Chosen treatment option.')),
    treatmentPlan: Type.Optional(Text(4000, 'What will be done, by whom, by when.')),
    residualLikelihood: OptionalScore('Likelihood after treatment (null: not yet assessed).'),
    residualImpact: OptionalScore('Impact after treatment, before the tier uplift (null: not yet assessed).'),
    status: Type.Optional(StringEnum(RISK_STATUSES, 'Where the risk stands; "accepted" only through POST /api/risks/{id}/accept.')),
    reviewOn: Type.Optional(Type.Union([DateOnly, Type.Null()], { description: 'Next review date.' })),
    suggestedFrom: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()], { description: 'The blast-radius component the risk was adopted from, as "system/<slug>" or "vendor/<slug>" (portable across bundles).' })),
  },
  { additionalProperties: false },
);
export type RiskInput = Static<typeof RiskInput>;

export const Risk = Type.Object(
  {
    id: Uuid,
    ...RiskInput.properties,
    description: Type.String(),
    owner: Type.String(),
    systemIds: Type.Array(Uuid),
    vendorIds: Type.Array(Uuid),
    tenantIds: Type.Array(Uuid),
    interestedPartyIds: Type.Array(Uuid),
    controlIds: Type.Array(Type.String()),
    treatment: StringEnum(RISK_TREATMENTS),
    treatmentPlan: Type.String(),
    residualLikelihood: Type.Union([Type.Integer(), Type.Null()]),
    residualImpact: Type.Union([Type.Integer(), Type.Null()]),
    status: StringEnum(RISK_STATUSES),
    reviewOn: Type.Union([DateOnly, Type.Null()]),
    suggestedFrom: Type.Union([Type.String(), Type.Null()]),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type Risk = Static<typeof Risk>;

export const riskResource: ResourceDefinition = {
  name: 'risks',
  bundleKey: 'risks',
  objectType: 'risk',
  label: 'Risk',
  table: 'risks',
  input: RiskInput,
  output: Risk,
  refs: [],
  links: [
    { field: 'systemIds', target: 'systems', table: 'risk_systems', ownColumn: 'risk_id', targetColumn: 'system_id' },
    { field: 'vendorIds', target: 'vendors', table: 'risk_vendors', ownColumn: 'risk_id', targetColumn: 'vendor_id' },
    { field: 'tenantIds', target: 'tenants', table: 'risk_tenants', ownColumn: 'risk_id', targetColumn: 'tenant_id' },
    { field: 'interestedPartyIds', target: 'interested-parties', table: 'risk_interested_parties', ownColumn: 'risk_id', targetColumn: 'interested_party_id' },
  ],
  jsonFields: [],
  filters: {
    status: { schema: StringEnum(RISK_STATUSES), field: 'status', mode: 'equals' },
    treatment: { schema: StringEnum(RISK_TREATMENTS), field: 'treatment', mode: 'equals' },
    controlId: { schema: ControlId, field: 'controlIds', mode: 'contains' },
    systemId: { schema: Uuid, field: 'systemIds', mode: 'link' },
    vendorId: { schema: Uuid, field: 'vendorIds', mode: 'link' },
    tenantId: { schema: Uuid, field: 'tenantIds', mode: 'link' },
    interestedPartyId: { schema: Uuid, field: 'interestedPartyIds', mode: 'link' },
  },
  sortable: ['slug', 'name', 'owner', 'likelihood', 'impact', 'status', 'treatment', 'reviewOn', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'description', 'owner'],
  check(obj) {
    checkControlIds(obj.controlIds);
    const rl = obj.residualLikelihood ?? null;
    const ri = obj.residualImpact ?? null;
    if ((rl === null) !== (ri === null)) {
      throw new AppError('invalid_value', 'The residual risk is assessed as a pair: set both residualLikelihood and residualImpact, or neither.', rl === null ? 'residualLikelihood' : 'residualImpact');
    }
  },
};
