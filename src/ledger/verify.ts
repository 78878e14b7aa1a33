import { sql, type Transaction } from 'kysely';
import { listCheckpoints } from './checkpoints.js';
import { HASH_SIZE, nodeHash } from './merkle.js';
import { checkpointMessage, verifySignature } from './signing.js';
import { entryLeafHash, payloadFrame, pushLeaf, TILE_WIDTH, treeSize, type PayloadColumns, type RightEdge, type StoredNode } from './tree-store.js';

type Trx = Transaction<any>;

export interface LedgerProblem {
  kind: 'entry' | 'node' | 'checkpoint' | 'head';
  /** Entry index, node "level/index" or checkpoint tree size. */
  at: string;
  message: string;
}

export interface LedgerVerification {
  ok: boolean;
  orgId: string;
  treeSize: number;
  entriesChecked: number;
  /** Entries whose payload retention removed: their leaf hashes still stand, they are not tampering. */
  entriesExpired: number;
  checkpointsChecked: number;
  problem: LedgerProblem | null;
}

/**
 * Entries per read: a whole number of tiles, so each batch reads its own tiles. On PGlite a request waits for at
 * most one batch (~60 ms at 2,048 entries, ~300 ms at 10,240); on PostgreSQL the size made no measurable difference
 * (scratch A/B at 500,000 entries, docs/benchmarks.md).
 */
const BATCH = 2_048;

/** Times as the payload writes them (ISO 8601, milliseconds, UTC), formatted by the database. */
const ISO = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * Runs one of verify's reads in a transaction of the org's context. `withContext(db, ctx, fn)` gives each read a
 * short transaction of its own, so a long verification never holds a connection (PGlite has only one: other
 * requests run between its batches) nor keeps an old snapshot open on PostgreSQL.
 */
export type LedgerReads = <T>(fn: (trx: Trx) => Promise<T>) => Promise<T>;

export interface VerifyOptions {
  /** After each batch: entries checked so far and the tree size being verified. Awaited. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Checked before each batch: once aborted, verify stops with a {@link VerificationStopped}. */
  signal?: AbortSignal;
  /** Entries per read, a whole multiple of the tile width (default 2,048). */
  batchSize?: number;
}

/** Verify stopped before the end because its signal was aborted (the server is shutting down). */
export class VerificationStopped extends Error {
  constructor(readonly entriesChecked: number) {
    super(`verification stopped after ${entriesChecked} entries`);
    this.name = 'VerificationStopped';
  }
}

/**
 * Recompute the org's ledger from the database: every leaf from its payload and salt against the stored tiles,
 * every stored node from the leaves below it, every checkpoint's root from the leaves and its signature from the
 * org's public key. Stops at the first problem and names it.
 *
 * `source` is one transaction for all reads, or {@link LedgerReads} for a transaction per read. The ledger may
 * grow meanwhile: verify checks the tree as it was when it started (its size and checkpoints then), and what it
 * compares with the ledger's size now (the last, partial tile; entries beyond the tree) it reads in the same
 * statement as that size, so an entry appended during the run is never mistaken for tampering.
 */
