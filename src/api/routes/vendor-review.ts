import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { DateOnly, Slug, StringEnum, Uuid } from '../../model/common.js';
import {
  DueVendor, TenantNotice, VENDOR_REVIEW_REASONS, VENDOR_REVIEW_TASK_STATUSES, VendorReview, VendorReviewCancellation, VendorReviewCompletion,
} from '../../model/vendor-review.js';
import {
  cancelVendorReview, completeVendorReview, dueVendorReviews, getVendorReview, listVendorReviews, scheduleVendorReviews, vendorReviewCounts,
  vendorTenantsReached, type ReviewQuery,
} from '../../services/vendor-review.js';
import { actorOf } from '../plugins/authenticate.js';
import { errorResponses, IdParams, PageOf } from '../schemas.js';

const tags = ['Vendor reviews'];
const Today = Type.Optional(Type.String({ format: 'date', description: 'The reference date, YYYY-MM-DD (default: today, UTC).' }));

const ReviewsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (1–200).' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page.' })),
  status: Type.Optional(StringEnum(VENDOR_REVIEW_TASK_STATUSES)),
  vendor: Type.Optional(Uuid),
  overdue: Type.Optional(Type.Boolean({ description: 'true: open reviews past their due date; false: the others.' })),
  today: Today,
}, { additionalProperties: false });

const DueQuery = Type.Object({
  today: Today,
  withinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: 'Also list reviews falling due within this many days.' })),
}, { additionalProperties: false });

const TodayQuery = Type.Object({ today: Today }, { additionalProperties: false });

const TenantsReached = Type.Object({
  vendor: Type.Object({ id: Uuid, slug: Slug, name: Type.String(), subProcessor: Type.Boolean() }, { additionalProperties: false }),
  today: DateOnly,
  tenants: Type.Array(TenantNotice),
  earliestEffectiveOn: Type.Union([DateOnly, Type.Null()]),
  openReviews: Type.Array(Type.Object({ id: Uuid, reason: StringEnum(VENDOR_REVIEW_REASONS), dueOn: DateOnly }, { additionalProperties: false })),
}, { additionalProperties: false });

const DueList = Type.Object({ today: DateOnly, items: Type.Array(DueVendor) }, { additionalProperties: false });
const Scheduled = Type.Object({
  today: DateOnly,
  opened: Type.Array(Type.Object({ reviewId: Uuid, vendorId: Uuid, slug: Slug, reason: StringEnum(VENDOR_REVIEW_REASONS), dueOn: DateOnly }, { additionalProperties: false })),
}, { additionalProperties: false });
const Counts = Type.Object({ open: Type.Integer(), overdue: Type.Integer() }, { additionalProperties: false });

type Id = { id: string };

/** Sub-processor review tasks, the tenants whose data reaches a vendor, and recurring reviews by criticality. */
export function registerVendorReviewRoutes(app: FastifyInstance, db: Kysely<any>): void {
  app.get('/api/vendors/:id/tenants-reached', {
    schema: { tags, summary: 'Tenants whose data reaches a vendor, with the notice each one\u2019s DPA requires', params: IdParams, querystring: TodayQuery, response: { 200: TenantsReached, ...errorResponses } },
  }, async (request) => vendorTenantsReached(db, actorOf(request), (request.params as Id).id, (request.query as { today?: string }).today));

  app.get('/api/vendor-reviews', {
    schema: { tags, summary: 'Vendor review tasks by due date', querystring: ReviewsQuery, response: { 200: PageOf(VendorReview), ...errorResponses } },
  }, async (request) => listVendorReviews(db, actorOf(request), request.query as ReviewQuery));

  app.get('/api/vendor-reviews/due', {
    schema: { tags, summary: 'Vendors whose recurring review (last review + interval by criticality) is due or overdue', querystring: DueQuery, response: { 200: DueList, ...errorResponses } },
  }, async (request) => dueVendorReviews(db, actorOf(request), request.query as { today?: string; withinDays?: number }));

  app.get('/api/vendor-reviews/counts', {
    schema: { tags, summary: 'Open and overdue vendor reviews', querystring: TodayQuery, response: { 200: Counts, ...errorResponses } },
  }, async (request) => vendorReviewCounts(db, actorOf(request), (request.query as { today?: string }).today));

  app.post('/api/vendor-reviews/schedule', {
    // nothing to send: no body is the same as an empty one
    preValidation: async (request) => { request.body ??= {}; },
    schema: { tags, summary: 'Open a recurring review for every vendor due, and a review for every sub-processor now reaching tenants its last review did not list (idempotent)', querystring: TodayQuery, body: Type.Object({}, { additionalProperties: false }), response: { 200: Scheduled, ...errorResponses } },
  }, async (request) => scheduleVendorReviews(db, actorOf(request), request.query as { today?: string }));

  app.get('/api/vendor-reviews/:id', {
    schema: { tags, summary: 'One vendor review task', params: IdParams, querystring: TodayQuery, response: { 200: VendorReview, ...errorResponses } },
  }, async (request) => getVendorReview(db, actorOf(request), (request.params as Id).id, (request.query as { today?: string }).today));

  app.post('/api/vendor-reviews/:id/complete', {
    schema: { tags, summary: 'Complete an open review with its result and outcome (sets the vendor\u2019s reviewStatus and reviewedOn)', params: IdParams, body: VendorReviewCompletion, response: { 200: VendorReview, ...errorResponses } },
  }, async (request) => completeVendorReview(db, actorOf(request), (request.params as Id).id, request.body as VendorReviewCompletion));

  app.post('/api/vendor-reviews/:id/cancel', {
    schema: { tags, summary: 'Cancel an open review, saying why', params: IdParams, body: VendorReviewCancellation, response: { 200: VendorReview, ...errorResponses } },
  }, async (request) => cancelVendorReview(db, actorOf(request), (request.params as Id).id, request.body as { outcome: string }));
}
