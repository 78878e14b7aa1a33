import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Uuid } from '../../model/common.js';
import { Member, MemberCreate, MemberUpdate } from '../../model/member.js';
import { addMember, getMember, listMembers, removeMember, updateMember } from '../../services/members.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses } from '../schemas.js';

const UserParams = Type.Object({ userId: Uuid }, { additionalProperties: false });

export function registerMemberRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Members'];
  const config = { resource: 'members' };
  app.get('/api/members', { config, schema: { tags, summary: 'List the organization\u2019s members', response: { 200: Type.Object({ items: Type.Array(Member) }), ...errorResponses } } },
    async (request) => ({ items: await listMembers(db, actorOf(request)) }));
  app.post('/api/members', { config, schema: { tags, summary: 'Add a member', body: MemberCreate, response: { 201: Member, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await addMember(db, actorOf(request), request.body as MemberCreate)));
  app.get('/api/members/:userId', { config, schema: { tags, summary: 'Get a member', params: UserParams, response: { 200: Member, ...errorResponses } } },
    async (request) => getMember(db, actorOf(request), (request.params as { userId: string }).userId));
  app.patch('/api/members/:userId', { config, schema: { tags, summary: 'Change a member\u2019s role or tenant', params: UserParams, body: Type.Object(MemberUpdate.properties, { additionalProperties: false, minProperties: 1 }), response: { 200: Member, ...errorResponses } } },
    async (request) => updateMember(db, actorOf(request), (request.params as { userId: string }).userId, request.body as MemberUpdate));
  app.delete('/api/members/:userId', { config, schema: { tags, summary: 'Remove a member', params: UserParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await removeMember(db, actorOf(request), (request.params as { userId: string }).userId); return reply.code(204).send(); });
}
