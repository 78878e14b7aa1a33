import { sql, type Transaction } from 'kysely';

type Trx = Transaction<any>;

/** A run's state as stored (migration 0019); `interrupted` is also served for a running row whose heartbeat stopped. */
export const VERIFICATION_STATUSES = ['running', 'passed', 'failed', 'interrupted', 'error'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export interface VerificationRow {
  id: string;
  status: VerificationStatus;
  requested_by: string;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  tree_size: string | number;
  entries_checked: string | number;
  entries_expired: string | number;
  checkpoints_checked: number;
  problem: { kind: string; at: string; message: string } | null;
  error: string | null;
  /** The database's clock when the row was read: staleness is judged by one clock, not the server's. */
  now: Date;
}

const COLUMNS = sql`id, status, requested_by, started_at, heartbeat_at, finished_at, tree_size, entries_checked, entries_expired,
  checkpoints_checked, problem, error, now() AS now`;

/** Open a run and return its row; undefined when one is already running in this organization (the partial unique index decides). */
export async function insertVerification(trx: Trx, orgId: string, run: { id: string; requestedBy: string; treeSize: number }): Promise<VerificationRow | undefined> {
  return (await sql<VerificationRow>`
    INSERT INTO ledger_verifications (org_id, id, requested_by, tree_size) VALUES (${orgId}, ${run.id}, ${run.requestedBy}, ${run.treeSize})
    ON CONFLICT (org_id) WHERE status = 'running' DO NOTHING RETURNING ${COLUMNS}`.execute(trx)).rows[0];
}

export async function findVerification(trx: Trx, id: string): Promise<VerificationRow | undefined> {
  return (await sql<VerificationRow>`SELECT ${COLUMNS} FROM ledger_verifications WHERE id = ${id}`.execute(trx)).rows[0];
}

/** The organization's running row, if any (fresh or not). */
export async function runningVerification(trx: Trx): Promise<VerificationRow | undefined> {
  return (await sql<VerificationRow>`SELECT ${COLUMNS} FROM ledger_verifications WHERE status = 'running'`.execute(trx)).rows[0];
}

/** Progress of a running row, and its heartbeat. Nothing happens to a row that is no longer running. */
export async function recordVerificationProgress(trx: Trx, id: string, progress: { treeSize: number; entriesChecked: number }): Promise<void> {
  await sql`
    UPDATE ledger_verifications SET tree_size = ${progress.treeSize}, entries_checked = ${progress.entriesChecked}, heartbeat_at = now()
    WHERE id = ${id} AND status = 'running'`.execute(trx);
}

export interface VerificationOutcome {
  status: Exclude<VerificationStatus, 'running'>;
  treeSize?: number;
  entriesChecked?: number;
  entriesExpired?: number;
  checkpointsChecked?: number;
  problem?: { kind: string; at: string; message: string } | null;
  error?: string | null;
}

/** End a running row; undefined when it was not running any more (someone else ended it). */
export async function finishVerification(trx: Trx, id: string, outcome: VerificationOutcome): Promise<VerificationRow | undefined> {
  return (await sql<VerificationRow>`
    UPDATE ledger_verifications SET status = ${outcome.status}, finished_at = now(), heartbeat_at = now(),
      tree_size = coalesce(${outcome.treeSize ?? null}::bigint, tree_size),
      entries_checked = coalesce(${outcome.entriesChecked ?? null}::bigint, entries_checked),
      entries_expired = coalesce(${outcome.entriesExpired ?? null}::bigint, entries_expired),
      checkpoints_checked = coalesce(${outcome.checkpointsChecked ?? null}::integer, checkpoints_checked),
      problem = ${outcome.problem ? JSON.stringify(outcome.problem) : null}::jsonb, error = ${outcome.error ?? null}
    WHERE id = ${id} AND status = 'running'
    RETURNING ${COLUMNS}`.execute(trx)).rows[0];
}

/** Newest first; `afterId` is the last row of the previous page. */
export async function listVerifications(trx: Trx, limit: number, afterId?: string): Promise<VerificationRow[]> {
  const after = afterId === undefined ? sql`` : sql`WHERE (started_at, id) < (SELECT started_at, id FROM ledger_verifications WHERE id = ${afterId})`;
  return (await sql<VerificationRow>`SELECT ${COLUMNS} FROM ledger_verifications ${after} ORDER BY started_at DESC, id DESC LIMIT ${limit}`.execute(trx)).rows;
}

export async function countVerifications(trx: Trx): Promise<number> {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ledger_verifications`.execute(trx)).rows[0]?.n ?? 0);
}