export async function verifyLedger(source: Trx | LedgerReads, orgId: string, options: VerifyOptions | VerifyOptions['onProgress'] = {}): Promise<LedgerVerification> {
  const reads: LedgerReads = typeof source === 'function' ? source : (fn) => fn(source);
  const { onProgress, signal, batchSize = BATCH } = typeof options === 'function' ? { onProgress: options } : options;
  if (!Number.isInteger(batchSize) || batchSize < TILE_WIDTH || batchSize % TILE_WIDTH !== 0) throw new Error(`batchSize must be a whole multiple of ${TILE_WIDTH}`);
  // Checkpoints first: each is signed under the ledger lock at the size the ledger had, and the size only grows, so
  // every checkpoint listed here is within the size read after it.
  const { checkpoints, size } = await reads(async (trx) => {
    const listed = await listCheckpoints(trx, orgId);
    return { checkpoints: listed, size: await treeSize(trx, orgId) };
  });
  const report: LedgerVerification = { ok: true, orgId, treeSize: size, entriesChecked: 0, entriesExpired: 0, checkpointsChecked: 0, problem: null };
  const fail = (problem: LedgerProblem) => ({ ...report, ok: false, problem });
  const wanted = new Map<number, string>(); // size → recomputed root
  for (const c of checkpoints) wanted.set(c.treeSize, '');

  // Leaves, in order, against their payloads and the stored tiles; roots at checkpoint sizes on the way.
  const stack: RightEdge = [];
  const rootOfStack = () => {
    let r: Buffer = stack[stack.length - 1]!.hash;
    for (let i = stack.length - 2; i >= 0; i--) r = nodeHash(stack[i]!.hash, r);
    return r;
  };
  // The next batch is read while this one is checked, so the database and the hashing overlap.
  const read = (from: number) => {
    const to = Math.min(size, from + batchSize);
    const batch = reads((trx) => Promise.all([
      // The columns come as one JSON array, parsed here: each field of a result costs the driver a decode (PGlite
      // copies it out of the WASM heap), and verify reads 14 of them per entry.
      sql<EntryRow>`
        SELECT idx, payload, encode(salt, 'hex') AS salt, expired_at IS NOT NULL AS expired,
               json_build_array(to_char(at AT TIME ZONE 'UTC', ${ISO}), tenant_id, kind, action, object_type, object_id, actor, summary,
                                to_char(occurred_at AT TIME ZONE 'UTC', ${ISO}), source, source_event_id, system_id, actor_internal, outcome)::text AS columns
        FROM ledger_entries WHERE org_id = ${orgId} AND idx >= ${from} AND idx < ${to} ORDER BY idx`.execute(trx),
      // The ledger's size now, in the same statement as the tiles: the last tile may have grown since verify began.
      sql<{ tile: string; hashes: string; head: string | null }>`
        SELECT tile, encode(hashes, 'hex') AS hashes, (SELECT tree_size FROM ledger_heads WHERE org_id = ${orgId}) AS head FROM ledger_leaf_tiles
        WHERE org_id = ${orgId} AND tile >= ${from / TILE_WIDTH} AND tile < ${Math.ceil(to / TILE_WIDTH)} ORDER BY tile`.execute(trx),
    ]));
    batch.catch(() => undefined); // a read still in flight when verification stops early must not go unhandled
    return batch;
  };
  let ahead = size > 0 ? read(0) : null;
  // The stored nodes a batch completes are checked while the next batch is: a problem found meanwhile is reported
  // only after them (they come first in the tree), so verify still names the first place that does not match.
  let nodesChecked: Promise<LedgerProblem | null> = Promise.resolve(null);
  const failAfterNodes = async (problem: LedgerProblem) => fail((await nodesChecked) ?? problem);
  for (let from = 0; from < size; from += batchSize) {
    if (signal?.aborted) throw new VerificationStopped(report.entriesChecked);
    const to = Math.min(size, from + batchSize);
    const [entryRows, tileRows] = await ahead!;
    ahead = to < size ? read(to) : null;
    // Let the next read reach the database before this batch is checked (a connection from the pool arrives on a
    // later tick): without this the two did not overlap, and verify on PostgreSQL was ~15 % slower.
    if (ahead) await new Promise<void>((resolve) => setImmediate(resolve));
    const entries = entryRows.rows;
    const tiles = new Map(tileRows.rows.map((t) => [Number(t.tile), Buffer.from(t.hashes, 'hex')])); // hex: see readStored in tree-store.ts
    const head = tileRows.rows.length ? Number(tileRows.rows[0]!.head ?? 0) : size;
    if (head < size) return failAfterNodes({ kind: 'head', at: String(head), message: `the ledger's size went down from ${size} to ${head} while it was verified` });
    const tileProblem = wrongTile(tiles, from, to, head);
    if (tileProblem) return failAfterNodes(tileProblem);
    const completed: StoredNode[] = []; // stored nodes this batch completes
    for (let i = from; i < to; i++) {
      const row = entries[i - from];
      if (!row || Number(row.idx) !== i) return failAfterNodes({ kind: 'entry', at: String(i), message: `entry ${i} is missing (found ${row ? `entry ${row.idx}` : 'nothing'} in its place)` });
      const e = entryColumns(row);
      const tile = tiles.get(Math.floor(i / TILE_WIDTH))!;
      const offset = (i % TILE_WIDTH) * HASH_SIZE;
      const leaf = tile.subarray(offset, offset + HASH_SIZE);
      const problem = e.payload === null ? expiredProblem(e, i) : entryProblem(e, i, orgId, leaf);
      if (problem) return failAfterNodes(problem);
      if (e.payload === null) report.entriesExpired++;
      pushLeaf(stack, i, leaf, completed);
      report.entriesChecked++;
      if (wanted.has(i + 1)) wanted.set(i + 1, rootOfStack().toString('hex'));
    }
    const earlier = await nodesChecked;
    if (earlier) return fail(earlier);
    nodesChecked = reads((trx) => firstWrongNode(trx, orgId, completed));
    nodesChecked.catch(() => undefined); // awaited with the next batch; must not go unhandled if verify stops first
    await onProgress?.(to, size);
  }
  const lastNodes = await nodesChecked;
  if (lastNodes) return fail(lastNodes);
  // Entries beyond the ledger's size now (not the size verify began with: entries appended meanwhile are not extra).
  // (Two index probes: one condition with OR made PostgreSQL read the whole primary key, 267 ms at 500,000 entries.)
  const extra = await reads((trx) => sql<{ idx: string | null; head: string | null }>`
    SELECT h.tree_size AS head,
           coalesce((SELECT min(e.idx) FROM ledger_entries e WHERE e.org_id = h.org_id AND e.idx < 0),
                    (SELECT min(e.idx) FROM ledger_entries e WHERE e.org_id = h.org_id AND e.idx >= h.tree_size)) AS idx
    FROM ledger_heads h WHERE h.org_id = ${orgId}`.execute(trx));
  const beyond = extra.rows[0];
  if (beyond?.idx != null) return fail({ kind: 'entry', at: String(beyond.idx), message: `entry ${beyond.idx} lies beyond the tree size ${Number(beyond.head ?? 0)}` });

  // Checkpoints: signed by the org's key, roots equal to the recomputed tree, sizes never shrinking.
  const keys = new Map<string, Buffer>();
  for (const r of (await reads((trx) => sql<any>`SELECT key_id, public_key FROM org_signing_keys WHERE org_id = ${orgId}`.execute(trx))).rows) keys.set(r.key_id, Buffer.from(r.public_key));
  let previous = 0;
  for (const c of checkpoints) {
    const key = keys.get(c.keyId);
    if (!key || !verifySignature(key, checkpointMessage(c), Buffer.from(c.signature, 'base64'))) {
      return fail({ kind: 'checkpoint', at: String(c.treeSize), message: `the checkpoint at size ${c.treeSize} signed ${c.signedAt} has an invalid signature` });
    }
    if (c.treeSize > size) return fail({ kind: 'checkpoint', at: String(c.treeSize), message: `the checkpoint at size ${c.treeSize} is beyond the tree (${size} entries)` });
    const expected = c.treeSize === 0 ? 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' : wanted.get(c.treeSize);
    if (expected !== c.rootHash) return fail({ kind: 'checkpoint', at: String(c.treeSize), message: `the checkpoint at size ${c.treeSize} does not match the entries` });
    if (c.treeSize < previous) return fail({ kind: 'checkpoint', at: String(c.treeSize), message: `the checkpoint at size ${c.treeSize} is smaller than an earlier one (${previous})` });
    previous = c.treeSize;
    report.checkpointsChecked++;
  }
  return report;
}

