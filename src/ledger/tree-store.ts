import { hash, randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { canonicalJson } from './canonical-json.js';
import { EMPTY_ROOT, HASH_SIZE, LEAF_PREFIX, leafHash, nodeHash, rangeHash, subtreesOf, type LeafRange, type SubtreeRef } from './merkle.js';

type Trx = Transaction<any>;

/**
 * How the org's tree is stored (migration 0017): leaf hashes in tiles of 64 (`ledger_leaf_tiles`, row t holds
 * the leaves of entries [64t, 64t + 64) back to back, 2 KiB stored inline), and complete subtrees of 64 leaves or
 * more in `ledger_nodes`. A subtree smaller than a tile is computed from its tile, at most 63 hashes in memory:
 * a proof reads one or two tiles and O(log n) nodes. (Tiles of 256 cost a proof 255 hashes, ~0.7 ms, and 8 KiB
 * tiles are stored out of line; bench:ledger.)
 */
export const TILE_LEVEL = 6;
export const TILE_WIDTH = 2 ** TILE_LEVEL;

/** What one ledger entry records; its canonical JSON (with org and time) is what the leaf commits to. */
export interface LedgerEntryInput {
  kind: 'change' | 'event';
  at: string;
  tenantId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  actor: string;
  summary: string;
  /** Everything else worth proving (digests before/after, request id, source IP, the event's own details). */
  details: Record<string, unknown>;
  /** For an ingested event: the columns investigations query (the payload commits to the same values). */
  event?: EventColumns;
}

export interface EventColumns {
  occurredAt: string;
  source: string;
  sourceEventId: string;
  systemId: string | null;
  actorInternal: boolean;
  outcome: string;
}

/** The exact bytes a leaf commits to: canonical JSON of the entry followed by its salt. */
export function leafBytes(payload: string, salt: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(payload, 'utf8'), salt]);
}

/** Room for the leaf bytes of an entry, reused; a larger entry gets a buffer of its own. */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/**
 * An entry's leaf hash: SHA-256(0x00 || payload || salt), i.e. leafHash(leafBytes(payload, salt)). The bytes are
 * written into one reused buffer instead of three new ones per entry: 1.8–2.1 µs against 3.0–3.5 µs for a
 * 513-character payload (a micro-benchmark on the 2-core bench machine), and less garbage. Sealing and verify hash
 * every entry.
 */
export function entryLeafHash(payload: string, salt: Uint8Array): Buffer {
  const most = 1 + 3 * payload.length + salt.length; // UTF-8 takes at most 3 bytes per UTF-16 code unit
  if (most > SCRATCH_BYTES) return leafHash(leafBytes(payload, salt));
  scratch[0] = LEAF_PREFIX;
  const end = 1 + scratch.write(payload, 1, 'utf8');
  scratch.set(salt, end);
  return hash('sha256', scratch.subarray(0, end + salt.length), 'buffer');
}

/** The fields of an entry that are also columns of its row. */
export type PayloadColumns = Omit<LedgerEntryInput, 'details'>;

/**
 * The canonical JSON of an entry (payload version 2) around its `details`: `prefix + canonicalJson(details) +
 * suffix` is exactly `canonicalJson` of the whole entry (keys in code-unit order; tested in tree-store.test.ts).
 * Every other field is a column of the row, so `verify` rebuilds prefix and suffix from the columns and compares
 * text: an edited column shows without parsing the payload. The entry's position is not in it (the tree binds
 * that), so an entry is sealed — payload, salt, leaf hash — before the ledger lock is taken.
 */
