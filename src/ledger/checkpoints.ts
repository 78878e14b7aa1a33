import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { CheckpointJson } from './proof.js';
import { checkpointMessage, generateSigningKey, signMessage } from './signing.js';
import { rootAt, treeSize } from './tree-store.js';

type Trx = Transaction<any>;

/** A signed tree head, as served to customers and auditors (who can keep it and check it later). */
export type Checkpoint = CheckpointJson;

export interface SigningKey { keyId: string; publicKey: Buffer; privateKeyEncrypted: Buffer }

/** The org's active signing key, made on first use. */
export async function ensureSigningKey(trx: Trx, orgId: string, masterKey: Buffer): Promise<SigningKey> {
  const existing = await trx.selectFrom('org_signing_keys').select(['key_id', 'public_key', 'private_key_encrypted'])
    .where('org_id', '=', orgId).where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
  if (existing) return { keyId: existing.key_id, publicKey: Buffer.from(existing.public_key), privateKeyEncrypted: Buffer.from(existing.private_key_encrypted) };
  const pair = generateSigningKey(masterKey);
  const keyId = randomUUID();
  await trx.insertInto('org_signing_keys').values({ org_id: orgId, key_id: keyId, public_key: pair.publicKey, private_key_encrypted: pair.privateKeyEncrypted }).execute();
  return { keyId, ...pair };
}

/** A ledger_checkpoints row as served. */
export function presentCheckpointRow(orgId: string, r: any): Checkpoint {
  return {
    orgId, treeSize: Number(r.tree_size), rootHash: Buffer.from(r.root_hash).toString('hex'),
    signedAt: new Date(r.signed_at).toISOString(), keyId: r.key_id, signature: Buffer.from(r.signature).toString('base64'),
  };
}

export async function latestCheckpoint(trx: Trx, orgId: string): Promise<Checkpoint | undefined> {
  const r = await trx.selectFrom('ledger_checkpoints').selectAll().where('org_id', '=', orgId)
    .orderBy('tree_size', 'desc').orderBy('signed_at', 'desc').limit(1).executeTakeFirst();
  return r ? presentCheckpointRow(orgId, r) : undefined;
}

export async function listCheckpoints(trx: Trx, orgId: string): Promise<Checkpoint[]> {
  const rows = await trx.selectFrom('ledger_checkpoints').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
  return rows.map((r) => presentCheckpointRow(orgId, r));
}

export class InconsistentLedgerError extends Error {}

/**
 * Sign the current tree head. Refuses when the stored tree no longer reproduces the last signed root at
 * that size: a checkpoint is never signed that is inconsistent with an earlier one.
 */
export async function signCheckpoint(trx: Trx, orgId: string, masterKey: Buffer, now = new Date()): Promise<Checkpoint> {
  const size = await treeSize(trx, orgId);
  const last = await latestCheckpoint(trx, orgId);
  if (last) {
    if (size < last.treeSize) throw new InconsistentLedgerError(`tree shrank from ${last.treeSize} to ${size}`);
    const then = (await rootAt(trx, orgId, last.treeSize)).toString('hex');
    if (then !== last.rootHash) throw new InconsistentLedgerError(`the stored tree no longer gives the root signed at size ${last.treeSize}`);
  }
  const rootHash = (await rootAt(trx, orgId, size)).toString('hex');
  const key = await ensureSigningKey(trx, orgId, masterKey);
  const signedAt = new Date(Math.max(now.getTime(), last ? Date.parse(last.signedAt) + 1 : 0)).toISOString();
  const signature = signMessage(masterKey, key.privateKeyEncrypted, checkpointMessage({ orgId, treeSize: size, rootHash, signedAt }));
  await trx.insertInto('ledger_checkpoints').values({
    org_id: orgId, tree_size: size, root_hash: Buffer.from(rootHash, 'hex'), signed_at: signedAt, key_id: key.keyId, signature,
  }).execute();
  return { orgId, treeSize: size, rootHash, signedAt, keyId: key.keyId, signature: signature.toString('base64') };
}

/** When a new checkpoint is due: every `entries` appended entries or `seconds` elapsed, whichever first. */
export interface CheckpointPolicy { entries: number; seconds: number }

export async function checkpointIfDue(trx: Trx, orgId: string, masterKey: Buffer, policy: CheckpointPolicy, now = new Date()): Promise<Checkpoint | null> {
  const last = await latestCheckpoint(trx, orgId);
  const size = await treeSize(trx, orgId);
  const due = !last || size - last.treeSize >= policy.entries || now.getTime() - Date.parse(last.signedAt) >= policy.seconds * 1000;
  return due ? signCheckpoint(trx, orgId, masterKey, now) : null;
}

/** The public keys that verify this org's checkpoints. */
export async function publicKeys(trx: Trx, orgId: string): Promise<Array<{ keyId: string; algorithm: string; publicKey: string; createdAt: string; retiredAt: string | null }>> {
  const rows = await sql<any>`SELECT key_id, algorithm, public_key, created_at, retired_at FROM org_signing_keys WHERE org_id = ${orgId} ORDER BY created_at`.execute(trx);
  return rows.rows.map((r) => ({ keyId: r.key_id, algorithm: r.algorithm, publicKey: Buffer.from(r.public_key).toString('base64'), createdAt: r.created_at, retiredAt: r.retired_at }));
}
