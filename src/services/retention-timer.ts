import { sql, type Kysely } from 'kysely';
import { operatorActor } from './provisioning.js';
import { sweepRetention } from './retention.js';

export interface RetentionTimer { stop(): Promise<void>; runOnce(): Promise<Array<{ orgId: string; total: number }>> }
interface Log { info(obj: object, msg: string): void; error(obj: object, msg: string): void }

/**
 * Sweep every organization that has a retention policy: shortly after start, then every `hours`. Each sweep
 * runs in its organization's own context and is recorded in its ledger; one failing org does not stop others.
 */
export function startRetentionTimer(db: Kysely<any>, options: { hours?: number; firstDelaySeconds?: number; log?: Log } = {}): RetentionTimer {
  const hours = options.hours ?? Number(process.env.TENANTPROOF_RETENTION_SWEEP_HOURS ?? 24);
  if (!Number.isFinite(hours) || hours <= 0) throw new Error(`TENANTPROOF_RETENTION_SWEEP_HOURS: expected a positive number of hours, got "${String(hours)}"`);
  let running: Promise<unknown> | undefined;
  const runOnce = async () => {
    const ids = (await sql<{ org_id: string }>`SELECT org_id FROM retention_org_ids()`.execute(db)).rows.map((r) => r.org_id);
    const done: Array<{ orgId: string; total: number }> = [];
    for (const orgId of ids) {
      try {
        const report = await sweepRetention(db, operatorActor(orgId));
        done.push({ orgId, total: report.total });
        if (report.total) options.log?.info({ orgId, expired: report.expired }, 'retention sweep');
      } catch (error) {
        options.log?.error({ orgId, err: error }, 'retention sweep failed');
      }
    }
    return done;
  };
  const tick = () => { running ??= runOnce().finally(() => { running = undefined; }); };
  const first = setTimeout(tick, (options.firstDelaySeconds ?? 60) * 1000);
  const every = setInterval(tick, hours * 3600 * 1000);
  first.unref();
  every.unref();
  return {
    runOnce,
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
