import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config.js';

/**
 * The master key that encrypts each org's signing key: `TENANTPROOF_MASTER_KEY` (32 bytes as base64 or hex),
 * or the file named by `TENANTPROOF_MASTER_KEY_FILE`. Outside production mode, when neither is set, a key
 * file is made in the data directory on first use (the demo works out of the box); production refuses that.
 */
export function resolveMasterKey(env: NodeJS.ProcessEnv, options: { dataDir: string; mode: 'production' | 'development' }): Buffer {
  const raw = env.TENANTPROOF_MASTER_KEY?.trim();
  if (raw) return parseKey(raw, 'TENANTPROOF_MASTER_KEY');
  const file = env.TENANTPROOF_MASTER_KEY_FILE?.trim();
  if (file) {
    if (!existsSync(file)) throw new ConfigError('TENANTPROOF_MASTER_KEY_FILE', `no file at ${file}`);
    return parseKey(readFileSync(file, 'utf8').trim(), 'TENANTPROOF_MASTER_KEY_FILE');
  }
  if (options.mode === 'production') {
    throw new ConfigError('TENANTPROOF_MASTER_KEY', 'required in production mode (32 random bytes, base64): it encrypts the ledger signing keys');
  }
  const path = join(options.dataDir, 'master.key');
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  return parseKey(readFileSync(path, 'utf8').trim(), path);
}

function parseKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new ConfigError(source, 'expected 32 bytes, base64 or hex encoded');
  return key;
}
