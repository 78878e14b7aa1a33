import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationResult {
  name: string;
  status: 'applied' | 'already-applied';
}

/** Where the SQL files live: beside this module in src/, copied beside it in dist/. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
}

/**
 * Apply every migration not yet recorded, each with `_after_each.sql`, each in its own transaction,
 * under an advisory lock so that several processes starting together migrate once.
 */
export async function runMigrations(
  script: (text: string) => Promise<void>,
  query: (text: string, params?: unknown[]) => Promise<any[]>,
  dir = MIGRATIONS_DIR,
): Promise<MigrationResult[]> {
  await script(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const afterEach = readFileSync(join(dir, '_after_each.sql'), 'utf8');
  const results: MigrationResult[] = [];
  for (const name of migrationFiles(dir)) {
    const done = await query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
    if (done.length > 0) {
      results.push({ name, status: 'already-applied' });
      continue;
    }
    const body = readFileSync(join(dir, name), 'utf8');
    const quoted = name.replace(/'/g, "''");
    await script(`BEGIN;
SELECT pg_advisory_xact_lock(7331001);
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM schema_migrations WHERE name = '${quoted}') THEN
    RAISE EXCEPTION 'tenantproof-migration-already-applied';
  END IF;
END $$;
${body}
;
${afterEach}
;
INSERT INTO schema_migrations (name) VALUES ('${quoted}');
COMMIT;`).then(
      () => results.push({ name, status: 'applied' }),
      async (error: unknown) => {
        await script('ROLLBACK').catch(() => {});
        if (String((error as Error).message).includes('tenantproof-migration-already-applied')) {
          results.push({ name, status: 'already-applied' });
          return;
        }
        throw new Error(`migration ${name} failed: ${(error as Error).message}`);
      },
    );
  }
  return results;
}
