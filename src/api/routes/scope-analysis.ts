import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import {
  BlastRadiusPage, BlastRadiusQuery, DiagramParams, FindingsPage, FindingsQuery, ResidencyPage, ResidencyQuery,
  ScopeRuleList, TenantDataMapSchema, TenantPlacesSchema,
} from '../../model/scope-analysis.js';
import {
  scopeBlastRadius, scopeFindings, scopeResidency, scopeRules, serviceDiagramOf, tenantDataMapOf, tenantDiagramOf,
  tenantResidencyOf, type Diagram, type DiagramFormat,
} from '../../services/scope-analysis.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

const tags = ['Scope analysis'];
type Q = Record<string, any>;
const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

const MEDIA: Record<DiagramFormat, string> = { svg: 'image/svg+xml', dot: 'text/vnd.graphviz; charset=utf-8' };

/** A diagram as a file: shown inline, saved under a readable name; it may not load or run anything. */
function sendDiagram(reply: FastifyReply, d: Diagram) {
  return reply
    .type(MEDIA[d.format])
    .header('content-disposition', `inline; filename="${d.slug}.${d.format}"`)
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .header('x-content-type-options', 'nosniff')
    .send(d.body);
}

/** The scope linter, blast radius, residency, tenant data maps and data-flow diagrams of the organization. */
export function registerScopeAnalysisRoutes(app: FastifyInstance, db: Kysely<any>): void {
  app.get('/api/scope/rules', { schema: { tags, summary: 'Every scope rule: id, severity, title, description', response: { 200: ScopeRuleList, ...errorResponses } } },
    async (request) => scopeRules(actorOf(request)));

  app.get('/api/scope/findings', { schema: { tags, summary: 'The scope linter\'s findings, filtered and paged', querystring: FindingsQuery, response: { 200: FindingsPage, ...errorResponses } } },
    async (request) => scopeFindings(db, actorOf(request), request.query as Q as any));

  app.get('/api/scope/blast-radius', { schema: { tags, summary: 'Shared systems and vendors ranked by the tenants their compromise would expose', querystring: BlastRadiusQuery, response: { 200: BlastRadiusPage, ...errorResponses } } },
    async (request) => {
      const q = request.query as Q;
      return scopeBlastRadius(db, actorOf(request), { weights: { A: q.weightA, B: q.weightB, C: q.weightC }, limit: q.limit, cursor: q.cursor });
    });

  app.get('/api/scope/residency', { schema: { tags, summary: 'Per tenant with allowed regions: where its data is outside them, and the path', querystring: ResidencyQuery, response: { 200: ResidencyPage, ...errorResponses } } },
    async (request) => scopeResidency(db, actorOf(request), request.query as Q as any));

  app.get('/api/tenants/:id/data-map', { config: { resource: 'tenants' }, schema: { tags, summary: 'Where a tenant\'s data goes: systems, vendors and flows', params: IdParams, response: { 200: TenantDataMapSchema, ...errorResponses } } },
    async (request) => tenantDataMapOf(db, actorOf(request), idOf(request)));

  app.get('/api/tenants/:id/residency', { config: { resource: 'tenants' }, schema: { tags, summary: 'Every system and vendor a tenant\'s data reaches, with its regions and verdict', params: IdParams, response: { 200: TenantPlacesSchema, ...errorResponses } } },
    async (request) => tenantResidencyOf(db, actorOf(request), idOf(request)));

  for (const format of ['svg', 'dot'] as const) {
    const produces = { 200: { description: `The diagram (${MEDIA[format]}).`, content: { [MEDIA[format].split(';')[0]!]: { schema: Type.String() } } }, ...errorResponses };
    app.get(`/api/diagrams/services/:id.${format}`, { config: { resource: 'services' }, schema: { tags, summary: `A service's data-flow diagram (${format.toUpperCase()})`, params: DiagramParams, response: produces } },
      async (request, reply) => sendDiagram(reply, await serviceDiagramOf(db, actorOf(request), idOf(request), format)));
    app.get(`/api/diagrams/tenants/:id.${format}`, { config: { resource: 'tenants' }, schema: { tags, summary: `A tenant's data-flow diagram (${format.toUpperCase()})`, params: DiagramParams, response: produces } },
      async (request, reply) => sendDiagram(reply, await tenantDiagramOf(db, actorOf(request), idOf(request), format)));
  }
}
