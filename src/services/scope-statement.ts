import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize, can } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { recordChange } from '../ledger/record.js';
import {
  diffScopeStatements, EMPTY_SCOPE, type ProposedStatementInput, type ScopeChangeInput, type ScopeChangePatch, type ScopeChangeRequest,
  type ScopeChangeStatus, type ScopeContent, type ScopeDecisionInput, type ScopeDiff, type ScopeRejectionInput, type ScopeStatement,
  type ScopeStatementSummary,
} from '../model/scope-statement.js';
import {
  currentVersion, decodeNumberCursor, encodeNumberCursor, findChangeRequest, findStatement, insertChangeRequest, insertStatement,
  listChangeRequestRows, listStatementRows, lockScope, nextChangeNumber, servicesByIds, setChangeRequestStatus,
  updateChangeRequestContent, type ChangeRequestContent, type ChangeRequestRow, type ServiceRef, type StatementRow,
} from '../store/scope-statement.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;
interface Page<T> { items: T[]; nextCursor: string | null; total: number }

/**
 * A version as the viewer may see it. A tenant-viewer gets the statement as a certificate shows it: no
 * service ids (it has no access to service objects), no sign-off names, no link to the change request.
 */
function presentStatement(row: StatementRow, actor: Actor): ScopeStatement {
  const internal = actor.role !== 'tenant-viewer';
  return {
    version: row.version, text: row.text,
    services: row.services.map((s) => (internal ? { id: s.id, slug: s.slug, name: s.name } : { slug: s.slug, name: s.name })),
    locations: row.locations, teams: row.teams, exclusions: row.exclusions, approvedAt: row.approved_at,
    ...(internal ? { approvedBy: row.approved_by, changeRequestId: row.change_request_id, changeRequestNumber: Number(row.change_request_number) } : {}),
  };
}

function contentOf(row: StatementRow | undefined): ScopeContent {
  return row ? { text: row.text, services: row.services, locations: row.locations, teams: row.teams, exclusions: row.exclusions } : EMPTY_SCOPE;
}

/** Deciding is for owners and ISMS managers, never on one's own request. */
function mayDecide(actor: Actor, row: ChangeRequestRow): boolean {
  return can(actor, 'update', 'scope-changes') && can(actor, 'create', 'scope-statement') && row.requested_by_user !== actor.userId;
}

/** Its requester, or a manager, may still edit, submit or withdraw it. */
function mayHandle(actor: Actor, row: ChangeRequestRow): boolean {
  return can(actor, 'create', 'scope-changes') && (row.requested_by_user === actor.userId || can(actor, 'update', 'scope-changes'));
}

function presentChangeRequest(row: ChangeRequestRow, actor: Actor): ScopeChangeRequest {
  const handle = mayHandle(actor, row);
  const decide = mayDecide(actor, row) && row.status === 'submitted';
  return {
    id: row.id, number: Number(row.number), title: row.title, kind: row.kind as ScopeChangeRequest['kind'], description: row.description,
    impact: { assets: row.impact_assets, risks: row.impact_risks, controls: row.impact_controls, tenants: row.impact_tenants },
    proposed: { text: row.proposed_text, services: row.services, locations: row.proposed_locations, teams: row.proposed_teams, exclusions: row.proposed_exclusions },
    baseVersion: Number(row.base_version), status: row.status, requestedBy: row.requested_by, requestedAt: row.requested_at, updatedAt: row.updated_at,
    submittedAt: row.submitted_at, decidedBy: row.decided_by, decidedAt: row.decided_at, decisionNote: row.decision_note,
    resultingVersion: row.resulting_version === null ? null : Number(row.resulting_version),
    allowed: {
      edit: handle && row.status === 'draft', submit: handle && row.status === 'draft',
      approve: decide, reject: decide, withdraw: handle && (row.status === 'draft' || row.status === 'submitted'),
    },
  };
}

/** The current approved statement; `not_found` before the first approval. */
export async function currentStatement(db: Kysely<any>, actor: Actor): Promise<ScopeStatement> {
  authorize(actor, 'read', 'scope-statement');
  const row = await asActor(db, actor, async (trx) => findStatement(trx, await currentVersion(trx)));
  if (!row) throw new AppError('not_found', 'No scope statement has been approved yet.');
  return presentStatement(row, actor);
}

