import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { applyBundle, exportBundle } from '../../services/bundle.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses } from '../schemas.js';

const Outcome = Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]);
const ApplyReport = Type.Object({
  organization: Type.Object({ slug: Type.String(), outcome: Outcome }),
  counts: Type.Record(Type.String(), Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() })),
  objects: Type.Array(Type.Object({ section: Type.String(), slug: Type.String(), outcome: Outcome, changed: Type.Optional(Type.Array(Type.String())) })),
  dryRun: Type.Boolean(),
}, { additionalProperties: false });

const ApplyRequest = Type.Object({
  yaml: Type.String({ minLength: 1, maxLength: 50 * 1024 * 1024, description: 'The bundle, as YAML text (docs/bundle-format.md).' }),
  dryRun: Type.Optional(Type.Boolean({ description: 'Check and report, write nothing.' })),
}, { additionalProperties: false });

export function registerBundleRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['ISMS as code'];
  app.get('/api/bundle', {
    config: { resource: 'bundle' },
    schema: { tags, summary: 'The whole organization model as one YAML bundle (deterministic)', response: { 200: Type.String(), ...errorResponses } },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const text = await exportBundle(db, actor);
    return reply.type('application/yaml; charset=utf-8').header('content-disposition', `attachment; filename="tenantproof-bundle.yaml"`).send(text);
  });
  app.post('/api/bundle/apply', {
    config: { resource: 'bundle' },
    schema: {
      tags, summary: 'Upsert a bundle by slug in one transaction; an invalid bundle writes nothing and lists every problem with its line',
      body: ApplyRequest, response: { 200: ApplyReport, ...errorResponses },
    },
  }, async (request) => {
    const body = request.body as { yaml: string; dryRun?: boolean };
    return applyBundle(db, actorOf(request), body.yaml, { file: 'bundle.yaml', dryRun: body.dryRun ?? false });
  });
}
