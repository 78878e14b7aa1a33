import type { Command } from 'commander';
import { operatorActor } from '../../services/provisioning.js';
import { sweepRetention } from '../../services/retention.js';
import { action, requireOrg, withDatabase } from '../runtime.js';

export function registerRetention(program: Command): void {
  const retention = program.command('retention').description('Retention of ledger payloads (policies and legal holds are set in the web app or the API).');
  retention.command('sweep')
    .description('Expire the payloads of entries past their retention period, except under legal hold (the server also does this daily).')
    .requiredOption('--org <slug>', 'organization')
    .action(action(async (options: { org: string }) => {
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const report = await sweepRetention(database.db, operatorActor(org.orgId));
        process.stdout.write(`${report.total} entr${report.total === 1 ? 'y' : 'ies'} expired${Object.keys(report.expired).length ? ` (${Object.entries(report.expired).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}; ${report.activeHolds} active legal hold(s)\n`);
      });
    }));
}