/** Every version, newest first: the history of the scope. */
export async function listStatements(db: Kysely<any>, actor: Actor, query: { limit: number; cursor?: string | undefined }): Promise<Page<ScopeStatementSummary>> {
  authorize(actor, 'read', 'scope-changes');
  const before = decodeNumberCursor('scope-statements', query.cursor);
  const { rows, total } = await asActor(db, actor, (trx) => listStatementRows(trx, query.limit, before));
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      version: r.version, approvedAt: r.approved_at, approvedBy: r.approved_by, changeRequestId: r.change_request_id,
      changeRequestNumber: Number(r.change_request_number), changeRequestTitle: r.change_request_title,
    })),
    nextCursor: rows.length > query.limit ? encodeNumberCursor('scope-statements', page[page.length - 1]!.version) : null,
    total,
  };
}

export async function getStatement(db: Kysely<any>, actor: Actor, version: number): Promise<ScopeStatement> {
  authorize(actor, 'read', 'scope-changes');
  const row = await asActor(db, actor, (trx) => findStatement(trx, version));
  if (!row) throw new AppError('not_found', `There is no scope statement version ${version}.`);
  return presentStatement(row, actor);
}

/** What changed from version `against` (default: the one before; 0: no statement) to `version`. */
export async function diffStatements(db: Kysely<any>, actor: Actor, version: number, against?: number): Promise<ScopeDiff> {
  authorize(actor, 'read', 'scope-changes');
  const from = against ?? version - 1;
  const [a, b] = await asActor(db, actor, async (trx) => [from === 0 ? undefined : await findStatement(trx, from), await findStatement(trx, version)] as const);
  if (!b) throw new AppError('not_found', `There is no scope statement version ${version}.`);
  if (from !== 0 && !a) throw new AppError('not_found', `There is no scope statement version ${from}.`, 'against');
  return diffScopeStatements(contentOf(a), contentOf(b), from, version);
}

export async function listChangeRequests(db: Kysely<any>, actor: Actor, query: { status?: ScopeChangeStatus | undefined; limit: number; cursor?: string | undefined }): Promise<Page<ScopeChangeRequest>> {
  authorize(actor, 'read', 'scope-changes');
  const before = decodeNumberCursor('scope-change-requests', query.cursor);
  const { rows, total } = await asActor(db, actor, (trx) => listChangeRequestRows(trx, { status: query.status, limit: query.limit, before }));
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => presentChangeRequest(r, actor)),
    nextCursor: rows.length > query.limit ? encodeNumberCursor('scope-change-requests', Number(page[page.length - 1]!.number)) : null,
    total,
  };
}

export async function getChangeRequest(db: Kysely<any>, actor: Actor, id: string): Promise<ScopeChangeRequest> {
  authorize(actor, 'read', 'scope-changes');
  const row = await asActor(db, actor, (trx) => findChangeRequest(trx, id));
  if (!row) throw new AppError('not_found', 'Scope change request not found.');
  return presentChangeRequest(row, actor);
}

/** Rules the schema cannot say: one exclusion per subject, and every service must be this organization's. */
async function resolveProposal(trx: Trx, proposed: ProposedStatementInput): Promise<ChangeRequestContent['proposed']> {
  const subjects = new Set<string>();
  proposed.exclusions.forEach((e, i) => {
    const subject = e.subject.trim();
    if (subjects.has(subject)) throw new AppError('invalid_value', `Two exclusions have the subject "${subject}"; give each one once.`, `proposed.exclusions.${i}.subject`);
    subjects.add(subject);
  });
  const found = await servicesByIds(trx, proposed.serviceIds);
  const missing = proposed.serviceIds.findIndex((id) => !found.has(id));
  if (missing >= 0) {
    // Another organization's id is answered exactly like one that never existed.
    throw new AppError('reference_not_found', `proposed.serviceIds: no service with id ${proposed.serviceIds[missing]} in this organization.`, `proposed.serviceIds.${missing}`);
  }
  return {
    text: proposed.text.trim(), locations: proposed.locations.map((l) => l.trim()), teams: proposed.teams.map((t) => t.trim()),
    exclusions: proposed.exclusions.map((e) => ({ subject: e.subject.trim(), justification: e.justification.trim() })),
    services: proposed.serviceIds.map((id) => found.get(id)!),
  };
}

const NO_IMPACT = { assets: '', risks: '', controls: '', tenants: '' };
const trimImpact = (i: typeof NO_IMPACT) => ({ assets: i.assets.trim(), risks: i.risks.trim(), controls: i.controls.trim(), tenants: i.tenants.trim() });
const label = (row: Pick<ChangeRequestRow, 'number' | 'title'>) => `SCR-${row.number} ${row.title}`;