export function payloadFrame(orgId: string, c: PayloadColumns): { prefix: string; suffix: string } {
  const s = JSON.stringify;
  const e = c.event;
  const event = e
    ? `,"event":{"actorInternal":${e.actorInternal},"occurredAt":${s(e.occurredAt)},"outcome":${s(e.outcome)},"source":${s(e.source)},`
      + `"sourceEventId":${s(e.sourceEventId)},"systemId":${s(e.systemId)}}`
    : '';
  return {
    prefix: `{"action":${s(c.action)},"actor":${s(c.actor)},"at":${s(c.at)},"details":`,
    suffix: `${event},"kind":${s(c.kind)},"objectId":${s(c.objectId)},"objectType":${s(c.objectType)},"org":${s(orgId)},`
      + `"summary":${s(c.summary)},"tenant":${s(c.tenantId)},"v":2}`,
  };
}

/** The canonical JSON of an entry of an org's log (payload version 2). */
export function entryPayload(orgId: string, entry: LedgerEntryInput): string {
  const frame = payloadFrame(orgId, entry);
  return frame.prefix + canonicalJson(entry.details) + frame.suffix;
}

/**
 * An entry ready to append: its payload, salt, leaf hash and row (as JSON for the INSERT), none of which depend on
 * where it lands, so all of it is built before the ledger lock.
 */
export interface SealedEntry {
  entry: LedgerEntryInput;
  payload: string;
  salt: Buffer;
  leaf: Buffer;
  row: string;
}

/** Seal entries: one call to the random source for all their salts (16 bytes each). */
export function sealEntries(orgId: string, entries: readonly LedgerEntryInput[]): SealedEntry[] {
  const salts = randomBytes(16 * entries.length);
  return entries.map((entry, i) => {
    const payload = entryPayload(orgId, entry);
    const salt = salts.subarray(16 * i, 16 * i + 16);
    return { entry, payload, salt, leaf: entryLeafHash(payload, salt), row: JSON.stringify(entryRow(entry, salt)) };
  });
}

/**
 * Append entries to the org's log inside the caller's transaction, so a change and its entry commit or roll
 * back together. The head row is locked: one sequencer per org, appends never interleave. Entries may come
 * sealed ({@link sealEntries}), so that a large batch does its hashing before the lock is taken.
 * Returns the index of the first entry and the new tree size.
 */
export async function appendEntries(
  trx: Trx, orgId: string, entries: readonly LedgerEntryInput[] | readonly SealedEntry[],
): Promise<{ first: number; size: number }> {
  const sealed = entries.length > 0 && 'leaf' in entries[0]! ? entries as readonly SealedEntry[] : sealEntries(orgId, entries as LedgerEntryInput[]);
  const first = await lockLedger(trx, orgId);
  if (sealed.length === 0) return { first, size: first };
  const size = first + sealed.length;
  const edgeRefs = frontier(first);
  const edge = await readStored(trx, orgId, edgeRefs);
  const stack: RightEdge = edgeRefs.map((ref) => ({ level: ref.level, hash: edge.lookup(ref.level, ref.index) }));
  const nodes: StoredNode[] = [];
  const firstTile = Math.floor(first / TILE_WIDTH);
  const tiles = Buffer.allocUnsafe((size - firstTile * TILE_WIDTH) * HASH_SIZE);
  edge.tile(firstTile)?.copy(tiles, 0, 0, (first - firstTile * TILE_WIDTH) * HASH_SIZE);
  sealed.forEach((s, offset) => {
    const index = first + offset;
    s.leaf.copy(tiles, (index - firstTile * TILE_WIDTH) * HASH_SIZE);
    pushLeaf(stack, index, s.leaf, nodes);
  });
  await insertEntries(trx, orgId, first, sealed);
  await writeTiles(trx, orgId, firstTile, tiles);
  await insertNodes(trx, orgId, nodes);
  await sql`UPDATE ledger_heads SET tree_size = ${size}, updated_at = now() WHERE org_id = ${orgId}`.execute(trx);
  return { first, size };
}

/** The complete subtrees covering leaves [0, size): the right edge an append builds on. */
function frontier(size: number): SubtreeRef[] {
  return size === 0 ? [] : subtreesOf([0, size]);
}

/** The right edge of a tree as its complete subtrees, largest first (as {@link frontier} names them). */
export type RightEdge = Array<{ level: number; hash: Buffer }>;
/** A complete subtree of 64 leaves or more: the ones `ledger_nodes` stores. */
export interface StoredNode { level: number; idx: number; hash: Buffer }

