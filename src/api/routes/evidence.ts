import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { Evidence } from '../../model/evidence.js';
import { attachmentHeader } from '../../model/evidence-file.js';
import { evidenceFiles, readEvidenceFile, staleEvidence, sweepEvidenceFiles, uploadEvidenceFile, type EvidenceFiles } from '../../services/evidence.js';
import { masterKeySource } from '../../services/ledger.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams, PageOf } from '../schemas.js';

const tags = ['Evidence'];
const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;
const UploadQuery = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 255, description: 'The file\u2019s name (or send X-File-Name, URL-encoded).' })),
}, { additionalProperties: false });

/**
 * Evidence files (upload as the raw body, download decrypted) and the stale evidence list. Create, read, update,
 * delete and list of evidence are the generic resource routes.
 */
export function registerEvidenceRoutes(app: FastifyInstance, db: Kysely<any>, config: Config): void {
  const files: EvidenceFiles = evidenceFiles(config, masterKeySource(config));

  // Files of deleted evidence leave the disk once the deletion has committed (the database queued them), before
  // the answer goes out; a failure is logged and the next sweep (any later upload or deletion) retries.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'DELETE' && request.routeOptions.url === '/api/evidence/:id' && reply.statusCode === 204) {
      await sweepEvidenceFiles(db, actorOf(request), files).catch((error: unknown) => request.log.error({ err: error }, 'evidence file sweep failed'));
    }
    return payload;
  });

  app.get('/api/evidence/stale', {
    schema: { tags, summary: 'Evidence past its freshness period (collectedOn + freshnessDays before today), oldest first', response: { 200: PageOf(Evidence), ...errorResponses } },
  }, async (request) => ({ ...(await staleEvidence(db, actorOf(request))), nextCursor: null }));

  app.get('/api/evidence/:id/file', {
    schema: { tags, summary: 'Download the evidence\u2019s file, decrypted (attachment, its stored type)', params: IdParams, response: errorResponses },
  }, async (request, reply) => {
    const file = await readEvidenceFile(db, actorOf(request), files, idOf(request));
    return reply
      .type(file.type)
      .header('content-disposition', attachmentHeader(file.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .header('x-evidence-sha256', file.sha256)
      .send(file.bytes);
  });

  // The upload reads the raw body itself (any Content-Type, no multipart): the type is checked against the allowed
  // list and the file's first bytes, and at most limit + 1 bytes are read.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    raw.put('/api/evidence/:id/file', {
      schema: {
        tags, summary: 'Upload (or replace) the evidence\u2019s file as the raw request body; Content-Type is the file\u2019s type',
        params: IdParams, querystring: UploadQuery, response: { 200: Evidence, ...errorResponses },
      },
    }, async (request) => {
      const header = request.headers['x-file-name'];
      let name = (request.query as { name?: string }).name;
      if (!name && typeof header === 'string') {
        try { name = decodeURIComponent(header); } catch { name = header; }
      }
      const length = request.headers['content-length'];
      return uploadEvidenceFile(db, actorOf(request), files, idOf(request), {
        contentType: request.headers['content-type'], name,
        declaredLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
        body: request.body as any,
      });
    });
  });
}
