import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { ConfigError, type Config } from '../config.js';
import { InconsistentLedgerError, latestCheckpoint, presentCheckpointRow, publicKeys, signCheckpoint, type Checkpoint } from '../ledger/checkpoints.js';
import { resolveMasterKey } from '../ledger/master-key.js';
import { consistencyProof, inclusionProof } from '../ledger/merkle.js';
import type { ConsistencyProof, EntryJson, EntryProof } from '../ledger/proof.js';
import { checkpointMessage, verifySignature } from '../ledger/signing.js';
import { lockLedger, rangeHashes, rootAt, treeSize } from '../ledger/tree-store.js';
import { verifyLedger, type LedgerVerification } from '../ledger/verify.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;

/**
 * The ledger as the API serves it: one entry with its inclusion proof against a signed checkpoint,
 * consistency proofs between checkpoints, the checkpoints and public keys, full verification, and the check
 * of a checkpoint someone kept. Everything runs in the actor's RLS context, so a tenant-viewer's transaction
 * holds only its tenant's entries (the tree's hashes are the org's, and reveal nothing: leaves are salted).
 */

/** The server's master key, read when first needed (it may create the development key file). */
export type MasterKeySource = () => Promise<Buffer>;

/**
 * Read the master key once per process, from the environment or (outside production) the data directory.
 * Processes starting together (parallel tests, several CLI runs) may race to create the development key file:
 * the loser of the exclusive create, or a reader of a half-written file, tries again a moment later.
 */
export function masterKeySource(config: Pick<Config, 'dataDir' | 'mode'>, env: NodeJS.ProcessEnv = process.env): MasterKeySource {
  let pending: Promise<Buffer> | undefined;
  const generated = !env.TENANTPROOF_MASTER_KEY?.trim() && !env.TENANTPROOF_MASTER_KEY_FILE?.trim() && config.mode !== 'production';
  const resolve = async (): Promise<Buffer> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return resolveMasterKey(env, { dataDir: config.dataDir, mode: config.mode });
      } catch (error) {
        const racing = generated && ((error as NodeJS.ErrnoException).code === 'EEXIST' || error instanceof ConfigError);
        if (!racing || attempt >= 5) throw error;
        await new Promise((done) => setTimeout(done, 25 * (attempt + 1)));
      }
    }
  };
  return () => (pending ??= resolve().catch((error: unknown) => { pending = undefined; throw error; }));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const iso = (v: unknown) => new Date(v as string).toISOString();

/**
 * The latest checkpoint if it covers `size` entries, else a new one signed now. `known` is the latest checkpoint
 * when the caller has already read it (null: the org has none), which saves reading it again. Signers of one org
 * (requests, the timer, other servers) take the ledger head's lock first and look again, so they do not sign twice.
 */
export async function checkpointCovering(
  trx: Trx, orgId: string, size: number, masterKey: MasterKeySource, known?: Checkpoint | null,
): Promise<Checkpoint> {
  const latest = known === undefined ? await latestCheckpoint(trx, orgId) : known;
  if (latest && latest.treeSize >= size) return latest;
  await lockLedger(trx, orgId);
  const again = await latestCheckpoint(trx, orgId);
  if (again && again.treeSize >= size) return again;
  try {
    return await signCheckpoint(trx, orgId, await masterKey());
  } catch (error) {
    if (error instanceof InconsistentLedgerError) throw new AppError('ledger_inconsistent', `The stored ledger contradicts its last signed checkpoint (${error.message}); no new checkpoint is signed. Run tenantproof verify.`);
    throw error;
  }
}

function presentEntry(r: any): EntryJson {
  const expired = r.payload === null;
  return {
    index: Number(r.idx), at: iso(r.at), kind: r.kind, action: r.action, objectType: r.object_type, objectId: r.object_id,
    actor: r.actor, summary: r.summary, tenantId: r.tenant_id ?? null,
    payload: expired ? null : r.payload, salt: expired ? null : Buffer.from(r.salt).toString('base64'), expired,
  };
}

/** Entry `index` of the actor's ledger with its leaf hash and inclusion proof against the latest checkpoint (signed first if it is older than the entry). */
export async function entryProof(db: Kysely<any>, actor: Actor, index: number, masterKey: MasterKeySource): Promise<EntryProof> {
  authorize(actor, 'read', 'ledger');
  return asActor(db, actor, async (trx) => {
    // The entry and the latest checkpoint in one statement: a round trip less on every proof (bench:ledger).
    const row = (await sql<any>`
      SELECT e.idx, e.at, e.kind, e.action, e.object_type, e.object_id, e.actor, e.summary, e.tenant_id, e.payload, e.salt,
             c.tree_size, c.root_hash, c.signed_at, c.key_id, c.signature
      FROM ledger_entries e
      LEFT JOIN LATERAL (SELECT * FROM ledger_checkpoints k WHERE k.org_id = e.org_id ORDER BY k.tree_size DESC, k.signed_at DESC LIMIT 1) c ON true
      WHERE e.org_id = ${actor.orgId} AND e.idx = ${index}`.execute(trx)).rows[0];
    if (!row) {
      const size = await treeSize(trx, actor.orgId);
      throw new AppError('not_found', index >= size
        ? `Ledger entry ${index} not found: the ledger has ${size} ${size === 1 ? 'entry' : 'entries'}${size ? ` (0\u2013${size - 1})` : ''}.`
        : `Ledger entry ${index} not found.`, 'index');
    }
    const latest = row.tree_size === null ? null : presentCheckpointRow(actor.orgId, row);
    const checkpoint = await checkpointCovering(trx, actor.orgId, index + 1, masterKey, latest);
    const [leaf, ...path] = await rangeHashes(trx, actor.orgId, [[index, index + 1], ...inclusionProof(index, checkpoint.treeSize)]);
    return { entry: presentEntry(row), leafHash: hex(leaf!), checkpoint, inclusionProof: path.map(hex) };
  });
}