/** An entry row as verify reads it: the salt in hex, the other columns as one JSON array (see the query). */
interface EntryRow { idx: string; payload: string | null; salt: string | null; expired: boolean; columns: string }

/** An entry's columns as verify checks them: times already as the payload writes them. */
interface EntryColumns {
  payload: string | null; salt: Buffer | null; at: string; tenant_id: string | null; kind: 'change' | 'event';
  action: string; object_type: string; object_id: string; actor: string; summary: string; occurred_at: string | null;
  source: string | null; source_event_id: string | null; system_id: string | null; actor_internal: boolean | null;
  outcome: string | null; expired: boolean;
}

function entryColumns(row: EntryRow): EntryColumns {
  const [at, tenant_id, kind, action, object_type, object_id, actor, summary, occurred_at, source, source_event_id, system_id, actor_internal, outcome] = JSON.parse(row.columns);
  return {
    payload: row.payload, salt: row.salt === null ? null : Buffer.from(row.salt, 'hex'), expired: row.expired,
    at, tenant_id, kind, action, object_type, object_id, actor, summary, occurred_at, source, source_event_id, system_id, actor_internal, outcome,
  };
}

/**
 * Each tile of [from, to) holds exactly the leaves the tree has there: 64, fewer only in the last tile. `size` is
 * the ledger's size when the tiles were read (the last tile grows as entries are appended).
 */
