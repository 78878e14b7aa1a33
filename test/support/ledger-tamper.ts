/**
 * SQL that rewrites stored ledger hashes behind the application's back (run as the database owner), for the
 * tests that prove verify, signing and proofs notice. Leaf hashes live in tiles of 64 (migration 0017).
 */
const TILE_WIDTH = 64;

/** Replace the stored leaf hash of entry `index` with another hash. */
export function forgeLeafHashSql(orgId: string, index: number): string {
  return `UPDATE ledger_leaf_tiles SET hashes = overlay(hashes placing sha256('forged'::bytea) from ${(index % TILE_WIDTH) * 32 + 1} for 32)
    WHERE org_id = '${orgId}' AND tile = ${Math.floor(index / TILE_WIDTH)}`;
}

/** Replace a stored subtree of 64 leaves or more. */
export function forgeNodeSql(orgId: string, level: number, index: number): string {
  return `UPDATE ledger_nodes SET hash = sha256('forged'::bytea) WHERE org_id = '${orgId}' AND level = ${level} AND idx = ${index}`;
}

/** The stored leaf hash of entry `index`, as a bytea expression. */
export function leafHashSql(orgId: string, index: number): string {
  return `(SELECT substring(hashes from ${(index % TILE_WIDTH) * 32 + 1} for 32) FROM ledger_leaf_tiles
    WHERE org_id = '${orgId}' AND tile = ${Math.floor(index / TILE_WIDTH)})`;
}
