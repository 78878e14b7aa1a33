import type { Command } from 'commander';
import { DEMO_PASSWORD, loadDemo } from '../../services/demo.js';
import { action, withDatabase } from '../runtime.js';

export function registerDemo(program: Command): void {
  program.command('demo')
    .description('Load the demo organization (examples/northwind-msp.yaml) and its demo users, once. Refused in production mode.')
    .action(action(async () => {
      await withDatabase(async ({ config, database }) => {
        const demo = await loadDemo(database.db, config);
        process.stdout.write(demo.created
          ? `loaded the demo organization "${demo.org.name}" (${demo.org.slug})\n`
          : `the demo organization "${demo.org.name}" is already loaded\n`);
        process.stdout.write(`demo users (password "${DEMO_PASSWORD}"):\n`);
        for (const u of demo.users) process.stdout.write(`  ${u.email.padEnd(30)} ${u.role}${u.tenant ? ` (${u.tenant})` : ''}\n`);
      });
    }));
}
