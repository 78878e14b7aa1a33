import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { Uuid } from '../../model/common.js';
import type { RopaRecord } from '../../model/ropa.js';
import { ropaCsv } from '../../reports/ropa-csv.js';
import { ropaXlsx } from '../../reports/ropa-xlsx.js';
import { controllerRecordOf, processorRecordOf } from '../../services/ropa.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses } from '../schemas.js';

const MEDIA = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
type Format = keyof typeof MEDIA;

const TenantParams = Type.Object({ tenantId: Uuid }, { additionalProperties: false });

async function send(reply: FastifyReply, record: RopaRecord, format: Format, filename: string) {
  const body = format === 'csv' ? ropaCsv(record) : await ropaXlsx(record);
  return reply.type(MEDIA[format]).header('content-disposition', `attachment; filename="${filename}.${format}"`).send(body);
}

/**
 * The records of processing of GDPR Art. 30 as downloads: the controller record (Art. 30(1)) and the processor
 * record (Art. 30(2)), for every customer or one. A tenant-viewer downloads its own customer's processor record.
 */
export function registerRopaRoutes(app: FastifyInstance, db: Kysely<any>): void {
  const tags = ['Records of processing'];
  for (const format of ['csv', 'xlsx'] as const) {
    const produces = { 200: { description: `The record (${MEDIA[format]}).`, content: { [MEDIA[format].split(';')[0]!]: { schema: Type.String() } } }, ...errorResponses };
    app.get(`/api/ropa/controller.${format}`, {
      schema: { tags, summary: `The controller record, GDPR Art. 30(1) (${format.toUpperCase()})`, response: produces },
    }, async (request, reply) => send(reply, await controllerRecordOf(db, actorOf(request)), format, 'ropa-controller'));
    app.get(`/api/ropa/processor.${format}`, {
      schema: { tags, summary: `The processor record for every customer, GDPR Art. 30(2) (${format.toUpperCase()}); a tenant-viewer's own`, response: produces },
    }, async (request, reply) => send(reply, await processorRecordOf(db, actorOf(request)), format, 'ropa-processor'));
    app.get(`/api/ropa/processor/:tenantId.${format}`, {
      schema: { tags, summary: `The processor record for one customer (controller), GDPR Art. 30(2) (${format.toUpperCase()})`, params: TenantParams, response: produces },
    }, async (request, reply) => {
      const { tenantId } = request.params as { tenantId: string };
      return send(reply, await processorRecordOf(db, actorOf(request), tenantId), format, `ropa-processor-${tenantId}`);
    });
  }
}
