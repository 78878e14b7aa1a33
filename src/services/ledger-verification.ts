import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Kysely, Transaction } from 'kysely';
import { actorLabel, contextOf, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { recordChange } from '../ledger/record.js';
import { treeSize } from '../ledger/tree-store.js';
import { verifyLedger, VerificationStopped, type LedgerVerification } from '../ledger/verify.js';
import {
  countVerifications, findVerification, finishVerification, insertVerification, listVerifications, recordVerificationProgress,
  runningVerification, type VerificationOutcome, type VerificationRow, type VerificationStatus,
} from '../store/ledger-verifications.js';
import type { VerifyWorkerCommand, VerifyWorkerData, VerifyWorkerMessage } from './ledger-verification-worker.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;

/** A running row without a heartbeat for this long belongs to a server that stopped: it is served as interrupted. */
export const STALE_AFTER_MS = 120_000;
/** A run writes its progress (and heartbeat) at most this often, and after its last batch. */
export const PROGRESS_EVERY_MS = 1_000;

/** A verification run as the API serves it. */
export interface LedgerVerificationRun {
  id: string;
  status: VerificationStatus;
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** Last sign of life of a running run (each batch of entries). */
  heartbeatAt: string;
  /** The size the run verifies: the ledger's size when it began. */
  treeSize: number;
  entriesChecked: number;
  entriesExpired: number;
  checkpointsChecked: number;
  problem: { kind: string; at: string; message: string } | null;
  error: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** A stored row as served: a running row whose heartbeat stopped is interrupted (the server running it went away). */
export function presentVerification(row: VerificationRow): LedgerVerificationRun {
  const stale = row.status === 'running' && new Date(row.now).getTime() - new Date(row.heartbeat_at).getTime() > STALE_AFTER_MS;
  return {
    id: row.id,
    status: stale ? 'interrupted' : row.status,
    requestedBy: row.requested_by,
    startedAt: iso(row.started_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
    heartbeatAt: iso(row.heartbeat_at),
    treeSize: Number(row.tree_size),
    entriesChecked: Number(row.entries_checked),
    entriesExpired: Number(row.entries_expired),
    checkpointsChecked: row.checkpoints_checked,
    problem: row.problem,
    error: stale ? `no progress since ${iso(row.heartbeat_at)}: the server running it stopped` : row.error,
  };
}

function outcomeSummary(o: VerificationOutcome, size: number): string {
  switch (o.status) {
    case 'passed': return `Ledger verified: ${o.entriesChecked} entries (${o.entriesExpired} expired by retention) and ${o.checkpointsChecked} ${o.checkpointsChecked === 1 ? 'checkpoint' : 'checkpoints'} recompute, nothing altered`;
    case 'failed': return `Ledger verification FAILED at ${o.problem!.kind} ${o.problem!.at}: ${o.problem!.message}`;
    case 'interrupted': return `Ledger verification interrupted after ${o.entriesChecked ?? 0} of ${size} entries: ${o.error}`;
    default: return `Ledger verification could not finish: ${o.error}`;
  }
}

function outcomeOf(report: LedgerVerification): VerificationOutcome {
  return {
    status: report.ok ? 'passed' : 'failed', treeSize: report.treeSize, entriesChecked: report.entriesChecked,
    entriesExpired: report.entriesExpired, checkpointsChecked: report.checkpointsChecked, problem: report.problem,
  };
}

/** End a running row with its ledger entry, in one transaction; undefined when it was not running any more. */
async function finish(trx: Trx, actor: Actor, id: string, outcome: VerificationOutcome): Promise<VerificationRow | undefined> {
  const row = await finishVerification(trx, id, outcome);
  if (!row) return undefined;
  await recordChange(trx, actor, {
    action: 'update', objectType: 'ledger-verification', objectId: id, objectSlug: id, tenantId: null,
    summary: outcomeSummary(outcome, Number(row.tree_size)), after: presentVerification(row),
  });
  return row;
}

export interface VerificationRunnerOptions {
  /** Entries per read (verify's default when absent). */
  batchSize?: number;
  /** Called after each batch (and its progress write); awaited: tests hold a run between two batches with it. */
  onBatch?: (id: string, done: number, total: number) => Promise<void> | void;
  /** Where a run that cannot record its end is reported (Fastify's `app.log` fits). */
  log?: { error(obj: object, msg: string): void };
  /**
   * PostgreSQL's URL: runs go to a worker thread with its own connections (ledger-verification-worker.ts), so the
   * thread answering requests does not read, decode and hash the ledger. Absent (the embedded database, whose one
   * connection lives in this thread): runs read a batch at a time in this thread, between requests.
   */
  workerDatabaseUrl?: string | null;
  /** The worker's compiled module (default: beside this file, when it is compiled). */
  workerEntry?: URL;
}

/**
 * The worker thread's module: the compiled JavaScript beside this file. Run as TypeScript (tests, `npm run dev`)
 * there is none (Node 20 cannot start a worker from TypeScript), so runs stay in this thread unless the runner is
 * given a compiled one (`workerEntry`; the tests use dist/, which their global setup compiles).
 */
const COMPILED_WORKER = import.meta.url.endsWith('.js') ? new URL('./ledger-verification-worker.js', import.meta.url) : null;

type ProgressHandler = (done: number, total: number) => Promise<void>;

/** verifyLedger in a worker thread: the same report, progress (awaited, as in-process) and stop between batches. */
function verifyInWorker(entry: URL, workerData: VerifyWorkerData, signal: AbortSignal, onProgress: ProgressHandler): Promise<LedgerVerification> {
  const worker = new Worker(entry, { workerData });
  const command = (c: VerifyWorkerCommand) => worker.postMessage(c);
  return new Promise<LedgerVerification>((resolve, reject) => {
    let ended = false;
    const stop = () => command({ type: 'stop' });
    signal.addEventListener('abort', stop, { once: true });
    const end = (settle: () => void, terminate = false) => {
      if (ended) return;
      ended = true;
      signal.removeEventListener('abort', stop);
      if (terminate) void worker.terminate();
      settle();
    };
    worker.on('message', (message: VerifyWorkerMessage) => {
      switch (message.type) {
        case 'progress':
          onProgress(message.done, message.total).then(
            () => { if (!ended) command({ type: 'ack' }); },
            (error) => end(() => reject(error), true),
          );
          return;
        case 'done': return end(() => resolve(message.report));
        case 'stopped': return end(() => reject(new VerificationStopped(message.entriesChecked)));
        case 'failed': return end(() => reject(new Error(message.message)));
      }
    });
    worker.on('error', (error) => end(() => reject(error), true));
    worker.on('exit', (code) => end(() => reject(new Error(`the verification's worker thread ended (exit code ${code}) before its result`))));
  });
}

/**
 * Runs ledger verifications in the background of this server: `start` records the run and returns at once; the
 * run reads the ledger a batch at a time, each batch in its own transaction (src/ledger/verify.ts), so the server
 * keeps answering meanwhile, writes its progress at most every second, and records its result with a ledger entry.
 * One run at a time per organization (a second start returns the running one). `stop` interrupts every run of
 * this server between two batches and records them as interrupted.
 */
export class LedgerVerificationRunner {
  readonly #runs = new Map<string, { done: Promise<void>; abort: AbortController }>();
  #stopped = false;
  #stopReason = 'the server was stopped during the run';

  constructor(private readonly db: Kysely<any>, private readonly options: VerificationRunnerOptions = {}) {}

  /** Start a run for the actor's organization, or return the one running; `started` says which. */
  async start(actor: Actor): Promise<{ run: LedgerVerificationRun; started: boolean }> {
    authorize(actor, 'read', 'ledger-verify');
    if (this.#stopped) throw new AppError('shutting_down', 'The server is shutting down; start the verification again once it is back.');
    const id = randomUUID();
    const result = await asActor(this.db, actor, async (trx) => {
      const running = await runningVerification(trx);
      if (running) {
        const served = presentVerification(running);
        if (served.status === 'running') return { row: running, started: false };
        await finish(trx, actor, running.id, { status: 'interrupted', error: served.error, entriesChecked: served.entriesChecked });
      }
      // the run verifies the ledger up to and including this start's own entry (recordChange below appends one)
      const size = (await treeSize(trx, actor.orgId)) + 1;
      const row = await insertVerification(trx, actor.orgId, { id, requestedBy: actorLabel(actor), treeSize: size });
      if (!row) return { row: (await runningVerification(trx))!, started: false }; // another request started one meanwhile
      await recordChange(trx, actor, {
        action: 'create', objectType: 'ledger-verification', objectId: id, objectSlug: id, tenantId: null,
        summary: `Started a verification of the whole ledger (${size} entries, this one included)`, after: presentVerification(row),
      });
      return { row, started: true };
    });
    if (result.started) this.#launch(actor, id);
    return { run: presentVerification(result.row), started: result.started };
  }

  async get(actor: Actor, id: string): Promise<LedgerVerificationRun> {
    authorize(actor, 'read', 'ledger-verify');
    const row = await asActor(this.db, actor, (trx) => findVerification(trx, id));
    if (!row) throw new AppError('not_found', 'No such ledger verification in this organization.', 'id');
    return presentVerification(row);
  }

  async list(actor: Actor, query: { limit: number; cursor?: string | undefined }): Promise<{ items: LedgerVerificationRun[]; nextCursor: string | null; total: number }> {
    authorize(actor, 'read', 'ledger-verify');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    return asActor(this.db, actor, async (trx) => {
      if (after !== undefined && !(await findVerification(trx, after))) throw new AppError('invalid_cursor', undefined, 'cursor');
      const rows = await listVerifications(trx, query.limit + 1, after);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(presentVerification),
        nextCursor: rows.length > query.limit && last ? Buffer.from(JSON.stringify(['verifications', last.id])).toString('base64url') : null,
        total: await countVerifications(trx),
      };
    });
  }

  /** Runs of this server still going (tests and shutdown). */
  get active(): number {
    return this.#runs.size;
  }

  /** Wait for one run of this server to end (tests). */
  async settled(id: string): Promise<void> {
    await this.#runs.get(id)?.done;
  }

  /** Interrupt every run of this server between two batches, record them (with `reason`), and wait until they have ended. */
  async stop(reason?: string): Promise<void> {
    if (reason) this.#stopReason = reason;
    this.#stopped = true;
    for (const run of this.#runs.values()) run.abort.abort();
    await Promise.all([...this.#runs.values()].map((r) => r.done));
  }

  #launch(actor: Actor, id: string): void {
    const abort = new AbortController();
    const done = this.#run(actor, id, abort.signal).finally(() => this.#runs.delete(id));
    this.#runs.set(id, { done, abort });
  }

  async #run(actor: Actor, id: string, signal: AbortSignal): Promise<void> {
    let written = 0;
    let checked = 0;
    let outcome: VerificationOutcome;
    try {
      const onProgress = async (done: number, total: number) => {
        checked = done;
        if (Date.now() - written >= PROGRESS_EVERY_MS) {
          written = Date.now();
          await asActor(this.db, actor, (trx) => recordVerificationProgress(trx, id, { treeSize: total, entriesChecked: done }));
        }
        await this.options.onBatch?.(id, done, total);
      };
      const batchSize = this.options.batchSize ? { batchSize: this.options.batchSize } : {};
      const entry = this.options.workerEntry ?? COMPILED_WORKER;
      const report = this.options.workerDatabaseUrl && entry
        ? await verifyInWorker(entry, { databaseUrl: this.options.workerDatabaseUrl, context: contextOf(actor), ...batchSize }, signal, onProgress)
        : await verifyLedger((fn) => asActor(this.db, actor, fn), actor.orgId, { signal, ...batchSize, onProgress });
      outcome = outcomeOf(report);
    } catch (error) {
      outcome = error instanceof VerificationStopped
        ? { status: 'interrupted', entriesChecked: error.entriesChecked, error: this.#stopReason }
        : { status: 'error', entriesChecked: checked, error: (error as Error).message || String(error) };
    }
    try {
      await asActor(this.db, actor, (trx) => finish(trx, actor, id, outcome));
    } catch (error) {
      // The row stays "running" without a heartbeat and is served as interrupted once it is stale.
      this.options.log?.error({ err: error, verificationId: id }, 'could not record the end of a ledger verification');
    }
  }
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === 'verifications' && typeof parsed[1] === 'string'
      && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed[1])) return parsed[1];
  } catch { /* not ours */ }
  throw new AppError('invalid_cursor', undefined, 'cursor');
}
