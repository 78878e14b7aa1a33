import type { Command } from 'commander';
import { actorForMember } from '../../services/provisioning.js';
import { createToken } from '../../services/tokens.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens (Authorization: Bearer).');
  token.command('create')
    .description('Create an API token for a member; the secret is printed once and stored only as a hash.')
    .requiredOption('--org <slug>', 'organization')
    .requiredOption('--email <email>', 'the member the token acts as')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--expires-days <days>', 'expire after this many days (default: never)')
    .action(action(async (options: { org: string; email: string; name: string; expiresDays?: string }) => {
      let expiresInDays: number | undefined;
      if (options.expiresDays !== undefined) {
        expiresInDays = Number(options.expiresDays);
        if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650) throw new CliError('--expires-days must be a whole number from 1 to 3650', EXIT.unusable);
      }
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const actor = await actorForMember(database.db, org, options.email);
        const created = await createToken(database.db, actor, { name: options.name, ...(expiresInDays ? { expiresInDays } : {}) });
        process.stderr.write(`token "${created.apiToken.name}" for ${options.email} in ${org.slug}${created.apiToken.expiresAt ? `, expires ${created.apiToken.expiresAt}` : ''}; it is shown only now:\n`);
        process.stdout.write(`${created.token}\n`);
      });
    }));
}
