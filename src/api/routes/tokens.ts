import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { ApiToken, ApiTokenCreate, ApiTokenCreated } from '../../model/token.js';
import { createToken, listTokens, revokeToken } from '../../services/tokens.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

export function registerTokenRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['API tokens'];
  const config = { resource: 'tokens' };
  app.get('/api/tokens', { config, schema: { tags, summary: 'List API tokens (owners see all, others their own)', response: { 200: Type.Object({ items: Type.Array(ApiToken) }), ...errorResponses } } },
    async (request) => ({ items: await listTokens(db, actorOf(request)) }));
  app.post('/api/tokens', { config, schema: { tags, summary: 'Create an API token for yourself; the secret is shown once', body: ApiTokenCreate, response: { 201: ApiTokenCreated, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createToken(db, actorOf(request), request.body as ApiTokenCreate)));
  app.post('/api/tokens/:id/revoke', { config, schema: { tags, summary: 'Revoke an API token', params: IdParams, response: { 200: ApiToken, ...errorResponses } } },
    async (request) => revokeToken(db, actorOf(request), (request.params as { id: string }).id));
}
