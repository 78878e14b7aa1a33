import { parentPort, workerData } from 'node:worker_threads';
import { verifyLedger, VerificationStopped, type LedgerVerification } from '../ledger/verify.js';
import { openDatabase, withContext, type RequestContext } from '../store/database.js';

/**
 * A ledger verification in a thread of its own (PostgreSQL only), started by LedgerVerificationRunner: the run's
 * reading, decoding and hashing (~18 µs an entry) stay off the thread that answers requests. It opens its own
 * small pool as the application role, in the requesting actor's context (row-level security as for any request),
 * and talks to the runner in messages:
 *
 * - to the runner: `progress` after each batch (it then waits for `ack`: the runner records progress, and tests
 *   hold a run there), then one of `done` (the report), `stopped` (entries checked) or `failed` (a message);
 * - from the runner: `ack`, and `stop` to end the run between two batches.
 */

export interface VerifyWorkerData {
  databaseUrl: string;
  context: RequestContext;
  batchSize?: number;
}

export type VerifyWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; report: LedgerVerification }
  | { type: 'stopped'; entriesChecked: number }
  | { type: 'failed'; message: string };

export type VerifyWorkerCommand = { type: 'ack' } | { type: 'stop' };

/** Connections of the worker's own pool: one batch read in flight and one node check beside it. */
const WORKER_POOL_SIZE = 2;
/** How the worker's connections appear in pg_stat_activity. */
const VERIFY_APPLICATION_NAME = 'tenantproof ledger verification';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('ledger-verification-worker runs as a worker thread');
  const { databaseUrl, context, batchSize } = workerData as VerifyWorkerData;
  const send = (message: VerifyWorkerMessage) => port.postMessage(message);
  const abort = new AbortController();
  let acknowledged: (() => void) | null = null;
  port.on('message', (command: VerifyWorkerCommand) => {
    if (command.type === 'stop') abort.abort();
    acknowledged?.(); // a stop also ends the wait: the run sees it before its next batch
    acknowledged = null;
  });
  const database = await openDatabase({ databaseUrl, dataDir: '', poolSize: WORKER_POOL_SIZE }, { applicationName: VERIFY_APPLICATION_NAME });
  try {
    const report = await verifyLedger((fn) => withContext(database.db, context, fn), context.orgId, {
      signal: abort.signal,
      ...(batchSize ? { batchSize } : {}),
      onProgress: (done, total) => new Promise<void>((resolve) => {
        acknowledged = resolve;
        send({ type: 'progress', done, total });
      }),
    });
    send({ type: 'done', report });
  } catch (error) {
    send(error instanceof VerificationStopped
      ? { type: 'stopped', entriesChecked: error.entriesChecked }
      : { type: 'failed', message: (error as Error).message || String(error) });
  } finally {
    await database.close();
    port.close();
  }
}

await main();