/**
 * Add leaf `index` to the right edge: subtrees of equal level merge into their parent. The subtrees it completes
 * that are stored as nodes (level >= 6) are added to `completed`. Appends and verify build the tree this way.
 */
export function pushLeaf(edge: RightEdge, index: number, leaf: Buffer, completed: StoredNode[]): void {
  let node = { level: 0, hash: leaf };
  while (edge.length && edge[edge.length - 1]!.level === node.level) {
    const left = edge.pop()!;
    node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
    // node (level, index >> level) covers the leaves up to index, which completes it
    if (node.level >= TILE_LEVEL) completed.push({ level: node.level, idx: Math.floor(index / 2 ** node.level), hash: node.hash });
  }
  edge.push(node);
}

/** The tile holding the leaves of complete subtree (level, index), for a subtree smaller than a tile. */
function tileOf(level: number, index: number): number {
  return Math.floor((index * 2 ** level) / TILE_WIDTH);
}

/** Tile rows touched by an append, from `firstTile` on: 64 hashes each, the last one partial. */
async function writeTiles(trx: Trx, orgId: string, firstTile: number, hashes: Buffer): Promise<void> {
  const rows: Array<{ tile: number; hashes: string }> = [];
  const perTile = TILE_WIDTH * HASH_SIZE;
  for (let offset = 0; offset < hashes.length; offset += perTile) {
    rows.push({ tile: firstTile + offset / perTile, hashes: hashes.subarray(offset, offset + perTile).toString('hex') });
  }
  await sql`
    INSERT INTO ledger_leaf_tiles (org_id, tile, hashes)
    SELECT ${orgId}::uuid, u.tile, decode(u.hashes, 'hex') FROM json_to_recordset(${JSON.stringify(rows)}::json) AS u(tile bigint, hashes text)
    ON CONFLICT (org_id, tile) DO UPDATE SET hashes = EXCLUDED.hashes`.execute(trx);
}

/**
 * One ledger_entries row as it travels to the database: a JSON object whose keys are the column names, without
 * the payload (which travels apart, see insertEntries); idx is its position in the batch.
 */
interface EntryRow {
  at: string; tenant_id: string | null; kind: string; action: string; object_type: string; object_id: string;
  actor: string; summary: string; salt: string;
  occurred_at: string | null; source: string | null; source_event_id: string | null; system_id: string | null;
  actor_internal: boolean | null; outcome: string | null;
}

function entryRow(entry: LedgerEntryInput, salt: Buffer): EntryRow {
  const e = entry.event;
  return {
    at: entry.at, tenant_id: entry.tenantId, kind: entry.kind, action: entry.action, object_type: entry.objectType,
    object_id: entry.objectId, actor: entry.actor, summary: entry.summary, salt: salt.toString('hex'),
    occurred_at: e?.occurredAt ?? null, source: e?.source ?? null, source_event_id: e?.sourceEventId ?? null,
    system_id: e?.systemId ?? null, actor_internal: e ? e.actorInternal : null, outcome: e?.outcome ?? null,
  };
}

const LINE_BREAK = '\n';

/**
 * One INSERT … SELECT per append, whatever its size. The rows go as ONE JSON text (each row built by the engine's
 * native JSON.stringify when it was sealed, parsed by the database in C) instead of multi-row VALUES with 18
 * parameters a row, whose building, escaping and parsing cost more than the rows themselves (bench:ledger). The
 * payloads go beside them as one text, a line each, split by the database: canonical JSON has no raw line break
 * (JSON.stringify escapes it), and inside the rows' JSON every payload would be escaped by the server and parsed
 * again by the database, under the ledger lock. A row's index is its ordinality in the batch after `first`; salts
 * go as hex.
 */
