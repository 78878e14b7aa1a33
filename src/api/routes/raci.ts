import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { RaciInput, RaciMatrix } from '../../model/raci.js';
import { raciCsv, raciXlsx } from '../../reports/raci-export.js';
import { getRaci, putRaci } from '../../services/raci.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

const MEDIA = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

/** The RACI matrix of a service: read, replace as a whole, export. */
export function registerRaciRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['RACI'];
  app.get('/api/services/:id/raci', {
    schema: { tags, summary: 'A service\u2019s RACI matrix (no activities when none has been saved)', params: IdParams, response: { 200: RaciMatrix, ...errorResponses } },
  }, async (request) => getRaci(db, actorOf(request), idOf(request)));
  app.put('/api/services/:id/raci', {
    schema: {
      tags, summary: 'Replace a service\u2019s RACI matrix: each activity once, exactly one A and at least one R', params: IdParams, body: RaciInput,
      response: { 200: RaciMatrix, ...errorResponses },
    },
  }, async (request) => putRaci(db, actorOf(request), idOf(request), request.body as RaciInput));
  for (const format of ['csv', 'xlsx'] as const) {
    const produces = { 200: { description: `The matrix (${MEDIA[format]}).`, content: { [MEDIA[format].split(';')[0]!]: { schema: Type.String() } } }, ...errorResponses };
    app.get(`/api/services/:id/raci.${format}`, {
      schema: { tags, summary: `A service\u2019s RACI matrix (${format.toUpperCase()})`, params: IdParams, response: produces },
    }, async (request, reply) => {
      const matrix = await getRaci(db, actorOf(request), idOf(request));
      const body = format === 'csv' ? raciCsv(matrix) : await raciXlsx(matrix);
      return reply.type(MEDIA[format]).header('content-disposition', `attachment; filename="raci-${matrix.service.slug}.${format}"`).send(body);
    });
  }
}
