import { AppError } from '../api/errors.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { BundleInvalidError } from '../services/bundle.js';
import { findOrg, listOrgs, type OrgRef } from '../services/provisioning.js';
import { openDatabase, type Database } from '../store/database.js';

/** Exit codes of every command: documented in the README ("Commands"). */
export const EXIT = {
  ok: 0,
  /** The command ran and the answer is "no": invalid bundle, unknown organization, refused operation. */
  failed: 1,
  /** The command could not run: wrong usage, unreadable file, bad configuration, database unreachable. */
  unusable: 2,
} as const;

/** A failure the user can act on: printed without a stack trace, with its exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed) {
    super(message);
  }
}

/** Open the configured database (PGlite under TENANTPROOF_DATA, or DATABASE_URL) and bring its schema up to date. */
export async function openConfigured(config: Config = loadConfig()): Promise<{ config: Config; database: Database }> {
  let database: Database;
  try {
    database = await openDatabase(config);
    await database.migrate();
  } catch (error) {
    throw new CliError(`cannot open the database${config.databaseUrl ? ' at DATABASE_URL' : ` in ${config.dataDir}`}: ${(error as Error).message}`, EXIT.unusable);
  }
  return { config, database };
}

/** The organization named by --org; without --org, the only one there is (or an error listing them). */
export async function requireOrg(database: Database, slug: string | undefined): Promise<OrgRef> {
  if (!slug) {
    const all = await listOrgs(database.db);
    if (all.length === 1) return all[0]!;
    throw new CliError(all.length === 0 ? 'there is no organization yet (tenantproof org create, demo or apply --create-org)'
      : `--org <slug> is required: there are ${all.length} organizations (${all.slice(0, 10).map((o) => o.slug).join(', ')}${all.length > 10 ? ', …' : ''})`, EXIT.unusable);
  }
  const org = await findOrg(database.db, slug);
  if (!org) throw new CliError(`no organization with slug "${slug}"`, EXIT.failed);
  return org;
}

/** Run a command's body: known failures become a one-line message on stderr and an exit code, never a stack trace. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      process.exitCode = report(error);
    }
  };
}

function report(error: unknown): number {
  if (error instanceof BundleInvalidError) {
    process.stderr.write(`${error.message}\n`);
    return EXIT.failed;
  }
  if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error: ${error.message}\n`);
    return EXIT.unusable;
  }
  if (error instanceof AppError) {
    process.stderr.write(`error: ${error.field ? `${error.field}: ` : ''}${error.message}\n`);
    return EXIT.failed;
  }
  process.stderr.write(`unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.unusable;
}

/** Close the database whatever happens. */
export async function withDatabase<T>(fn: (ctx: { config: Config; database: Database }) => Promise<T>): Promise<T> {
  const ctx = await openConfigured();
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}
