import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { canonicalJson } from './canonical-json.js';
import { EMPTY_ROOT, leafHash, nodeHash, rangeHash, subtreesOf, type LeafRange, type SubtreeRef } from './merkle.js';

type Trx = Transaction<any>;

/** What one ledger entry records; its canonical JSON (with index, org and time) is what the leaf commits to. */
export interface LedgerEntryInput {
  kind: 'change' | 'event';
  at: string;
  tenantId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  actor: string;
  summary: string;
  /** Everything else worth proving (digests before/after, request id, source IP, event details). */
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

/** The canonical JSON of an entry at a position in an org's log. */
export function entryPayload(orgId: string, index: number, entry: LedgerEntryInput): string {
  return canonicalJson({
    v: 1, org: orgId, index, at: entry.at, tenant: entry.tenantId, kind: entry.kind, action: entry.action,
    objectType: entry.objectType, objectId: entry.objectId, actor: entry.actor, summary: entry.summary, details: entry.details,
  });
}

/**
 * An entry's canonical JSON split around its index: everything but the index is known before the ledger lock is
 * taken, so ingestion builds these outside it and only joins them under the lock. `head + index + tail` is exactly
 * `entryPayload(orgId, index, entry)` (the keys in code-unit order; tested in tree-store.test.ts).
 */
export interface PayloadParts { head: string; tail: string }

export function payloadParts(orgId: string, entry: LedgerEntryInput): PayloadParts {
  const s = JSON.stringify;
  return {
    head: `{"action":${s(entry.action)},"actor":${s(entry.actor)},"at":${s(entry.at)},"details":${canonicalJson(entry.details)},"index":`,
    tail: `,"kind":${s(entry.kind)},"objectId":${s(entry.objectId)},"objectType":${s(entry.objectType)},"org":${s(orgId)},`
      + `"summary":${s(entry.summary)},"tenant":${entry.tenantId === null ? 'null' : s(entry.tenantId)},"v":1}`,
  };
}

/** The complete subtrees covering leaves [0, size): the right edge an append builds on. */
function frontier(size: number): SubtreeRef[] {
  return size === 0 ? [] : subtreesOf([0, size]);
}

async function readNodes(trx: Trx, orgId: string, refs: SubtreeRef[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (refs.length === 0) return found;
  const keys = refs.map((r) => sql`(${r.level}::smallint, ${r.index}::bigint)`);
  const rows = await sql<{ level: number; idx: string; hash: Uint8Array }>`
    SELECT level, idx, hash FROM ledger_nodes
    WHERE org_id = ${orgId} AND (level, idx) IN (${sql.join(keys)})`.execute(trx);
  for (const r of rows.rows) found.set(`${r.level}/${r.idx}`, Buffer.from(r.hash));
  return found;
}

/**
 * Append entries to the org's log inside the caller's transaction, so a change and its entry commit or
 * roll back together. The head row is locked: one sequencer per org, appends never interleave.
 * `prepared` (from {@link payloadParts}, one per entry) saves building the canonical JSON while the lock is held.
 * Returns the index of the first entry and the new tree size.
 */
export async function appendEntries(
  trx: Trx, orgId: string, entries: LedgerEntryInput[], prepared?: readonly PayloadParts[],
): Promise<{ first: number; size: number }> {
  if (prepared && prepared.length !== entries.length) throw new Error('appendEntries: one set of payload parts per entry');
  const first = await lockLedger(trx, orgId);
  if (entries.length === 0) return { first, size: first };
  // Known complete subtrees: the existing right edge, then every node this batch completes.
  const nodes = await readNodes(trx, orgId, frontier(first));
  const created: Array<{ level: number; index: number; hash: Buffer }> = [];
  const rows: EntryRow[] = [];
  // One call to the random source for the whole batch: 16 bytes of salt per entry.
  const salts = randomBytes(16 * entries.length);
  entries.forEach((entry, offset) => {
    const index = first + offset;
    const parts = prepared?.[offset];
    const payload = parts ? parts.head + index + parts.tail : entryPayload(orgId, index, entry);
    const salt = salts.subarray(16 * offset, 16 * offset + 16);
    let hash = leafHash(leafBytes(payload, salt));
    rows.push(entryRow(index, entry, payload, salt));
    nodes.set(`0/${index}`, hash);
    created.push({ level: 0, index, hash });
    // Leaf `index` completes a subtree at every level where index + 1 is a multiple of 2^level.
    let level = 0;
    let position = index;
    while (position % 2 === 1) {
      const left = nodes.get(`${level}/${position - 1}`);
      if (!left) throw new Error(`ledger node ${level}/${position - 1} of org ${orgId} is missing`);
      hash = nodeHash(left, hash);
      level += 1;
      position = (position - 1) / 2;
      nodes.set(`${level}/${position}`, hash);
      created.push({ level, index: position, hash });
    }
  });
  await insertEntries(trx, orgId, rows);
  await insertNodes(trx, orgId, created);
  const size = first + entries.length;
  await sql`UPDATE ledger_heads SET tree_size = ${size}, updated_at = now() WHERE org_id = ${orgId}`.execute(trx);
  return { first, size };
}

/** One ledger_entries row as it travels to the database: a JSON object whose keys are the column names. */
interface EntryRow {
  idx: number; at: string; tenant_id: string | null; kind: string; action: string; object_type: string; object_id: string;
  actor: string; summary: string; payload: string; salt: string;
  occurred_at: string | null; source: string | null; source_event_id: string | null; system_id: string | null;
  actor_internal: boolean | null; outcome: string | null;
}

function entryRow(index: number, entry: LedgerEntryInput, payload: string, salt: Uint8Array): EntryRow {
  const e = entry.event;
  return {
    idx: index, at: entry.at, tenant_id: entry.tenantId, kind: entry.kind, action: entry.action, object_type: entry.objectType,
    object_id: entry.objectId, actor: entry.actor, summary: entry.summary, payload,
    salt: Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).toString('hex'),
    occurred_at: e?.occurredAt ?? null, source: e?.source ?? null, source_event_id: e?.sourceEventId ?? null,
    system_id: e?.systemId ?? null, actor_internal: e ? e.actorInternal : null, outcome: e?.outcome ?? null,
  };
}

/**
 * One INSERT … SELECT FROM json_to_recordset($1) per append, whatever its size: the rows go as ONE JSON text
 * (built by the engine's native JSON.stringify, parsed by the database in C) instead of multi-row VALUES with
 * 18 parameters a row, whose building, escaping and parsing cost more than the rows themselves (bench:ledger).
 * Salts go as hex and are decoded by the database.
 */
async function insertEntries(trx: Trx, orgId: string, rows: EntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO ledger_entries (org_id, idx, at, tenant_id, kind, action, object_type, object_id, actor, summary, payload, salt,
                                occurred_at, source, source_event_id, system_id, actor_internal, outcome)
    SELECT ${orgId}::uuid, u.idx, u.at, u.tenant_id, u.kind, u.action, u.object_type, u.object_id, u.actor, u.summary, u.payload,
           decode(u.salt, 'hex'), u.occurred_at, u.source, u.source_event_id, u.system_id, u.actor_internal, u.outcome
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS u(idx bigint, at timestamptz, tenant_id uuid, kind text, action text, object_type text, object_id text, actor text,
           summary text, payload text, salt text, occurred_at timestamptz, source text, source_event_id text, system_id uuid,
           actor_internal boolean, outcome text)`.execute(trx);
}

/** The complete subtrees an append created, in one statement (as JSON; hashes as hex, decoded by the database). */
async function insertNodes(trx: Trx, orgId: string, created: Array<{ level: number; index: number; hash: Buffer }>): Promise<void> {
  if (created.length === 0) return;
  const rows = created.map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') }));
  await sql`
    INSERT INTO ledger_nodes (org_id, level, idx, hash)
    SELECT ${orgId}::uuid, u.level, u.idx, decode(u.hash, 'hex')
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS u(level smallint, idx bigint, hash text)`.execute(trx);
}

/**
 * Take the org's ledger lock for the rest of the transaction (one sequencer per org) and return the tree size.
 * Callers that must decide something against the log before appending (deduplication) lock first.
 */
export async function lockLedger(trx: Trx, orgId: string): Promise<number> {
  await sql`INSERT INTO ledger_heads (org_id) VALUES (${orgId}) ON CONFLICT (org_id) DO NOTHING`.execute(trx);
  const head = await sql<{ tree_size: string }>`SELECT tree_size FROM ledger_heads WHERE org_id = ${orgId} FOR UPDATE`.execute(trx);
  return Number(head.rows[0]!.tree_size);
}

export async function treeSize(trx: Trx, orgId: string): Promise<number> {
  const r = await sql<{ tree_size: string }>`SELECT tree_size FROM ledger_heads WHERE org_id = ${orgId}`.execute(trx);
  return Number(r.rows[0]?.tree_size ?? 0);
}

/** Hashes of the given ranges from stored complete subtrees: one query, O(log n) rows per range. */
export async function rangeHashes(trx: Trx, orgId: string, ranges: LeafRange[]): Promise<Buffer[]> {
  const refs = ranges.flatMap((r) => (r[1] > r[0] ? subtreesOf(r) : []));
  const nodes = await readNodes(trx, orgId, refs);
  const lookup = (level: number, index: number) => {
    const hash = nodes.get(`${level}/${index}`);
    if (!hash) throw new Error(`ledger node ${level}/${index} of org ${orgId} is missing`);
    return hash;
  };
  return ranges.map((r) => (r[1] > r[0] ? rangeHash(r, lookup) : EMPTY_ROOT));
}

/** The root of the org's tree at a size (any size up to the current one). */
export async function rootAt(trx: Trx, orgId: string, size: number): Promise<Buffer> {
  return (await rangeHashes(trx, orgId, [[0, size]]))[0]!;
}