/** The latest checkpoint signed at exactly `size` entries (a size may be signed again with a fresh time). */
async function checkpointAt(trx: Trx, orgId: string, size: number): Promise<Checkpoint | undefined> {
  const r = await trx.selectFrom('ledger_checkpoints').selectAll().where('org_id', '=', orgId).where('tree_size', '=', size)
    .orderBy('signed_at', 'desc').limit(1).executeTakeFirst();
  return r ? presentCheckpointRow(orgId, r) : undefined;
}

/** The latest checkpoint of fewer than `size` entries. */
async function checkpointBefore(trx: Trx, orgId: string, size: number): Promise<Checkpoint | undefined> {
  const r = await trx.selectFrom('ledger_checkpoints').selectAll().where('org_id', '=', orgId).where('tree_size', '<', size)
    .orderBy('tree_size', 'desc').orderBy('signed_at', 'desc').limit(1).executeTakeFirst();
  return r ? presentCheckpointRow(orgId, r) : undefined;
}

/** Hex hashes proving the tree of `second` entries extends the tree of `first` (none when either is trivial). */
async function consistencyHashes(trx: Trx, orgId: string, first: number, second: number): Promise<string[]> {
  if (first === 0 || first === second) return [];
  return (await rangeHashes(trx, orgId, consistencyProof(first, second))).map(hex);
}

/**
 * A consistency proof between two stored checkpoints. `to` defaults to the latest checkpoint (signed now if the
 * org has none), `from` to the checkpoint before `to`.
 */
export async function consistencyBetween(db: Kysely<any>, actor: Actor, query: { from?: number; to?: number }, masterKey: MasterKeySource): Promise<ConsistencyProof> {
  authorize(actor, 'read', 'ledger');
  return asActor(db, actor, async (trx) => {
    const latest = await checkpointCovering(trx, actor.orgId, 0, masterKey);
    const to = query.to === undefined ? latest : await checkpointAt(trx, actor.orgId, query.to);
    if (!to) throw new AppError('not_found', `No checkpoint was signed at tree size ${query.to}; GET /api/ledger/checkpoints lists them.`, 'to');
    const from = query.from === undefined ? (await checkpointBefore(trx, actor.orgId, to.treeSize)) ?? to : await checkpointAt(trx, actor.orgId, query.from);
    if (!from) throw new AppError('not_found', `No checkpoint was signed at tree size ${query.from}; GET /api/ledger/checkpoints lists them.`, 'from');
    if (from.treeSize > to.treeSize) throw new AppError('invalid_value', `from (${from.treeSize}) must not be larger than to (${to.treeSize}).`, 'from');
    return { from, to, consistencyProof: await consistencyHashes(trx, actor.orgId, from.treeSize, to.treeSize) };
  });
}

export interface CheckpointPage { items: Checkpoint[]; nextCursor: string | null; total: number }

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === 'checkpoints' && typeof parsed[1] === 'string' && /^\d{1,18}$/.test(parsed[1])) return parsed[1];
  } catch { /* not ours */ }
  throw new AppError('invalid_cursor', undefined, 'cursor');
}

/** The org's checkpoints, newest first. */
export async function listCheckpointPage(db: Kysely<any>, actor: Actor, query: { limit: number; cursor?: string | undefined }): Promise<CheckpointPage> {
  authorize(actor, 'read', 'ledger');
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return asActor(db, actor, async (trx) => {
    let q = trx.selectFrom('ledger_checkpoints').selectAll().where('org_id', '=', actor.orgId);
    if (after) q = q.where('id', '<', after);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    const total = await trx.selectFrom('ledger_checkpoints').select(sql<string>`count(*)`.as('n')).where('org_id', '=', actor.orgId).executeTakeFirst();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => presentCheckpointRow(actor.orgId, r)),
      nextCursor: rows.length > query.limit && last ? Buffer.from(JSON.stringify(['checkpoints', String(last.id)])).toString('base64url') : null,
      total: Number(total?.n ?? 0),
    };
  });
}

/** The latest signed tree head (the first one is signed on demand). */
export async function latestSignedCheckpoint(db: Kysely<any>, actor: Actor, masterKey: MasterKeySource): Promise<Checkpoint> {
  authorize(actor, 'read', 'ledger');
  return asActor(db, actor, (trx) => checkpointCovering(trx, actor.orgId, 0, masterKey));
}

