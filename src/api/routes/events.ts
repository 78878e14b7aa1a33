import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { EventQuery, IngestReport, LedgerEvent, MAX_EVENT_BATCH_BYTES } from '../../model/event.js';
import { eventsCsv, queryEvents } from '../../services/event-log.js';
import { ingestEvents } from '../../services/events.js';
import { AppError } from '../errors.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses } from '../schemas.js';

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

export function registerEventRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Events'];
  const config = { resource: 'events' };
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit: MAX_EVENT_BATCH_BYTES }, (_request, body, done) => done(null, body));

  app.post('/api/events', {
    config,
    bodyLimit: MAX_EVENT_BATCH_BYTES,
    schema: {
      tags,
      summary: 'Ingest a batch of events (NDJSON or a JSON array, up to 10 MB) into the ledger',
      description: 'Each line is accepted (with its ledger index), a duplicate of an event accepted before (same source and sourceEventId), or rejected with its field and reason. Accepted events are committed before the answer is sent. When no line is accepted the answer is 422 events_rejected, listing every line.',
      consumes: ['application/x-ndjson', 'application/json'],
      response: { 200: IngestReport, ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'string' && !Array.isArray(body)) {
      throw new AppError('validation_failed', 'Send events as NDJSON (Content-Type: application/x-ndjson, one JSON object per line) or as a JSON array.');
    }
    const report = await ingestEvents(db, actorOf(request), body);
    if (report.accepted === 0 && report.duplicates === 0) {
      const first = report.results[0]!;
      throw new AppError('events_rejected', `None of the ${report.received} events was accepted; line ${first.line}: ${first.reason ?? ''}`, first.field || undefined, undefined,
        report.results.slice(0, 1000).map((r) => ({ line: r.line, column: 0, field: r.field ?? '', message: r.reason ?? '' })));
    }
    return reply.send(report);
  });

  app.get('/api/events', {
    config,
    schema: {
      tags,
      summary: 'Events for an investigation, newest first: by tenant, system, actor, internal or external actor, action class, outcome, source, time',
      querystring: EventQuery,
      response: { 200: Type.Object({ items: Type.Array(LedgerEvent), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
    },
  }, async (request) => queryEvents(db, actorOf(request), request.query as EventQuery));

  app.get('/api/events.csv', {
    config,
    schema: { tags, summary: 'The same query as CSV (every page, up to 1,000,000 rows)', querystring: Type.Omit(EventQuery, ['limit', 'cursor']), response: { 200: Type.String(), ...errorResponses } },
  }, async (request, reply) => {
    const rows = eventsCsv(db, actorOf(request), request.query as EventQuery);
    const first = await rows.next(); // a bad filter fails here, as a JSON error, before any CSV is sent
    const stream = Readable.from((async function* () {
      if (!first.done) yield first.value;
      yield* rows;
    })());
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="events.csv"').send(stream);
  });
}
