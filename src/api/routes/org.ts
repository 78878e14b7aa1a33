import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Name, Uuid } from '../../model/common.js';
import { TenantFootprint } from '../../model/footprint.js';
import { JURISDICTIONS, REGIONS } from '../../model/regions.js';
import { dashboard, getOrg, renameOrg } from '../../services/org.js';
import { tenantFootprint } from '../../services/footprint.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

const Org = Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), isDemo: Type.Boolean() }, { additionalProperties: false });
const Change = Type.Object({
  id: Type.String(), at: Type.String(), actor: Type.String(), action: Type.String(), objectType: Type.String(),
  objectId: Type.Union([Uuid, Type.Null()]), objectSlug: Type.String(), summary: Type.String(),
}, { additionalProperties: false });
const Dashboard = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer()),
  tenantsByTier: Type.Record(Type.String(), Type.Integer()),
  systemsOutOfScope: Type.Integer(),
  recentChanges: Type.Array(Change),
}, { additionalProperties: false });

export function registerOrgRoutes(app: FastifyInstance, db: Kysely<any>): void {
  app.get('/api/org', { config: { resource: 'org' }, schema: { tags: ['Organization'], summary: 'The current organization', response: { 200: Org, ...errorResponses } } },
    async (request) => getOrg(db, actorOf(request)));
  app.patch('/api/org', { config: { resource: 'org' }, schema: { tags: ['Organization'], summary: 'Rename the organization', body: Type.Object({ name: Name }, { additionalProperties: false }), response: { 200: Org, ...errorResponses } } },
    async (request) => renameOrg(db, actorOf(request), (request.body as { name: string }).name));
  app.get('/api/dashboard', { config: { resource: 'changes' }, schema: { tags: ['Organization'], summary: 'Counts and recent changes', response: { 200: Dashboard, ...errorResponses } } },
    async (request) => dashboard(db, actorOf(request)));
  app.get('/api/tenants/:id/footprint', { config: { resource: 'tenants' }, schema: { tags: ['Tenant'], summary: 'Services, systems, vendors and flows that touch a tenant', params: IdParams, response: { 200: TenantFootprint, ...errorResponses } } },
    async (request) => tenantFootprint(db, actorOf(request), (request.params as { id: string }).id));
  app.get('/api/meta', { config: { public: true }, schema: { tags: ['Reference'], summary: 'Reference lists: regions and jurisdictions' } },
    async () => ({ regions: Object.entries(REGIONS).map(([code, r]) => ({ code, ...r })), jurisdictions: JURISDICTIONS }));
}
