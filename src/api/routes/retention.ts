import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { LegalHold, LegalHoldInput, RetentionClassSchema, RetentionPolicy, RetentionPolicyInput, SweepReport, type RetentionClass } from '../../model/retention.js';
import { createHold, deletePolicy, listHolds, listPolicies, releaseHold, setPolicy, sweepRetention } from '../../services/retention.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams } from '../schemas.js';

const ClassParams = Type.Object({ actionClass: RetentionClassSchema }, { additionalProperties: false });

export function registerRetentionRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Retention'];
  const config = { resource: 'retention' };
  app.get('/api/retention', {
    config, schema: { tags, summary: 'Retention policies per action class, and legal holds', response: { 200: Type.Object({ policies: Type.Array(RetentionPolicy), holds: Type.Array(LegalHold) }), ...errorResponses } },
  }, async (request) => {
    const actor = actorOf(request);
    return { policies: await listPolicies(db, actor), holds: await listHolds(db, actor) };
  });
  app.put('/api/retention/policies/:actionClass', {
    config, schema: { tags, summary: 'Set the retention period of a class, with its rationale', params: ClassParams, body: RetentionPolicyInput, response: { 200: RetentionPolicy, ...errorResponses } },
  }, async (request) => setPolicy(db, actorOf(request), (request.params as { actionClass: RetentionClass }).actionClass, request.body as RetentionPolicyInput));
  app.delete('/api/retention/policies/:actionClass', {
    config, schema: { tags, summary: 'Remove a class\u2019s retention period (its entries are then kept for ever)', params: ClassParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await deletePolicy(db, actorOf(request), (request.params as { actionClass: RetentionClass }).actionClass);
    return reply.code(204).send();
  });
  app.post('/api/retention/holds', {
    config, schema: { tags, summary: 'Place a legal hold on a tenant or an incident: suspends deletion', body: LegalHoldInput, response: { 201: LegalHold, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await createHold(db, actorOf(request), request.body as LegalHoldInput)));
  app.post('/api/retention/holds/:id/release', {
    config, schema: { tags, summary: 'Release a legal hold', params: IdParams, response: { 200: LegalHold, ...errorResponses } },
  }, async (request) => releaseHold(db, actorOf(request), (request.params as { id: string }).id));
  app.post('/api/retention/sweep', {
    config, schema: { tags, summary: 'Expire the payloads of entries past retention now (also runs daily in the server)', response: { 200: SweepReport, ...errorResponses } },
  }, async (request) => sweepRetention(db, actorOf(request)));
}