/** Draft a change request (owners, ISMS managers and engineers): the proposal is written against the current version. */
export async function createChangeRequest(db: Kysely<any>, actor: Actor, input: ScopeChangeInput): Promise<ScopeChangeRequest> {
  authorize(actor, 'create', 'scope-changes');
  return asActor(db, actor, async (trx) => {
    await lockScope(trx, actor.orgId);
    const content: ChangeRequestContent = {
      title: input.title.trim(), kind: input.kind, description: (input.description ?? '').trim(), impact: trimImpact(input.impact ?? NO_IMPACT),
      proposed: await resolveProposal(trx, input.proposed), baseVersion: await currentVersion(trx),
    };
    const id = randomUUID();
    const number = await nextChangeNumber(trx);
    await insertChangeRequest(trx, actor.orgId, id, number, content, { userId: actor.userId, label: actorLabel(actor) });
    const created = (await findChangeRequest(trx, id))!;
    await recordChange(trx, actor, { action: 'create', objectType: 'scope-change-request', objectId: id, objectSlug: `SCR-${number}`, tenantId: null, summary: `Drafted scope change ${label(created)}`, after: created });
    return presentChangeRequest(created, actor);
  });
}

/** Load a request for a state change, under the scope lock, or answer 404. */
async function lockedRequest(trx: Trx, actor: Actor, id: string): Promise<ChangeRequestRow> {
  await lockScope(trx, actor.orgId);
  const row = await findChangeRequest(trx, id, { forUpdate: true });
  if (!row) throw new AppError('not_found', 'Scope change request not found.');
  return row;
}

function requireStatus(row: ChangeRequestRow, allowed: ScopeChangeStatus[], doing: string): void {
  if (!allowed.includes(row.status)) throw new AppError('conflict', `SCR-${row.number} is ${row.status}; only a ${allowed.join(' or ')} request can be ${doing}.`, 'status');
}

function requireHandler(actor: Actor, row: ChangeRequestRow, doing: string): void {
  if (!mayHandle(actor, row)) throw new AppError('forbidden', `Only the requester of SCR-${row.number}, an owner or an ISMS manager can ${doing} it.`);
}

/** Edit a draft: the proposal is re-read against the current version, which becomes its base. */
export async function updateChangeRequest(db: Kysely<any>, actor: Actor, id: string, patch: ScopeChangePatch): Promise<ScopeChangeRequest> {
  authorize(actor, 'create', 'scope-changes');
  return asActor(db, actor, async (trx) => {
    const before = await lockedRequest(trx, actor, id);
    requireHandler(actor, before, 'edit');
    requireStatus(before, ['draft'], 'edited');
    const content: ChangeRequestContent = {
      title: patch.title?.trim() ?? before.title, kind: patch.kind ?? before.kind, description: patch.description?.trim() ?? before.description,
      impact: patch.impact ? trimImpact(patch.impact) : { assets: before.impact_assets, risks: before.impact_risks, controls: before.impact_controls, tenants: before.impact_tenants },
      proposed: patch.proposed ? await resolveProposal(trx, patch.proposed) : {
        text: before.proposed_text, locations: before.proposed_locations, teams: before.proposed_teams, exclusions: before.proposed_exclusions, services: before.services,
      },
      baseVersion: patch.proposed ? await currentVersion(trx) : Number(before.base_version),
    };
    await updateChangeRequestContent(trx, actor.orgId, id, content);
    const after = (await findChangeRequest(trx, id))!;
    await recordChange(trx, actor, { action: 'update', objectType: 'scope-change-request', objectId: id, objectSlug: `SCR-${after.number}`, tenantId: null, summary: `Edited scope change ${label(after)}`, before, after });
    return presentChangeRequest(after, actor);
  });
}

/** Ask for sign-off. The ISMS-impact section must be complete: a decision needs to know what the change does. */
export async function submitChangeRequest(db: Kysely<any>, actor: Actor, id: string): Promise<ScopeChangeRequest> {
  authorize(actor, 'create', 'scope-changes');
  return transition(db, actor, id, 'submit', async (trx, row) => {
    requireHandler(actor, row, 'submit');
    requireStatus(row, ['draft'], 'submitted');
    for (const [field, value] of [['assets', row.impact_assets], ['risks', row.impact_risks], ['controls', row.impact_controls], ['tenants', row.impact_tenants]] as const) {
      if (!value.trim()) throw new AppError('invalid_value', `The ISMS impact on ${field} is empty; say what the change does to it ("none" is an answer) before submitting.`, `impact.${field}`);
    }
    await setChangeRequestStatus(trx, id, 'submitted');
    return `Submitted scope change ${label(row)} for sign-off`;
  });
}