function wrongTile(tiles: Map<number, Buffer>, from: number, to: number, size: number): LedgerProblem | null {
  for (let t = from / TILE_WIDTH; t < Math.ceil(to / TILE_WIDTH); t++) {
    const expected = Math.min(TILE_WIDTH, size - t * TILE_WIDTH) * HASH_SIZE;
    const tile = tiles.get(t);
    if (!tile) return { kind: 'node', at: `tile ${t}`, message: `the leaf hashes of entries ${t * TILE_WIDTH}\u2013${t * TILE_WIDTH + expected / HASH_SIZE - 1} (tile ${t}) are missing` };
    if (tile.length !== expected) return { kind: 'node', at: `tile ${t}`, message: `tile ${t} holds ${tile.length / HASH_SIZE} leaf hashes where the tree has ${expected / HASH_SIZE}` };
  }
  return null;
}

function expiredProblem(e: EntryColumns, i: number): LedgerProblem | null {
  return e.expired ? null : { kind: 'entry', at: String(i), message: `entry ${i} has no payload and was not expired by retention` };
}

/**
 * A live entry: its payload and salt hash to the stored leaf, and its columns are what the payload states. For a
 * version 2 payload the columns are checked by rebuilding the text around its details (no parsing); only when
 * that differs, or for a version 1 payload, is the payload parsed, to name the column.
 */
function entryProblem(e: EntryColumns, i: number, orgId: string, leaf: Buffer): LedgerProblem | null {
  const payload = e.payload!;
  if (!e.salt || !entryLeafHash(payload, e.salt).equals(leaf)) return { kind: 'entry', at: String(i), message: `entry ${i}'s payload or salt does not match its leaf hash` };
  // a change has no event columns: one given some is edited, whatever its payload says
  const strayEventColumns = e.kind !== 'event' && [e.occurred_at, e.source, e.source_event_id, e.system_id, e.actor_internal, e.outcome].some((v) => v !== null);
  if (payload.endsWith('"v":2}') && !strayEventColumns) {
    const frame = payloadFrame(orgId, columnsOf(e));
    if (payload.length > frame.prefix.length + frame.suffix.length && payload.startsWith(frame.prefix) && payload.endsWith(frame.suffix)) return null;
  }
  let embedded: Record<string, any>;
  try { embedded = JSON.parse(payload); } catch { return { kind: 'entry', at: String(i), message: `entry ${i}'s payload is not JSON` }; }
  if ((embedded.v === 1 && embedded.index !== i) || embedded.org !== orgId) {
    return { kind: 'entry', at: String(i), message: `entry ${i}'s payload belongs ${embedded.v === 1 ? `at index ${String(embedded.index)} ` : ''}of org ${String(embedded.org)}` };
  }
  const column = projectionMismatch(e, embedded);
  return column === null ? null : { kind: 'entry', at: String(i), message: `entry ${i}'s column ${column} does not match its payload (the row was edited)` };
}

