import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { StringEnum, Uuid } from '../../model/common.js';
import type { LedgerVerificationRunner } from '../../services/ledger-verification.js';
import { VERIFICATION_STATUSES } from '../../store/ledger-verifications.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, ErrorResponse, PageOf } from '../schemas.js';

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const VerificationRun = Type.Object({
  id: Uuid,
  status: StringEnum(VERIFICATION_STATUSES, 'running; passed (nothing altered); failed (`problem` names the first place that does not match); interrupted (the server stopped, or stopped answering, during the run); error (the run could not read the ledger: `error` says why).'),
  requestedBy: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  heartbeatAt: Type.String({ format: 'date-time', description: 'Last sign of life of the run (each batch of entries).' }),
  treeSize: { ...Count, description: 'The size verified: the ledger\u2019s size when the run began.' },
  entriesChecked: { ...Count, description: 'Progress while running (written at most every second); the total once finished.' },
  entriesExpired: { ...Count, description: 'Entries whose payload retention removed (their leaf hashes still verify); known once finished.' },
  checkpointsChecked: Count,
  problem: Type.Union([Type.Object({ kind: Type.String(), at: Type.String(), message: Type.String() }, { additionalProperties: false }), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false, description: 'A verification of the whole ledger, run in the background.' });

const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Page size (1\u2013200).' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page.' })),
}, { additionalProperties: false });

/** Verifications of the whole ledger that run in the background, with their progress and results (not for tenant-viewers). */
export function registerLedgerVerificationRoutes(app: FastifyInstance, runner: LedgerVerificationRunner): void {
  const tags = ['Ledger'];
  const route = { config: { resource: 'ledger' } };

  app.post('/api/ledger/verifications', {
    ...route, schema: {
      tags, summary: 'Start verifying the whole ledger in the background (202), or get the run already going (200); poll GET /api/ledger/verifications/{id}',
      response: { 200: VerificationRun, 202: VerificationRun, ...errorResponses, 503: ErrorResponse },
    },
  }, async (request, reply) => {
    const { run, started } = await runner.start(actorOf(request));
    return reply.code(started ? 202 : 200).header('location', `/api/ledger/verifications/${run.id}`).send(run);
  });

  app.get('/api/ledger/verifications', {
    ...route, schema: { tags, summary: 'Verification runs, newest first', querystring: PageQuery, response: { 200: PageOf(VerificationRun), ...errorResponses } },
  }, async (request) => runner.list(actorOf(request), request.query as { limit: number; cursor?: string }));

  app.get('/api/ledger/verifications/:id', {
    ...route, schema: { tags, summary: 'One verification run: its progress while running, its result once finished', params: IdParams, response: { 200: VerificationRun, ...errorResponses } },
  }, async (request) => runner.get(actorOf(request), (request.params as { id: string }).id));
}
