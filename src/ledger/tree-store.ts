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
 * Returns the index of the first entry and the new tree size.
 */
export async function appendEntries(trx: Trx, orgId: string, entries: LedgerEntryInput[]): Promise<{ first: number; size: number }> {
  const first = await lockLedger(trx, orgId);
  if (entries.length === 0) return { first, size: first };
  // Known complete subtrees: the existing right edge, then every node this batch completes.
  const nodes = await readNodes(trx, orgId, frontier(first));
  const created: Array<{ level: number; index: number; hash: Buffer }> = [];
  const rows: Record<string, unknown>[] = [];
  entries.forEach((entry, offset) => {
    const index = first + offset;
    const payload = entryPayload(orgId, index, entry);
    const salt = randomBytes(16);
    let hash = leafHash(leafBytes(payload, salt));
    rows.push({
      org_id: orgId, idx: index, at: entry.at, tenant_id: entry.tenantId, kind: entry.kind, action: entry.action,
      object_type: entry.objectType, object_id: entry.objectId, actor: entry.actor, summary: entry.summary, payload, salt,
      ...(entry.event ? {
        occurred_at: entry.event.occurredAt, source: entry.event.source, source_event_id: entry.event.sourceEventId,
        system_id: entry.event.systemId, actor_internal: entry.event.actorInternal, outcome: entry.event.outcome,
      } : {}),
    });
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
  for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('ledger_entries').values(rows.slice(i, i + 1000)).execute();
  const nodeRows = created.map((n) => ({ org_id: orgId, level: n.level, idx: n.index, hash: n.hash }));
  for (let i = 0; i < nodeRows.length; i += 2000) await trx.insertInto('ledger_nodes').values(nodeRows.slice(i, i + 2000)).execute();
  const size = first + entries.length;
  await sql`UPDATE ledger_heads SET tree_size = ${size}, updated_at = now() WHERE org_id = ${orgId}`.execute(trx);
  return { first, size };
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