function columnsOf(e: EntryColumns): PayloadColumns {
  const columns: PayloadColumns = {
    kind: e.kind, at: e.at, tenantId: e.tenant_id, action: e.action, objectType: e.object_type, objectId: e.object_id, actor: e.actor, summary: e.summary,
  };
  if (e.kind === 'event') {
    columns.event = {
      occurredAt: e.occurred_at ?? '', source: e.source ?? '', sourceEventId: e.source_event_id ?? '', systemId: e.system_id,
      actorInternal: e.actor_internal === true, outcome: e.outcome ?? '',
    };
  }
  return columns;
}

const sameTime = (a: unknown, b: unknown) => a != null && b != null && Date.parse(String(a)) === Date.parse(String(b));

/**
 * The queryable columns of an entry are a projection of its payload; an edit to a column (say, the actor of an
 * event) would mislead every query without touching the hash, so verify compares them. Returns the first
 * column that disagrees, or null.
 */
export function projectionMismatch(row: Record<string, any>, payload: Record<string, any>): string | null {
  if (!sameTime(row.at, payload.at)) return 'at';
  if ((row.tenant_id ?? null) !== (payload.tenant ?? null)) return 'tenant_id';
  for (const [column, field] of [['kind', 'kind'], ['action', 'action'], ['object_type', 'objectType'], ['object_id', 'objectId'], ['actor', 'actor'], ['summary', 'summary']] as const) {
    if (row[column] !== payload[field]) return column;
  }
  if (payload.kind === 'event') {
    // version 2 states the event's columns in `event`; version 1 had them among the details
    const v1 = payload.v === 1;
    const d = (v1 ? payload.details : payload.event) ?? {};
    if (!sameTime(row.occurred_at, v1 ? d.time : d.occurredAt)) return 'occurred_at';
    if (row.source !== d.source) return 'source';
    if (row.source_event_id !== d.sourceEventId) return 'source_event_id';
    if (row.outcome !== d.outcome) return 'outcome';
    if (row.actor_internal !== (v1 ? d.actorType === 'internal' : d.actorInternal)) return 'actor_internal';
    if ((row.system_id ?? '') !== (v1 ? (payload.objectType === 'system' ? payload.objectId : '') : d.systemId ?? '')) return 'system_id';
  } else if (row.occurred_at != null || row.source != null || row.source_event_id != null || row.system_id != null || row.actor_internal != null || row.outcome != null) {
    return 'event columns of a change';
  }
  return null;
}

/**
 * Every interior node the leaves complete must be stored, with the hash recomputed from those leaves (one query
 * per batch: the stored rows of exactly these nodes, by primary key). Proofs read only such complete subtrees.
 */
async function firstWrongNode(trx: Trx, orgId: string, completed: StoredNode[]): Promise<LedgerProblem | null> {
  if (completed.length === 0) return null;
  const rows = (await sql<{ level: number; idx: string; hash: Uint8Array }>`
    SELECT n.level, n.idx, n.hash FROM ledger_nodes n
    JOIN unnest(${completed.map((c) => c.level)}::smallint[], ${completed.map((c) => c.idx)}::bigint[]) AS w(level, idx)
      ON n.level = w.level AND n.idx = w.idx
    WHERE n.org_id = ${orgId}`.execute(trx)).rows;
  const stored = new Map(rows.map((r) => [`${r.level}/${r.idx}`, Buffer.from(r.hash)]));
  for (const c of completed) {
    const at = `${c.level}/${c.idx}`;
    const hash = stored.get(at);
    if (!hash) return { kind: 'node', at, message: `stored node ${at} is missing` };
    if (!hash.equals(c.hash)) return { kind: 'node', at, message: `stored node ${at} is not the hash of the entries below it` };
  }
  return null;
}
