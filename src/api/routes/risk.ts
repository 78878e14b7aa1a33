import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { StringEnum, Uuid } from '../../model/common.js';
import { Risk } from '../../model/risk.js';
import { RISK_LEVELS, RiskLevelSchema, RiskMethodSchema } from '../../model/risk-scoring.js';
import { TENANT_TIERS } from '../../model/tenant.js';
import {
  acceptRisk, adoptSuggestion, getRiskMethod, putRiskMethod, riskRegister, riskRegisterExport, riskSuggestions, riskSummary,
} from '../../services/risk.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

const tags = ['Risks'];
const Tier = StringEnum(TENANT_TIERS);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const ByTier = Type.Object({ A: Type.Integer(), B: Type.Integer(), C: Type.Integer() });
const ByLevel = Type.Object(Object.fromEntries(RISK_LEVELS.map((l) => [l, Type.Integer()])) as Record<(typeof RISK_LEVELS)[number], ReturnType<typeof Type.Integer>>);

const RiskMethodView = Type.Object({
  method: RiskMethodSchema,
  isDefault: Type.Boolean({ description: 'No method was set: the default applies.' }),
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

const ScoredPair = Type.Object({
  likelihood: Type.Integer(), impact: Type.Integer(), effectiveImpact: Type.Integer({ description: 'Impact after the tier uplift, capped at 5.' }),
  score: Type.Integer(), level: RiskLevelSchema,
});

const RiskEntry = Type.Object({
  risk: Risk,
  score: Type.Object({
    highestTier: Nullable(Tier), uplift: Type.Integer(), inherent: ScoredPair, residual: ScoredPair,
    residualAssessed: Type.Boolean(), acceptable: Type.Boolean({ description: 'The residual level is within what an owner may accept.' }),
  }),
  acceptance: Nullable(Type.Object({
    acceptedBy: Type.String(), acceptedByUser: Nullable(Type.String()), acceptedAt: Type.String({ format: 'date-time' }),
    rationale: Type.String(), level: RiskLevelSchema,
  })),
  reviewOverdue: Type.Boolean(),
});

const HeatMapSchema = Type.Array(Type.Array(Type.Integer(), { minItems: 5, maxItems: 5 }), { minItems: 5, maxItems: 5, description: 'cells[likelihood - 1][effective impact - 1]: risks not closed.' });

const Register = Type.Object({
  method: RiskMethodSchema,
  items: Type.Array(RiskEntry),
  total: Type.Integer(),
  heatMap: Type.Object({ inherent: HeatMapSchema, residual: HeatMapSchema }),
});

const RegisterQuery = Type.Object({
  status: Type.Optional(StringEnum(['open', 'treated', 'accepted', 'closed'] as const)),
  level: Type.Optional(RiskLevelSchema),
  map: Type.Optional(StringEnum(['inherent', 'residual'] as const, 'Which heat map likelihood/impact refer to (default residual).')),
  likelihood: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  impact: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Effective impact (after the tier uplift).' })),
}, { additionalProperties: false });

const Summary = Type.Object({
  open: Type.Integer({ description: 'Risks not closed.' }), residual: ByLevel, inherent: ByLevel,
  reviewOverdue: Type.Integer(), aboveThreshold: Type.Integer(), acceptanceThreshold: RiskLevelSchema,
});

const Suggestion = Type.Object({
  component: Type.Object({ kind: StringEnum(['system', 'vendor'] as const), id: Uuid, slug: Type.String(), name: Type.String(), systemKind: Nullable(Type.String()) }),
  title: Type.String(), description: Type.String(), tenants: Type.Integer(), byTier: ByTier, blastScore: Type.Number(),
  likelihood: Type.Integer(), impact: Type.Integer(), controlIds: Type.Array(Type.String()),
  coveredBy: Type.Array(Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() })), slug: Type.String(),
});

const AcceptBody = Type.Object({
  rationale: Type.String({ minLength: 1, maxLength: 4000, description: 'Why the residual risk is acceptable.' }),
}, { additionalProperties: false });

const AdoptBody = Type.Object({
  slug: Type.Optional(Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$', maxLength: 64 })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  owner: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

const ComponentParams = Type.Object({ componentId: Uuid }, { additionalProperties: false });

/** The risk method, the scored register with heat maps, acceptance, blast-radius suggestions and exports. */
export function registerRiskRoutes(app: FastifyInstance, db: Kysely<any>): void {
  app.get('/api/risk-method', { schema: { tags, summary: 'The organization\'s risk method (or the default)', response: { 200: RiskMethodView, ...errorResponses } } },
    async (request) => getRiskMethod(db, actorOf(request)));

  app.put('/api/risk-method', { schema: { tags, summary: 'Set the risk method', body: RiskMethodSchema, response: { 200: RiskMethodView, ...errorResponses } } },
    async (request) => putRiskMethod(db, actorOf(request), request.body as any));

  app.get('/api/risks/register', { schema: { tags, summary: 'Every risk scored (tier uplift, inherent and residual level, acceptance) with the heat maps', querystring: RegisterQuery, response: { 200: Register, ...errorResponses } } },
    async (request) => riskRegister(db, actorOf(request), request.query as any));

  app.get('/api/risks/summary', { schema: { tags, summary: 'Risks not closed by level, overdue reviews, risks above the acceptance threshold', response: { 200: Summary, ...errorResponses } } },
    async (request) => riskSummary(db, actorOf(request)));

  app.post('/api/risks/:id/accept', { schema: { tags, summary: 'Accept a risk\'s residual level (owner or ISMS manager)', params: IdParams, body: AcceptBody, response: { 200: RiskEntry, ...errorResponses } } },
    async (request) => acceptRisk(db, actorOf(request), (request.params as { id: string }).id, (request.body as { rationale: string }).rationale));

  app.get('/api/risks/suggestions', {
    schema: { tags, summary: 'Cross-tenant risks suggested for the top of the blast-radius ranking', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(Suggestion) }), ...errorResponses } },
  }, async (request) => riskSuggestions(db, actorOf(request), (request.query as { limit?: number }).limit ?? 10));

  app.post('/api/risks/suggestions/:componentId/adopt', { schema: { tags, summary: 'Create the suggested risk for a system or vendor of the ranking', params: ComponentParams, body: Type.Optional(AdoptBody), response: { 201: Risk, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await adoptSuggestion(db, actorOf(request), (request.params as { componentId: string }).componentId, (request.body ?? {}) as any)));

  app.get('/api/risks/export.csv', { schema: { tags, summary: 'The risk register as CSV', response: { 200: Type.String(), ...errorResponses } } },
    async (request, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="risk-register.csv"')
      .send(await riskRegisterExport(db, actorOf(request), 'csv')));

  app.get('/api/risks/export.xlsx', {
    schema: { tags, summary: 'The risk register as XLSX', response: { 200: { description: 'The workbook.', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String() } } }, ...errorResponses } },
  }, async (request, reply) => reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', 'attachment; filename="risk-register.xlsx"').send(await riskRegisterExport(db, actorOf(request), 'xlsx')));
}
