import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { FRAMEWORK_ID_PATTERN } from '../../catalog/format.js';
import { AnnexAControlDetail, CatalogDetail, CatalogSummary, FrameworkInput } from '../../model/catalog.js';
import { addFramework, deleteFramework, getAnnexAControl, getCatalog, listCatalogs } from '../../services/frameworks.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

const FrameworkParams = Type.Object({
  framework: Type.String({ pattern: FRAMEWORK_ID_PATTERN, description: 'Catalog id: iso27001-2022, gdpr, iso27017-2015, iso27701-2019 or one of the organization\'s frameworks.' }),
}, { additionalProperties: false });
const ControlParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 20, description: 'Annex A control id: 5.15 or A.5.15.' }),
}, { additionalProperties: false });

export function registerCatalogRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Catalogs'];
  app.get('/api/catalogs', {
    schema: { tags, summary: 'The shipped catalogs (ISO/IEC 27001:2022, GDPR, ISO/IEC 27017, 27701) and the organization\'s own frameworks', response: { 200: Type.Array(CatalogSummary), ...errorResponses } },
  }, async (request) => listCatalogs(db, actorOf(request)));
  app.get('/api/catalogs/:framework', {
    schema: { tags, summary: 'One catalog with all its controls (never paginated); Annex A controls carry their GDPR links', params: FrameworkParams, response: { 200: CatalogDetail, ...errorResponses } },
  }, async (request) => getCatalog(db, actorOf(request), (request.params as { framework: string }).framework));
  app.get('/api/catalogs/iso27001-2022/controls/:id', {
    schema: { tags, summary: 'One Annex A control with the GDPR articles and principles it supports', params: ControlParams, response: { 200: AnnexAControlDetail, ...errorResponses } },
  }, async (request) => getAnnexAControl(actorOf(request), (request.params as { id: string }).id));
  app.post('/api/frameworks', {
    config: { resource: 'frameworks' },
    schema: {
      tags, summary: 'Add an organization framework from YAML text ({ yaml }) or JSON of the same format; 422 names the line and field of every problem, nothing written',
      body: FrameworkInput, response: { 201: CatalogSummary, ...errorResponses },
    },
  }, async (request, reply) => reply.code(201).send(await addFramework(db, actorOf(request), request.body as FrameworkInput)));
  app.delete('/api/frameworks/:id', {
    config: { resource: 'frameworks' },
    schema: { tags, summary: 'Delete one of the organization\'s frameworks', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await deleteFramework(db, actorOf(request), (request.params as { id: string }).id);
    return reply.code(204).send();
  });
}
