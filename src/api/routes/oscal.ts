import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { oscalCatalog, oscalComponentDefinition } from '../../services/oscal.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses } from '../schemas.js';

// OSCAL documents are large and defined by NIST's schemas (catalogs/oscal/); the route passes them through as-is.
const OscalDocument = Type.Object({}, { additionalProperties: true, description: 'An OSCAL 1.2.1 JSON document.' });

export function registerOscalRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['OSCAL'];
  app.get('/api/oscal/catalog', {
    schema: { tags, summary: 'ISO/IEC 27001:2022 Annex A as an OSCAL catalog (ids, headings, themes; no standard text)', response: { 200: OscalDocument, ...errorResponses } },
  }, async (request, reply) => reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', 'attachment; filename="iso27001-2022-annex-a.oscal.json"')
    .send(JSON.stringify(oscalCatalog(actorOf(request)), null, 2)));
  app.get('/api/oscal/component-definition', {
    schema: { tags, summary: 'The provider\'s control implementations as an OSCAL component definition (shared platform and one component per service)', response: { 200: OscalDocument, ...errorResponses } },
  }, async (request, reply) => reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', 'attachment; filename="component-definition.oscal.json"')
    .send(JSON.stringify(await oscalComponentDefinition(db, actorOf(request)), null, 2)));
}
