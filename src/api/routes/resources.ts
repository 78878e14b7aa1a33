import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { RESOURCES } from '../../model/index.js';
import type { ResourceDefinition } from '../../model/resource.js';
import { createObject, deleteObject, getObject, listObjects, updateObject } from '../../services/resources.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams, listQuerySchema, PageOf } from '../schemas.js';

/** Create, read, update, delete and list for every ISMS resource in src/model (services, vendors, tenants, systems, data flows). */
export function registerResourceRoutes(app: FastifyInstance, db: Kysely<any>): void {
  for (const def of RESOURCES) registerResource(app, db, def);
}

function registerResource(app: FastifyInstance, db: Kysely<any>, def: ResourceDefinition): void {
  const base = `/api/${def.name}`;
  const tags = [def.label];
  const config = { resource: def.name };
  const filterNames = Object.keys(def.filters);

  app.get(base, {
    config,
    schema: { tags, summary: `List ${def.name}`, querystring: listQuerySchema(def.sortable, def.filters), response: { 200: PageOf(def.output), ...errorResponses } },
  }, async (request) => {
    const q = request.query as Record<string, any>;
    const filters = Object.fromEntries(filterNames.map((n) => [n, q[n]]));
    return listObjects(db, actorOf(request), def, { limit: q.limit, cursor: q.cursor, sort: q.sort, order: q.order, q: q.q, filters });
  });

  app.post(base, {
    config,
    schema: { tags, summary: `Create a ${def.objectType}`, body: def.input, response: { 201: def.output, ...errorResponses } },
  }, async (request, reply) => {
    const created = await createObject(db, actorOf(request), def, request.body as Record<string, unknown>);
    return reply.code(201).send(created);
  });

  app.get(`${base}/:id`, {
    config,
    schema: { tags, summary: `Get a ${def.objectType}`, params: IdParams, response: { 200: def.output, ...errorResponses } },
  }, async (request) => getObject(db, actorOf(request), def, (request.params as { id: string }).id));

  app.patch(`${base}/:id`, {
    config,
    schema: {
      tags, summary: `Change a ${def.objectType}`, params: IdParams,
      body: Type.Partial(def.input, { additionalProperties: false, minProperties: 1 }),
      response: { 200: def.output, ...errorResponses },
    },
  }, async (request) => updateObject(db, actorOf(request), def, (request.params as { id: string }).id, request.body as Record<string, unknown>));

  app.delete(`${base}/:id`, {
    config,
    schema: { tags, summary: `Delete a ${def.objectType}`, params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await deleteObject(db, actorOf(request), def, (request.params as { id: string }).id);
    return reply.code(204).send();
  });
}