export async function withdrawChangeRequest(db: Kysely<any>, actor: Actor, id: string): Promise<ScopeChangeRequest> {
  authorize(actor, 'create', 'scope-changes');
  return transition(db, actor, id, 'withdraw', async (trx, row) => {
    requireHandler(actor, row, 'withdraw');
    requireStatus(row, ['draft', 'submitted'], 'withdrawn');
    await setChangeRequestStatus(trx, id, 'withdrawn');
    return `Withdrew scope change ${label(row)}`;
  });
}

/**
 * Sign off a submitted request: version N+1 is created from its proposal in the same transaction, under the
 * scope lock, and only if the proposal was written against version N (otherwise approving it would silently
 * undo what was approved in between). Nobody approves their own request.
 */
export async function approveChangeRequest(db: Kysely<any>, actor: Actor, id: string, input: ScopeDecisionInput): Promise<ScopeChangeRequest> {
  authorize(actor, 'update', 'scope-changes');
  authorize(actor, 'create', 'scope-statement');
  return transition(db, actor, id, 'approve', async (trx, row) => {
    requireOtherThanRequester(actor, row, 'approve');
    requireStatus(row, ['submitted'], 'approved');
    const current = await currentVersion(trx);
    if (Number(row.base_version) !== current) {
      throw new AppError('conflict', `SCR-${row.number} was written against version ${row.base_version}, but version ${current} is current: withdraw it and propose the change again from version ${current}.`, 'baseVersion');
    }
    const deleted = row.services.find((s) => s.id === null);
    if (deleted) throw new AppError('reference_not_found', `The proposed service "${deleted.slug}" has been deleted since the request was written.`, 'proposed.serviceIds');
    const version = current + 1;
    await insertStatement(trx, actor.orgId, {
      version, text: row.proposed_text, locations: row.proposed_locations, teams: row.proposed_teams, exclusions: row.proposed_exclusions,
      approvedByUser: actor.userId, approvedBy: actorLabel(actor), changeRequestId: id, services: row.services as ServiceRef[],
    });
    await setChangeRequestStatus(trx, id, 'approved', { userId: actor.userId, label: actorLabel(actor), note: (input.note ?? '').trim(), resultingVersion: version });
    const statement = await findStatement(trx, version);
    await recordChange(trx, actor, { action: 'create', objectType: 'scope-statement', objectId: null, objectSlug: `v${version}`, tenantId: null, summary: `Scope statement version ${version} (from SCR-${row.number})`, after: statement });
    return `Approved scope change ${label(row)}: scope statement version ${version}`;
  });
}

export async function rejectChangeRequest(db: Kysely<any>, actor: Actor, id: string, input: ScopeRejectionInput): Promise<ScopeChangeRequest> {
  authorize(actor, 'update', 'scope-changes');
  return transition(db, actor, id, 'reject', async (trx, row) => {
    requireOtherThanRequester(actor, row, 'reject');
    requireStatus(row, ['submitted'], 'rejected');
    await setChangeRequestStatus(trx, id, 'rejected', { userId: actor.userId, label: actorLabel(actor), note: input.note.trim(), resultingVersion: null });
    return `Rejected scope change ${label(row)}`;
  });
}

function requireOtherThanRequester(actor: Actor, row: ChangeRequestRow, doing: string): void {
  if (row.requested_by_user === actor.userId) {
    throw new AppError('separation_of_duties', `You requested SCR-${row.number}; another owner or ISMS manager must ${doing} it (withdraw it if it is no longer wanted).`);
  }
}

/** A status change: lock, check and write, then the ledger entry, all in one transaction. */
async function transition(db: Kysely<any>, actor: Actor, id: string, action: 'submit' | 'withdraw' | 'approve' | 'reject', apply: (trx: Trx, row: ChangeRequestRow) => Promise<string>): Promise<ScopeChangeRequest> {
  return asActor(db, actor, async (trx) => {
    const before = await lockedRequest(trx, actor, id);
    const summary = await apply(trx, before);
    const after = (await findChangeRequest(trx, id))!;
    await recordChange(trx, actor, { action, objectType: 'scope-change-request', objectId: id, objectSlug: `SCR-${after.number}`, tenantId: null, summary, before, after });
    return presentChangeRequest(after, actor);
  });
}
