import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../api/errors.js';
import { annexAControl, normalizeControlId } from '../catalog/index.js';
import { DateOnly, SetOf, Slug, StringEnum, Text, Timestamp, Timestamps, Uuid } from './common.js';
import type { ResourceDefinition } from './resource.js';
import type { IsolationTestResult } from './scope/lint-options.js';

export const EVIDENCE_KINDS = ['file', 'link'] as const;
export const ISOLATION_TEST_OUTCOMES = ['passed', 'failed'] as const;

/** An Annex A control id as stored everywhere: '5.15' (no 'A.' prefix). */
export const ControlId = Type.String({ pattern: '^[0-9]{1,2}\\.[0-9]{1,2}$', maxLength: 8, description: 'Annex A control id, e.g. 5.15.' });

/**
 * Something that shows a control operates: an uploaded file (stored encrypted) or a link, with the date it was
 * collected and how long it stays current. Without a tenant it is shared core evidence, supporting every tenant.
 */
export const EvidenceInput = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: StringEnum(EVIDENCE_KINDS, 'An uploaded file (PUT /api/evidence/{id}/file) or a link.'),
    url: Type.Optional(Type.Union([Type.String({ maxLength: 2000, pattern: '^[hH][tT][tT][pP][sS]?://[^\\s]+$' }), Type.Null()], { description: 'For a link: an http(s) URL.' })),
    collectedOn: { ...DateOnly, description: 'The day the evidence was collected (a report run, a screenshot taken, a test done).' },
    freshnessDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'How many days after collection the evidence stays current.' }),
    controlIds: Type.Optional(SetOf(ControlId, 93, 'Annex A controls the evidence supports.')),
    tenantId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The one tenant this evidence is about; null for shared core evidence that supports every tenant.' })),
    systemIds: Type.Optional(SetOf(Uuid, 200, 'Systems the evidence is about (e.g. the shared system an isolation test ran against).')),
    isolationTest: Type.Optional(Type.Union([StringEnum(ISOLATION_TEST_OUTCOMES), Type.Null()], { description: 'For the result of a cross-tenant isolation test of its systems: passed or failed. The scope linter reads it.' })),
    description: Type.Optional(Text(4000)),
  },
  { additionalProperties: false },
);
export type EvidenceInput = Static<typeof EvidenceInput>;

export const Evidence = Type.Object(
  {
    id: Uuid,
    ...EvidenceInput.properties,
    url: Type.Union([Type.String(), Type.Null()]),
    controlIds: Type.Array(Type.String()),
    tenantId: Type.Union([Uuid, Type.Null()]),
    systemIds: Type.Array(Uuid),
    isolationTest: Type.Union([StringEnum(ISOLATION_TEST_OUTCOMES), Type.Null()]),
    description: Type.String(),
    fileName: Type.Union([Type.String(), Type.Null()], { description: 'Name of the uploaded file, as sent.' }),
    fileType: Type.Union([Type.String(), Type.Null()], { description: 'Media type of the uploaded file.' }),
    fileSize: Type.Union([Type.Integer(), Type.Null()], { description: 'Size of the uploaded file in bytes.' }),
    fileSha256: Type.Union([Type.String(), Type.Null()], { description: 'SHA-256 of the uploaded file (its plaintext), hex.' }),
    fileUploadedAt: Type.Union([Timestamp, Type.Null()]),
    currentUntil: { ...DateOnly, description: 'Last day the evidence is current (collectedOn + freshnessDays).' },
    stale: Type.Boolean({ description: 'True when currentUntil is before today (UTC).' }),
    staleSince: Type.Union([DateOnly, Type.Null()], { description: 'First day the evidence was stale; null while current.' }),
    ...Timestamps,
  },
  { additionalProperties: false },
);
export type Evidence = Static<typeof Evidence>;

/** Today as YYYY-MM-DD in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** `day` plus `days` calendar days (YYYY-MM-DD, UTC). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Freshness of evidence on `today`: current until collectedOn + freshnessDays, stale from the day after. */
export function freshness(collectedOn: string, freshnessDays: number, today: string = todayUtc()): { currentUntil: string; stale: boolean; staleSince: string | null } {
  const currentUntil = addDays(collectedOn, freshnessDays);
  const stale = currentUntil < today;
  return { currentUntil, stale, staleSince: stale ? addDays(currentUntil, 1) : null };
}

