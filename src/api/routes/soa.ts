import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Uuid } from '../../model/common.js';
import { ControlId } from '../../model/control-implementation.js';
import {
  SoaApprovalInput, SoaDecisionInput, SoaDiffEntry, SoaRow, SoaSummary, SoaTenantRow, SoaVersion, SoaVersionSummary, TierSchema,
} from '../../model/soa.js';
import type { TenantTier } from '../../model/tenant.js';
import {
  approveSoa, currentSoa, decide, diffSoaVersions, exportSoa, getSoaVersion, listSoaVersions, tenantView, tierView, type SoaExportFormat,
} from '../../services/soa.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams, PageOf } from '../schemas.js';

const SoaView = Type.Object({ rows: Type.Array(SoaRow), summary: SoaSummary }, { additionalProperties: false });
const TenantSoaView = Type.Object({
  tenant: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), tier: Type.String() }, { additionalProperties: false }),
  rows: Type.Array(SoaTenantRow), summary: SoaSummary,
}, { additionalProperties: false });
const TierSoaView = Type.Object({ tier: TierSchema, rows: Type.Array(SoaTenantRow), summary: SoaSummary }, { additionalProperties: false });
const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Version number.' }) }, { additionalProperties: false });
const VersionsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (1–200).' }),
  cursor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,9}$', description: 'nextCursor from the previous page.' })),
}, { additionalProperties: false });
const DiffQuery = Type.Object({
  against: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'The version to compare with (default: the one before; 0: nothing).' })),
}, { additionalProperties: false });
const SoaDiff = Type.Object({ from: Type.Integer(), to: Type.Integer(), changes: Type.Array(SoaDiffEntry) }, { additionalProperties: false });
const ExportQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'An approved version instead of the current SoA.' })),
  tier: Type.Optional(TierSchema),
  // Names one tenant (another organization's or tenant's answers 404, like a path id); it is not a list filter, so it is
  // declared by pattern rather than as a uuid-format filter.
  tenant: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'A tenant\u2019s id: its view instead of the whole SoA.' })),
}, { additionalProperties: false });

export function registerSoaRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Statement of Applicability'];
  app.get('/api/soa', {
    schema: { tags, summary: 'The Statement of Applicability now: every Annex A control with its decision, implementations and GDPR links', response: { 200: SoaView, ...errorResponses } },
  }, async (request) => currentSoa(db, actorOf(request)));
  app.put('/api/soa/decisions/:controlId', {
    schema: {
      tags, summary: 'Decide whether a control applies, and why (a control that does not apply needs a justification)',
      params: Type.Object({ controlId: ControlId }, { additionalProperties: false }), body: SoaDecisionInput, response: { 200: SoaRow, ...errorResponses },
    },
  }, async (request) => decide(db, actorOf(request), (request.params as { controlId: string }).controlId, request.body as SoaDecisionInput));
  app.get('/api/soa/tiers/:tier', {
    schema: { tags, summary: 'The SoA a tier shares: common implementations plus the overlays on the tier', params: Type.Object({ tier: TierSchema }, { additionalProperties: false }), response: { 200: TierSoaView, ...errorResponses } },
  }, async (request) => tierView(db, actorOf(request), (request.params as { tier: TenantTier }).tier));
  app.get('/api/soa/tenants/:id', {
    config: { resource: 'tenants' },
    schema: { tags, summary: 'One tenant\u2019s SoA: the common controls plus the overlays that reach it (overrides marked)', params: IdParams, response: { 200: TenantSoaView, ...errorResponses } },
  }, async (request) => tenantView(db, actorOf(request), (request.params as { id: string }).id));

  app.post('/api/soa/versions', {
    preValidation: async (request) => { request.body ??= {}; },
    schema: { tags, summary: 'Approve the current SoA as the next frozen, dated version (owner or ISMS manager)', body: SoaApprovalInput, response: { 201: SoaVersion, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await approveSoa(db, actorOf(request), (request.body as { note?: string }).note ?? '')));
  app.get('/api/soa/versions', {
    schema: { tags, summary: 'Approved SoA versions, newest first', querystring: VersionsQuery, response: { 200: PageOf(SoaVersionSummary), ...errorResponses } },
  }, async (request) => {
    const q = request.query as { limit: number; cursor?: string };
    return listSoaVersions(db, actorOf(request), { limit: q.limit, before: q.cursor === undefined ? undefined : Number(q.cursor) });
  });
  app.get('/api/soa/versions/:version', {
    schema: { tags, summary: 'One approved SoA version with its frozen rows', params: VersionParams, response: { 200: SoaVersion, ...errorResponses } },
  }, async (request) => getSoaVersion(db, actorOf(request), (request.params as { version: number }).version));
  app.get('/api/soa/versions/:version/diff', {
    schema: { tags, summary: 'What changed between two approved versions, control by control', params: VersionParams, querystring: DiffQuery, response: { 200: SoaDiff, ...errorResponses } },
  }, async (request) => diffSoaVersions(db, actorOf(request), (request.params as { version: number }).version, (request.query as { against?: number }).against));

  for (const format of ['xlsx', 'csv', 'pdf'] as const satisfies readonly SoaExportFormat[]) {
    app.get(`/api/soa/export.${format}`, {
      schema: { tags, summary: `The SoA as ${format.toUpperCase()}: current, an approved version (?version=n), a tenant\u2019s view (?tenant=id) or a tier\u2019s (?tier=A)`, querystring: ExportQuery, response: { 200: Type.Any(), ...errorResponses } },
    }, async (request, reply) => {
      const q = request.query as { version?: number; tenant?: string; tier?: TenantTier };
      const file = await exportSoa(db, actorOf(request), format, { version: q.version, tenantId: q.tenant, tier: q.tier });
      return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).header('cache-control', 'no-store').send(file.body);
    });
  }
}