async function insertEntries(trx: Trx, orgId: string, first: number, sealed: readonly SealedEntry[]): Promise<void> {
  let rows = '[';
  let payloads = '';
  for (let i = 0; i < sealed.length; i++) {
    const { row, payload } = sealed[i]!;
    if (payload.includes(LINE_BREAK)) throw new Error('a ledger payload holds a raw line break: canonical JSON never does');
    rows += (i ? ',' : '') + row;
    payloads += (i ? LINE_BREAK : '') + payload;
  }
  rows += ']';
  await sql`
    INSERT INTO ledger_entries (org_id, idx, at, tenant_id, kind, action, object_type, object_id, actor, summary, payload, salt,
                                occurred_at, source, source_event_id, system_id, actor_internal, outcome)
    SELECT ${orgId}::uuid, ${first}::bigint + u.n - 1, u.at, u.tenant_id, u.kind, u.action, u.object_type, u.object_id, u.actor, u.summary, u.payload,
           decode(u.salt, 'hex'), u.occurred_at, u.source, u.source_event_id, u.system_id, u.actor_internal, u.outcome
    FROM ROWS FROM (
        json_to_recordset(${rows}::json)
          AS (at timestamptz, tenant_id uuid, kind text, action text, object_type text, object_id text, actor text,
              summary text, salt text, occurred_at timestamptz, source text, source_event_id text, system_id uuid,
              actor_internal boolean, outcome text),
        string_to_table(${payloads}::text, chr(10))) WITH ORDINALITY
      AS u(at, tenant_id, kind, action, object_type, object_id, actor, summary, salt, occurred_at, source, source_event_id,
           system_id, actor_internal, outcome, payload, n)`.execute(trx);
}

/** The subtrees of 64 leaves or more an append completed, in one statement (hashes as hex, decoded by the database). */
async function insertNodes(trx: Trx, orgId: string, nodes: StoredNode[]): Promise<void> {
  if (nodes.length === 0) return;
  const rows = nodes.map((n) => ({ level: n.level, idx: n.idx, hash: n.hash.toString('hex') }));
  await sql`
    INSERT INTO ledger_nodes (org_id, level, idx, hash)
    SELECT ${orgId}::uuid, u.level, u.idx, decode(u.hash, 'hex')
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS u(level smallint, idx bigint, hash text)`.execute(trx);
}

/**
 * Take the org's ledger lock for the rest of the transaction (one sequencer per org) and return the tree size:
 * one statement, which creates the head on first use and locks it. Callers that must decide something against
 * the log before appending lock first.
 */
export async function lockLedger(trx: Trx, orgId: string): Promise<number> {
  const head = await sql<{ tree_size: string }>`
    INSERT INTO ledger_heads AS h (org_id) VALUES (${orgId}) ON CONFLICT (org_id) DO UPDATE SET updated_at = h.updated_at
    RETURNING h.tree_size`.execute(trx);
  return Number(head.rows[0]!.tree_size);
}

export async function treeSize(trx: Trx, orgId: string): Promise<number> {
  const r = await sql<{ tree_size: string }>`SELECT tree_size FROM ledger_heads WHERE org_id = ${orgId}`.execute(trx);
  return Number(r.rows[0]?.tree_size ?? 0);
}

/** Stored hashes for some subtrees: nodes of level >= 6 as stored, smaller ones computed from their tile. */
interface StoredTree {
  lookup(level: number, index: number): Buffer;
  /** The leaf hashes of tile t as stored, if it was read. */
  tile(t: number): Buffer | undefined;
}

/**
 * Read what the given subtrees need, in one query: their stored nodes and the tiles of the small ones (the last
 * tile holds fewer than 64 leaves while the tree grows; a subtree it does not complete is an error).
 */
