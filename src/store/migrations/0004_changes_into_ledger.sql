-- The audit trail moves into the ledger: every mutation appends a ledger entry (kind 'change') in its own
-- transaction, so the separate, unprotected `changes` table has no job left.
DROP TABLE changes;
