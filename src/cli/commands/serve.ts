import type { Command } from 'commander';
import { buildApp } from '../../api/app.js';
import { loadConfig } from '../../config.js';
import { startCheckpointTimer } from '../../ledger/checkpoint-timer.js';
import { resolveMasterKey } from '../../ledger/master-key.js';
import { DEMO_PASSWORD, loadDemo } from '../../services/demo.js';
import { startRetentionTimer } from '../../services/retention-timer.js';
import { action, CliError, EXIT, openConfigured } from '../runtime.js';

export function registerServe(program: Command): void {
  program.command('serve')
    .description('Start the web app and API. Uses DATABASE_URL when set, else the embedded database in TENANTPROOF_DATA.')
    .option('--demo', 'load the demo organization on first start (refused in production mode)')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env PORT, default 8080)')
    .action(action(async (options: { demo?: boolean; host?: string; port?: string }) => {
      const config = loadConfig({ ...process.env, ...(options.host ? { HOST: options.host } : {}), ...(options.port ? { PORT: options.port } : {}) });
      const { database } = await openConfigured(config);
      const demo = options.demo ? await loadDemo(database.db, config) : null;
      const masterKey = resolveMasterKey(process.env, config); // production without a key stops here, not at the first checkpoint
      const app = await buildApp({ db: database.db, config, logger: { level: config.logLevel } });
      const checkpoints = startCheckpointTimer({ db: database.db, masterKey, log: app.log });
      const retention = startRetentionTimer(database.db, { log: app.log });
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (error) {
        await checkpoints.stop();
        await retention.stop();
        await database.close();
        throw new CliError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`, EXIT.unusable);
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      process.stdout.write(`\ntenantproof is running at ${url}  (database: ${database.kind === 'postgres' ? 'PostgreSQL' : `embedded, ${config.dataDir}`})\n`);
      if (demo) {
        process.stdout.write(`demo organization "${demo.org.name}" ${demo.created ? 'loaded' : 'ready'}; log in with password "${DEMO_PASSWORD}" as:\n`);
        for (const u of demo.users) process.stdout.write(`  ${u.email.padEnd(30)} ${u.role}${u.tenant ? ` (${u.tenant})` : ''}\n`);
      }
      process.stdout.write('Stop with Ctrl+C.\n\n');
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info({ signal }, 'stopping');
        await checkpoints.stop();
        await retention.stop();
        await app.close();
        await database.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    }));
}