/** Annex A ids must name a real control, written as the catalog writes them ('5.15'). */
export function checkControlIds(ids: unknown, field: string): void {
  if (!Array.isArray(ids)) return;
  for (const id of ids as string[]) {
    if (!annexAControl(id)) throw new AppError('invalid_value', `${field}: ${id} is not an ISO/IEC 27001:2022 Annex A control.`, field);
    if (normalizeControlId(id) !== id) throw new AppError('invalid_value', `${field}: write ${normalizeControlId(id)}, not ${id}.`, field);
  }
}

/** Cross-field rules of evidence (create and every patch, on the merged object). */
export function checkEvidence(obj: Record<string, unknown>, today: string = todayUtc()): void {
  if (obj.kind === 'link' && !obj.url) throw new AppError('invalid_value', 'A link needs its url (http or https).', 'url');
  if (obj.kind === 'file' && obj.url) throw new AppError('invalid_value', 'File evidence has no url: upload the file with PUT /api/evidence/{id}/file.', 'url');
  if (obj.kind === 'link' && obj.fileSha256) throw new AppError('invalid_value', 'This evidence holds an uploaded file: delete it or keep kind file.', 'kind');
  checkControlIds(obj.controlIds, 'controlIds');
  if (obj.isolationTest && !(Array.isArray(obj.systemIds) && obj.systemIds.length > 0)) {
    throw new AppError('invalid_value', 'An isolation test result names the systems it tested.', 'systemIds');
  }
  if (typeof obj.collectedOn === 'string' && obj.collectedOn > addDays(today, 1)) {
    throw new AppError('invalid_value', 'collectedOn is in the future.', 'collectedOn');
  }
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : new Date(v as string).toISOString());

/** Staleness and file facts as served. */
export function presentEvidence(obj: Record<string, unknown>, today: string = todayUtc()): Record<string, unknown> {
  const f = freshness(obj.collectedOn as string, obj.freshnessDays as number, today);
  return {
    ...obj,
    controlIds: obj.controlIds ?? [],
    fileSize: obj.fileSize === null || obj.fileSize === undefined ? null : Number(obj.fileSize),
    fileUploadedAt: iso(obj.fileUploadedAt),
    ...f,
  };
}

/** The scope linter's isolation test results: one per system of each evidence that records such a test. */
export function isolationTestsOf(evidence: ReadonlyArray<Record<string, unknown>>): IsolationTestResult[] {
  return evidence.filter((e) => e.isolationTest === 'passed' || e.isolationTest === 'failed').flatMap((e) =>
    ((e.systemIds as string[] | undefined) ?? []).map((systemId) => ({ systemId, testedOn: e.collectedOn as string, passed: e.isolationTest === 'passed' })));
}

export const evidenceResource: ResourceDefinition = {
  name: 'evidence',
  bundleKey: 'evidence',
  objectType: 'evidence',
  label: 'Evidence',
  table: 'evidence',
  input: EvidenceInput,
  output: Evidence,
  refs: [{ field: 'tenantId', column: 'tenant_id', target: 'tenants' }],
  links: [{ field: 'systemIds', target: 'systems', table: 'evidence_systems', ownColumn: 'evidence_id', targetColumn: 'system_id' }],
  jsonFields: [],
  filters: {
    kind: { schema: StringEnum(EVIDENCE_KINDS), field: 'kind', mode: 'equals' },
    tenantId: { schema: Uuid, field: 'tenantId', mode: 'equals' },
    controlId: { schema: ControlId, field: 'controlIds', mode: 'contains' },
    systemId: { schema: Uuid, field: 'systemIds', mode: 'link' },
    isolationTest: { schema: StringEnum(ISOLATION_TEST_OUTCOMES), field: 'isolationTest', mode: 'equals' },
  },
  sortable: ['slug', 'name', 'kind', 'collectedOn', 'createdAt', 'updatedAt'],
  searchable: ['slug', 'name', 'description', 'fileName'],
  check: (obj) => checkEvidence(obj),
  tenantField: 'tenantId',
  readOnly: ['fileName', 'fileType', 'fileSize', 'fileSha256', 'fileUploadedAt'],
  present: (obj) => presentEvidence(obj),
};
