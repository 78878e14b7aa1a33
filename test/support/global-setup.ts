import pg from 'pg';
import { openDatabase } from '../../src/store/database.js';
import { buildCliForTests } from './cli.js';

/**
 * With DATABASE_URL set, the suite runs on PostgreSQL: one fresh database per run, migrated once here
 * (immich's globalSetup pattern); test files share it and keep apart by creating their own organizations.
 * Without it, every test file opens its own in-memory PGlite.
 */
export default async function setup(): Promise<(() => Promise<void>) | void> {
  // The CLI tests run the compiled command (test/support/cli.ts): compile this working tree once, first.
  buildCliForTests();
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const name = `tenantproof_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  process.env.TEST_DATABASE_URL = testUrl.toString();
  const db = await openDatabase({ databaseUrl: testUrl.toString(), dataDir: '', poolSize: 2 });
  await db.migrate();
  await db.close();
  return async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
}
