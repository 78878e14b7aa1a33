import { resolve } from 'node:path';

/** Typed configuration, read once from the environment; a bad value stops start-up with the variable's name. */
export interface Config {
  /** PostgreSQL connection string; when absent the embedded database (PGlite) is used. */
  databaseUrl: string | null;
  /** Directory of the embedded database and other local data. */
  dataDir: string;
  host: string;
  port: number;
  /** `production` refuses demo credentials; `development` allows them. */
  mode: 'production' | 'development';
  /** Trust X-Forwarded-* headers (set when behind a TLS-terminating proxy). */
  trustProxy: boolean;
  logLevel: string;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Connections in the PostgreSQL pool. */
  poolSize: number;
  /**
   * The embedded database's page cache in MB (TENANTPROOF_PGLITE_SHARED_BUFFERS, PostgreSQL's `shared_buffers`;
   * default 128, at most 1536: PGlite's WebAssembly memory does not start with more). A ledger of millions of
   * events on PGlite ingests faster with more: pages then stay in memory instead of being read and written again.
   */
  pgliteSharedBuffersMb: number;
  /** Session lifetime in seconds. */
  sessionSeconds: number;
  /** Largest evidence file accepted, in bytes (TENANTPROOF_EVIDENCE_MAX_BYTES, default 25 MB). */
  evidenceMaxBytes: number;
}

/** The embedded database's page cache, MB, when TENANTPROOF_PGLITE_SHARED_BUFFERS is not set (PostgreSQL's own default). */
export const DEFAULT_PGLITE_SHARED_BUFFERS_MB = 128;

export class ConfigError extends Error {
  constructor(public readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `expected one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL.trim() : null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  }
  const mode = oneOf(env, 'TENANTPROOF_MODE', ['production', 'development'] as const,
    env.NODE_ENV === 'production' ? 'production' : 'development');
  return {
    databaseUrl,
    dataDir: resolve(env.TENANTPROOF_DATA || './.tenantproof-data'),
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    mode,
    trustProxy: oneOf(env, 'TENANTPROOF_TRUST_PROXY', ['true', 'false'] as const, 'false') === 'true',
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    bodyLimit: integer(env, 'TENANTPROOF_BODY_LIMIT', 1024 * 1024, 1024, 100 * 1024 * 1024),
    poolSize: integer(env, 'TENANTPROOF_POOL_SIZE', 10, 1, 200),
    pgliteSharedBuffersMb: integer(env, 'TENANTPROOF_PGLITE_SHARED_BUFFERS', DEFAULT_PGLITE_SHARED_BUFFERS_MB, 16, 1536),
    sessionSeconds: integer(env, 'TENANTPROOF_SESSION_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    evidenceMaxBytes: integer(env, 'TENANTPROOF_EVIDENCE_MAX_BYTES', 25 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  };
}
