-- Cheaper appends (bench:ledger): every ingested event used to write a leaf row and about one interior-node row
-- into ledger_nodes besides its entry, and to maintain two indexes meant for changes.
--
-- 1. Leaf hashes move into tiles: row t of ledger_leaf_tiles holds the leaf hashes of entries [64t, 64t + 64)
--    back to back (32 bytes each, 2 KiB, kept inline: STORAGE PLAIN). A batch of 5,000 events writes about 80 tile
--    rows instead of 5,000 leaf rows.
--    The tiles carry no tenant_id: like the nodes, they are readable in a tenant-viewer's context, so a viewer's
--    proof can be built from hashes of other tenants' (salted) entries without seeing those entries.
-- 2. ledger_nodes keeps only complete subtrees of 64 leaves or more (level >= 6). Smaller subtrees are computed
--    from one tile: at most 63 hashes, in memory, when a proof or an append needs them.
-- 3. The indexes by recording time serve changes only (events have their own by occurrence time), so they
--    become partial and ingestion no longer maintains them.
CREATE TABLE ledger_leaf_tiles (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  tile bigint NOT NULL CHECK (tile >= 0),
  hashes bytea NOT NULL CHECK (length(hashes) BETWEEN 32 AND 2048 AND length(hashes) % 32 = 0),
  PRIMARY KEY (org_id, tile)
);
ALTER TABLE ledger_leaf_tiles ALTER COLUMN hashes SET STORAGE PLAIN;

INSERT INTO ledger_leaf_tiles (org_id, tile, hashes)
SELECT org_id, idx / 64, string_agg(hash, ''::bytea ORDER BY idx)
FROM ledger_nodes WHERE level = 0
GROUP BY org_id, idx / 64;

DELETE FROM ledger_nodes WHERE level < 6;
ALTER TABLE ledger_nodes ADD CONSTRAINT ledger_nodes_tiles_below CHECK (level >= 6);

DROP INDEX ledger_entries_recent;
DROP INDEX ledger_entries_tenant;
CREATE INDEX ledger_entries_changes_recent ON ledger_entries (org_id, at DESC) WHERE kind = 'change';
CREATE INDEX ledger_entries_changes_by_tenant ON ledger_entries (org_id, tenant_id, at DESC) WHERE kind = 'change';
