import { sql, type Kysely } from 'kysely';
import { ConfigError } from '../config.js';
import { withContext } from '../store/database.js';
import { checkpointIfDue, type Checkpoint, type CheckpointPolicy } from './checkpoints.js';
import { lockLedger } from './tree-store.js';

/**
 * Signs tree heads in the background: every `intervalSeconds` it asks the database which orgs are due under
 * the policy (every N entries or T seconds, whichever first; a fresh timestamp when nothing changed) and runs
 * `checkpointIfDue` for each, in that org's own RLS context. The application role cannot see across orgs, so
 * the question goes through one narrow SECURITY DEFINER function (`ledger_checkpoints_due`, migration 0006)
 * that returns org ids and nothing else. Each org is signed under its ledger-head lock, so several servers
 * running this timer, and API requests signing on demand, never sign the same head twice.
 *
 * @example
 * const timer = startCheckpointTimer({ db, masterKey, log: app.log });
 * // … on shutdown:
 * await timer.stop();
 */

/** Defaults: a checkpoint at least every 1000 entries, and at least hourly. */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { entries: 1000, seconds: 3600 };

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** The policy from TENANTPROOF_CHECKPOINT_ENTRIES and TENANTPROOF_CHECKPOINT_SECONDS; a bad value names its variable. */
export function checkpointPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): CheckpointPolicy {
  return {
    entries: whole(env, 'TENANTPROOF_CHECKPOINT_ENTRIES', DEFAULT_CHECKPOINT_POLICY.entries, 1, 100_000_000),
    seconds: whole(env, 'TENANTPROOF_CHECKPOINT_SECONDS', DEFAULT_CHECKPOINT_POLICY.seconds, 1, 31 * 24 * 3600),
  };
}

/** Org ids due for a checkpoint at `now` (a cross-org question: the SECURITY DEFINER door of migration 0006). */
export async function orgsDueForCheckpoint(db: Kysely<any>, policy: CheckpointPolicy, now: Date): Promise<string[]> {
  const rows = await sql<{ org_id: string }>`SELECT org_id FROM ledger_checkpoints_due(${policy.entries}, ${policy.seconds}, ${now.toISOString()}::timestamptz)`.execute(db);
  return rows.rows.map((r) => r.org_id);
}

export interface CheckpointRound {
  signed: Checkpoint[];
  failed: Array<{ orgId: string; error: Error }>;
}

/**
 * One round: sign a checkpoint for every org that is due (or, with `only`, for those of these orgs that are due).
 * One org's failure (a tampered tree) does not stop the others.
 */
export async function signDueCheckpoints(db: Kysely<any>, masterKey: Buffer, policy: CheckpointPolicy, now: Date = new Date(), only?: readonly string[]): Promise<CheckpointRound> {
  const round: CheckpointRound = { signed: [], failed: [] };
  const due = await orgsDueForCheckpoint(db, policy, now);
  for (const orgId of only ? due.filter((id) => only.includes(id)) : due) {
    try {
      const signed = await withContext(db, { orgId, tenantId: null, userId: null }, async (trx) => {
        await lockLedger(trx, orgId);
        return checkpointIfDue(trx, orgId, masterKey, policy, now);
      });
      if (signed) round.signed.push(signed);
    } catch (error) {
      round.failed.push({ orgId, error: error as Error });
    }
  }
  return round;
}

/** What the timer logs through (Fastify's `app.log` fits). */
export interface TimerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface CheckpointTimerOptions {
  db: Kysely<any>;
  /** The server's master key (it decrypts each org's signing key), or a function that reads it. */
  masterKey: Buffer | (() => Promise<Buffer>);
  /** Default: from the environment (checkpointPolicyFromEnv). */
  policy?: CheckpointPolicy;
  /** How often to look for orgs that are due; default the smaller of 30 seconds and the policy's T. */
  intervalSeconds?: number;
  log?: TimerLog;
  /** The clock (tests). */
  now?: () => Date;
}

export interface CheckpointTimer {
  /** Run one round now (also what the interval runs); rounds never overlap. */
  tick(): Promise<CheckpointRound>;
  /** Stop the interval and wait for a round in progress. */
  stop(): Promise<void>;
}

/** Start signing due checkpoints every few seconds. The interval does not keep the process alive. */
export function startCheckpointTimer(options: CheckpointTimerOptions): CheckpointTimer {
  const policy = options.policy ?? checkpointPolicyFromEnv();
  const intervalMs = Math.max(1, options.intervalSeconds ?? Math.min(30, policy.seconds)) * 1000;
  const now = options.now ?? (() => new Date());
  const key = typeof options.masterKey === 'function' ? options.masterKey : async () => options.masterKey as Buffer;
  let running: Promise<CheckpointRound> | undefined;
  let stopped = false;

  const round = async (): Promise<CheckpointRound> => {
    const result = await signDueCheckpoints(options.db, await key(), policy, now());
    if (result.signed.length) options.log?.info({ checkpoints: result.signed.map((c) => ({ orgId: c.orgId, treeSize: c.treeSize })) }, 'signed ledger checkpoints');
    for (const f of result.failed) options.log?.error({ orgId: f.orgId, err: f.error }, 'could not sign a ledger checkpoint');
    return result;
  };
  const tick = (): Promise<CheckpointRound> => {
    running ??= round().finally(() => { running = undefined; });
    return running;
  };
  const timer = setInterval(() => {
    if (stopped || running) return;
    tick().catch((error: unknown) => options.log?.error({ err: error }, 'ledger checkpoint round failed'));
  }, intervalMs);
  timer.unref();
  return {
    tick,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