export interface PublicKey { keyId: string; algorithm: string; publicKey: string; createdAt: string; retiredAt: string | null }

/** Every key that ever signed this org's checkpoints (retired ones still verify old checkpoints). */
export async function listPublicKeys(db: Kysely<any>, actor: Actor): Promise<PublicKey[]> {
  authorize(actor, 'read', 'ledger');
  const keys = await asActor(db, actor, (trx) => publicKeys(trx, actor.orgId));
  return keys.map((k) => ({ ...k, createdAt: iso(k.createdAt), retiredAt: k.retiredAt === null ? null : iso(k.retiredAt) }));
}

/** Recompute the whole ledger of the actor's org (every tenant's entries: not for tenant-viewers). */
export async function verifyOrgLedger(db: Kysely<any>, actor: Actor): Promise<LedgerVerification> {
  authorize(actor, 'read', 'ledger-verify');
  return verifyLedger((fn) => asActor(db, actor, fn), actor.orgId);
}

/** A checkpoint someone kept, as they submit it. */
export interface KeptCheckpoint { orgId: string; treeSize: number; rootHash: string; signedAt: string; keyId: string; signature: string }

export type KeptCheckpointProblem = 'other_org' | 'unknown_key' | 'bad_signature' | 'beyond_tree' | 'root_mismatch';

export interface KeptCheckpointVerdict {
  /** Genuine and consistent with the current tree. */
  ok: boolean;
  /** Signed by a key of this organization (null: not checked, another organization's checkpoint). */
  genuine: boolean | null;
  /** The current tree has at least its size and gives its root at that size (null: not checked). */
  consistent: boolean | null;
  /** The first problem, most basic first: organization, key, signature, size, root. */
  problem: { code: KeptCheckpointProblem; field: keyof KeptCheckpoint; message: string } | null;
  /** The ledger's current size (null: not checked). */
  treeSize: number | null;
  /** When ok: the latest checkpoint and the proof that it extends the kept one (verifyConsistencyProof({ from: kept, to: latest, consistencyProof })). */
  latest: Checkpoint | null;
  consistencyProof: string[] | null;
}

/**
 * Is a checkpoint someone kept genuine (signed by this org's key) and consistent with the tree now? A forged
 * one is named precisely; a genuine one that the tree no longer matches is evidence that the ledger was
 * rewritten or cut after it was signed, and says so.
 */
export async function verifyKeptCheckpoint(db: Kysely<any>, actor: Actor, kept: KeptCheckpoint, masterKey: MasterKeySource): Promise<KeptCheckpointVerdict> {
  authorize(actor, 'read', 'ledger');
  const verdict = (v: Partial<KeptCheckpointVerdict>): KeptCheckpointVerdict =>
    ({ ok: false, genuine: null, consistent: null, problem: null, treeSize: null, latest: null, consistencyProof: null, ...v });
  if (kept.orgId !== actor.orgId) {
    return verdict({ problem: { code: 'other_org', field: 'orgId', message: `This checkpoint names organization ${kept.orgId}, not yours: only that organization's ledger can verify it.` } });
  }
  return asActor(db, actor, async (trx) => {
    const key = await trx.selectFrom('org_signing_keys').select(['public_key']).where('org_id', '=', actor.orgId).where('key_id', '=', kept.keyId).executeTakeFirst();
    const genuine = key ? verifySignature(Buffer.from(key.public_key), checkpointMessage(kept), Buffer.from(kept.signature, 'base64')) : false;
    const size = await treeSize(trx, actor.orgId);
    const within = kept.treeSize <= size;
    const consistent = within && hex(await rootAt(trx, actor.orgId, kept.treeSize)) === kept.rootHash;
    const base = { genuine, consistent, treeSize: size };
    if (!key) {
      return verdict({ ...base, problem: { code: 'unknown_key', field: 'keyId', message: `No signing key ${kept.keyId} belongs to this organization: this checkpoint was not signed by its ledger.` } });
    }
    if (!genuine) {
      return verdict({ ...base, problem: { code: 'bad_signature', field: 'signature', message: `The signature does not verify with this organization's key ${kept.keyId}: the checkpoint was forged, or altered after it was signed.` } });
    }
    if (!within) {
      return verdict({ ...base, problem: { code: 'beyond_tree', field: 'treeSize', message: `This checkpoint is genuinely signed for ${kept.treeSize} entries, but the ledger now has ${size}: entries were removed after it was signed. Keep it as evidence.` } });
    }
    if (!consistent) {
      return verdict({ ...base, problem: { code: 'root_mismatch', field: 'rootHash', message: `This checkpoint is genuinely signed, but the ledger now gives a different root at size ${kept.treeSize}: the ledger was rewritten after it was signed. Keep it as evidence.` } });
    }
    const latest = await checkpointCovering(trx, actor.orgId, kept.treeSize, masterKey);
    return verdict({ ...base, ok: true, latest, consistencyProof: await consistencyHashes(trx, actor.orgId, kept.treeSize, latest.treeSize) });
  });
}
