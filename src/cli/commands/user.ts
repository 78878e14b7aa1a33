import type { Command } from 'commander';
import { assertValid } from '../../api/validation.js';
import { MemberCreate, ROLES, type Role } from '../../model/member.js';
import { resourceByName } from '../../model/index.js';
import { addMember } from '../../services/members.js';
import { operatorActor } from '../../services/provisioning.js';
import { asActor } from '../../services/resources.js';
import { findIdBySlug } from '../../store/resource-store.js';
import { askSecret, readStdin } from '../prompt.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

export function registerUser(program: Command): void {
  const user = program.command('user').description('People and their membership of an organization.');
  user.command('create')
    .description('Add a person to an organization with a role (creating their account if they have none).')
    .requiredOption('--org <slug>', 'organization')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .option('--tenant <slug>', 'for a tenant-viewer: the one tenant it may see')
    .option('--password-stdin', 'read the initial password from standard input (else TENANTPROOF_PASSWORD, else asked on the terminal)')
    .action(action(async (options: { org: string; email: string; name: string; role: string; tenant?: string; passwordStdin?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(options.role)) throw new CliError(`--role must be one of: ${ROLES.join(', ')}`, EXIT.unusable);
      const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '')
        : process.env.TENANTPROOF_PASSWORD || await askSecret(`initial password for ${options.email} (12 characters or more): `);
      if (password.length < 12) throw new CliError('the password must have 12 characters or more', EXIT.failed);
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const operator = operatorActor(org.orgId);
        let tenantId: string | null = null;
        if (options.tenant) {
          tenantId = (await asActor(database.db, operator, (trx) => findIdBySlug(trx, resourceByName('tenants'), options.tenant!))) ?? null;
          if (!tenantId) throw new CliError(`no tenant with slug "${options.tenant}" in ${org.slug}`);
        }
        const input = { email: options.email, displayName: options.name, role: options.role as Role, tenantId, password };
        assertValid(MemberCreate, input);
        const member = await addMember(database.db, operator, input);
        process.stdout.write(`added ${member.email} to ${org.slug} as ${member.role}${options.tenant ? ` of tenant ${options.tenant}` : ''}\n`);
      });
    }));
}
