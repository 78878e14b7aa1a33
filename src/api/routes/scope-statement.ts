import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import {
  ScopeChangeInput, ScopeChangePatch, ScopeChangeRequest, ScopeChangeStatusSchema, ScopeDecisionInput, ScopeDiff, ScopeRejectionInput,
  ScopeStatement, ScopeStatementSummary, type ScopeChangeStatus,
} from '../../model/scope-statement.js';
import {
  approveChangeRequest, createChangeRequest, currentStatement, diffStatements, getChangeRequest, getStatement, listChangeRequests,
  listStatements, rejectChangeRequest, submitChangeRequest, updateChangeRequest, withdrawChangeRequest,
} from '../../services/scope-statement.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams, PageOf } from '../schemas.js';

const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (1–200).' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page.' })),
};
const VersionsQuery = Type.Object(Paging, { additionalProperties: false });
const ChangeRequestsQuery = Type.Object({ ...Paging, status: Type.Optional(ScopeChangeStatusSchema) }, { additionalProperties: false });
const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Version number.' }) }, { additionalProperties: false });
const DiffQuery = Type.Object(
  { against: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'The version to compare with (default: the one before; 0: no statement).' })) },
  { additionalProperties: false },
);

type Id = { id: string };

export function registerScopeStatementRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Scope statement'];
  app.get('/api/scope/statement', {
    schema: { tags, summary: 'The current approved scope statement (404 before the first approval)', response: { 200: ScopeStatement, ...errorResponses } },
  }, async (request) => currentStatement(db, actorOf(request)));
  app.get('/api/scope/statements', {
    schema: { tags, summary: 'Every version of the scope statement, newest first', querystring: VersionsQuery, response: { 200: PageOf(ScopeStatementSummary), ...errorResponses } },
  }, async (request) => listStatements(db, actorOf(request), request.query as { limit: number; cursor?: string }));
  app.get('/api/scope/statements/:version', {
    schema: { tags, summary: 'One version of the scope statement', params: VersionParams, response: { 200: ScopeStatement, ...errorResponses } },
  }, async (request) => getStatement(db, actorOf(request), (request.params as { version: number }).version));
  app.get('/api/scope/statements/:version/diff', {
    schema: { tags, summary: 'What changed between two versions', params: VersionParams, querystring: DiffQuery, response: { 200: ScopeDiff, ...errorResponses } },
  }, async (request) => diffStatements(db, actorOf(request), (request.params as { version: number }).version, (request.query as { against?: number }).against));

  app.get('/api/scope/change-requests', {
    schema: { tags, summary: 'Scope change requests, newest first', querystring: ChangeRequestsQuery, response: { 200: PageOf(ScopeChangeRequest), ...errorResponses } },
  }, async (request) => listChangeRequests(db, actorOf(request), request.query as { limit: number; cursor?: string; status?: ScopeChangeStatus }));
  app.post('/api/scope/change-requests', {
    schema: { tags, summary: 'Draft a scope change: the ISMS impact and the whole proposed statement', body: ScopeChangeInput, response: { 201: ScopeChangeRequest, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await createChangeRequest(db, actorOf(request), request.body as ScopeChangeInput)));
  app.get('/api/scope/change-requests/:id', {
    schema: { tags, summary: 'One scope change request', params: IdParams, response: { 200: ScopeChangeRequest, ...errorResponses } },
  }, async (request) => getChangeRequest(db, actorOf(request), (request.params as Id).id));
  app.patch('/api/scope/change-requests/:id', {
    schema: { tags, summary: 'Edit a draft scope change', params: IdParams, body: ScopeChangePatch, response: { 200: ScopeChangeRequest, ...errorResponses } },
  }, async (request) => updateChangeRequest(db, actorOf(request), (request.params as Id).id, request.body as ScopeChangePatch));
  app.post('/api/scope/change-requests/:id/submit', {
    schema: { tags, summary: 'Submit a draft for sign-off (the ISMS impact must be complete)', params: IdParams, response: { 200: ScopeChangeRequest, ...errorResponses } },
  }, async (request) => submitChangeRequest(db, actorOf(request), (request.params as Id).id));
  app.post('/api/scope/change-requests/:id/approve', {
    // The note is optional, and so is the body that carries it: no body is an approval without a note.
    preValidation: async (request) => { request.body ??= {}; },
    schema: { tags, summary: 'Sign off a submitted change (owner or ISMS manager, not its requester): creates the next version', params: IdParams, body: ScopeDecisionInput, response: { 200: ScopeChangeRequest, ...errorResponses } },
  }, async (request) => approveChangeRequest(db, actorOf(request), (request.params as Id).id, request.body as ScopeDecisionInput));
  app.post('/api/scope/change-requests/:id/reject', {
    schema: { tags, summary: 'Reject a submitted change, saying why (owner or ISMS manager, not its requester)', params: IdParams, body: ScopeRejectionInput, response: { 200: ScopeChangeRequest, ...errorResponses } },
  }, async (request) => rejectChangeRequest(db, actorOf(request), (request.params as Id).id, request.body as { note: string }));
  app.post('/api/scope/change-requests/:id/withdraw', {
    schema: { tags, summary: 'Withdraw a draft or submitted change (its requester, an owner or an ISMS manager)', params: IdParams, response: { 200: ScopeChangeRequest, ...errorResponses } },
  }, async (request) => withdrawChangeRequest(db, actorOf(request), (request.params as Id).id));
}