async function readStored(trx: Trx, orgId: string, refs: readonly SubtreeRef[]): Promise<StoredTree> {
  const big = refs.filter((r) => r.level >= TILE_LEVEL);
  const tileIds = [...new Set(refs.filter((r) => r.level < TILE_LEVEL).map((r) => tileOf(r.level, r.index)))];
  const nodes = new Map<string, Buffer>();
  const tiles = new Map<number, Buffer>();
  if (big.length || tileIds.length) {
    // Hashes as hex text: PGlite decodes a bytea result byte by byte in JavaScript (2.6 ms for one tile), while
    // Buffer.from(hex) is native.
    // One statement text whatever the subtrees, so its plan is cached (src/store/pg-prepared.ts): a literal list of
    // (level, idx) pairs was planned anew each time (0.8 ms). The pairs are joined from two arrays, one index probe
    // each: `level = ANY(…) AND idx = ANY(…)` probed every level with every index, 17 × 16 for one proof at 10M
    // entries (0.97 ms against 0.31 ms, scratch measurement on PostgreSQL 15).
    const rows = await sql<{ level: number; idx: string; hash: string }>`
      SELECT -1 AS level, tile AS idx, encode(hashes, 'hex') AS hash FROM ledger_leaf_tiles WHERE org_id = ${orgId} AND tile = ANY(${tileIds}::bigint[])
      UNION ALL
      SELECT n.level, n.idx, encode(n.hash, 'hex') FROM unnest(${big.map((r) => r.level)}::smallint[], ${big.map((r) => r.index)}::bigint[]) AS w(level, idx)
      JOIN ledger_nodes n ON n.org_id = ${orgId} AND n.level = w.level AND n.idx = w.idx`.execute(trx);
    for (const r of rows.rows) {
      if (Number(r.level) === -1) tiles.set(Number(r.idx), Buffer.from(r.hash, 'hex'));
      else nodes.set(`${r.level}/${r.idx}`, Buffer.from(r.hash, 'hex'));
    }
  }
  const levels = new Map<number, Buffer[][]>(); // tile → its complete subtrees by level, computed once
  return {
    tile: (t) => tiles.get(t),
    lookup(level, index) {
      if (level >= TILE_LEVEL) {
        const stored = nodes.get(`${level}/${index}`);
        if (!stored) throw new Error(`ledger node ${level}/${index} of org ${orgId} is missing`);
        return stored;
      }
      const t = tileOf(level, index);
      let computed = levels.get(t);
      if (!computed) {
        const bytes = tiles.get(t);
        if (!bytes) throw new Error(`ledger tile ${t} of org ${orgId} is missing`);
        computed = tileLevels(bytes, Math.floor(bytes.length / HASH_SIZE));
        levels.set(t, computed);
      }
      const hashOf = computed[level]?.[index - t * (TILE_WIDTH >> level)];
      if (!hashOf) throw new Error(`ledger subtree ${level}/${index} of org ${orgId} is not complete`);
      return hashOf;
    },
  };
}

/** Every complete subtree within a tile's first `leaves` hashes, by level (level 0: the leaves). */
function tileLevels(bytes: Buffer, leaves: number): Buffer[][] {
  const out: Buffer[][] = [[]];
  for (let i = 0; i < leaves; i++) out[0]!.push(bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  for (let level = 1; level < TILE_LEVEL; level++) {
    const below = out[level - 1]!;
    const here: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) here.push(nodeHash(below[i]!, below[i + 1]!));
    out.push(here);
  }
  return out;
}

/** Hashes of the given ranges from stored tiles and nodes: one query, O(log n) nodes and at most a few tiles. */
export async function rangeHashes(trx: Trx, orgId: string, ranges: LeafRange[]): Promise<Buffer[]> {
  const refs = ranges.flatMap((r) => (r[1] > r[0] ? subtreesOf(r) : []));
  const stored = await readStored(trx, orgId, refs);
  return ranges.map((r) => (r[1] > r[0] ? rangeHash(r, (level, index) => stored.lookup(level, index)) : EMPTY_ROOT));
}

/** The root of the org's tree at a size (any size up to the current one). */
export async function rootAt(trx: Trx, orgId: string, size: number): Promise<Buffer> {
  return (await rangeHashes(trx, orgId, [[0, size]]))[0]!;
}
