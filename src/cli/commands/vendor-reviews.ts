import type { Command } from 'commander';
import { requireDay } from '../../model/scope/dates.js';
import { operatorActor } from '../../services/provisioning.js';
import { dueVendorReviews, scheduleVendorReviews } from '../../services/vendor-review.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

/** --today as a date; wrong usage exits 2 before the database is opened. */
function day(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return requireDay(value, '--today');
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.unusable);
  }
}

export function registerVendorReviews(program: Command): void {
  const reviews = program.command('vendor-reviews').description('Vendor and sub-processor reviews (tasks are completed in the web app or the API).');
  reviews.command('due')
    .description('List the vendors whose recurring review (last review + the interval of their criticality) is due.')
    .requiredOption('--org <slug>', 'organization')
    .option('--today <date>', 'reference date, YYYY-MM-DD (default: today, UTC)')
    .option('--within <days>', 'also list reviews falling due within this many days', '0')
    .action(action(async (options: { org: string; today?: string; within: string }) => {
      const within = Number(options.within);
      if (!/^\d+$/.test(options.within) || within > 365) throw new CliError(`--within must be a whole number of days from 0 to 365, not "${options.within}"`, EXIT.unusable);
      const today = day(options.today);
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const due = await dueVendorReviews(database.db, operatorActor(org.orgId), { today, withinDays: within });
        const items = due.items;
        for (const d of items) {
          process.stdout.write(`${d.slug}\t${d.criticality}\tdue ${d.dueOn}${d.daysOverdue > 0 ? ` (${d.daysOverdue} days overdue)` : ''}\t${d.openReviewId ? 'review open' : 'no open review'}\n`);
        }
        process.stdout.write(`${items.length} vendor(s) due as of ${due.today}\n`);
      });
    }));
  reviews.command('schedule')
    .description('Open the reviews now due: recurring ones by criticality, and sub-processors reaching tenants their last review did not list (idempotent; run it daily from cron).')
    .requiredOption('--org <slug>', 'organization')
    .option('--today <date>', 'reference date, YYYY-MM-DD (default: today, UTC)')
    .action(action(async (options: { org: string; today?: string }) => {
      const asOf = day(options.today);
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const { today, opened } = await scheduleVendorReviews(database.db, operatorActor(org.orgId), { today: asOf });
        for (const o of opened) process.stdout.write(`opened ${o.reason} review of ${o.slug}, due ${o.dueOn}\n`);
        process.stdout.write(`${opened.length} review(s) opened as of ${today}\n`);
      });
    }));
}
