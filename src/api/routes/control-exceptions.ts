import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { ControlException } from '../../model/control-exception.js';
import { decideException, overdueExceptions } from '../../services/control-exceptions.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams, PageOf } from '../schemas.js';

const tags = ['Exception'];
const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;
const ApproveInput = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000, description: 'Why it is approved, or conditions.' })) }, { additionalProperties: false });
const RejectInput = Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why it is rejected.' }) }, { additionalProperties: false });

/** Deciding exceptions and the overdue list; create, read, update, delete and list are the generic resource routes. */
export function registerControlExceptionRoutes(app: FastifyInstance, db: Kysely<any>): void {
  app.get('/api/control-exceptions/overdue', {
    schema: { tags, summary: 'Approved exceptions whose review date passed or that expired: someone must act', response: { 200: PageOf(ControlException), ...errorResponses } },
  }, async (request) => ({ ...(await overdueExceptions(db, actorOf(request))), nextCursor: null }));

  app.post('/api/control-exceptions/:id/approve', {
    // The note is optional, and so is the body that carries it.
    preValidation: async (request) => { request.body ??= {}; },
    schema: { tags, summary: 'Approve a proposed exception (owner or ISMS manager, not whoever wrote it)', params: IdParams, body: ApproveInput, response: { 200: ControlException, ...errorResponses } },
  }, async (request) => decideException(db, actorOf(request), idOf(request), 'approve', (request.body as { note?: string }).note ?? ''));

  app.post('/api/control-exceptions/:id/reject', {
    schema: { tags, summary: 'Reject a proposed exception, saying why (owner or ISMS manager, not whoever wrote it)', params: IdParams, body: RejectInput, response: { 200: ControlException, ...errorResponses } },
  }, async (request) => decideException(db, actorOf(request), idOf(request), 'reject', (request.body as { note: string }).note));
}
