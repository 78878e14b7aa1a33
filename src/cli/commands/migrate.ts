import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../store/database.js';
import { action, CliError, EXIT } from '../runtime.js';

export function registerMigrate(program: Command): void {
  program.command('migrate')
    .description('Apply pending database migrations (also done at every start).')
    .action(action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config).catch((error: Error) => { throw new CliError(`cannot open the database: ${error.message}`, EXIT.unusable); });
      try {
        const applied = await database.migrate();
        const names = applied.filter((m) => m.status === 'applied').map((m) => m.name);
        process.stdout.write(names.length ? `applied ${names.length} migration(s): ${names.join(', ')}\n` : 'the database is up to date\n');
      } finally {
        await database.close();
      }
    }));
}
