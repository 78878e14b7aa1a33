import type { Command } from 'commander';
import { createOrg } from '../../services/provisioning.js';
import { action, withDatabase } from '../runtime.js';

export function registerOrg(program: Command): void {
  const org = program.command('org').description('Organizations (the providers using this installation).');
  org.command('create')
    .description('Create an empty organization; then add its first owner with `tenantproof user create`.')
    .requiredOption('--slug <slug>', 'readable identifier: lower-case letters, digits and hyphens')
    .requiredOption('--name <name>', 'display name')
    .action(action(async (options: { slug: string; name: string }) => {
      await withDatabase(async ({ database }) => {
        const created = await createOrg(database.db, { slug: options.slug, name: options.name });
        process.stdout.write(`created organization ${created.slug} (${created.orgId})\n`);
      });
    }));
}
