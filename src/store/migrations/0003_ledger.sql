-- The ledger: one append-only RFC 9162 Merkle tree per organization.
-- ledger_entries holds what happened (the exact canonical JSON and its salt, both removable by retention);
-- ledger_nodes holds every complete subtree hash (level 0 = leaf hashes), so any root or proof needs
-- O(log n) reads and leaf hashes outlive the payloads they were made from.

CREATE TABLE ledger_heads (
  org_id uuid PRIMARY KEY REFERENCES orgs (org_id) ON DELETE CASCADE,
  tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_entries (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  idx bigint NOT NULL CHECK (idx >= 0),
  at timestamptz NOT NULL,
  tenant_id uuid,
  kind text NOT NULL CHECK (kind IN ('change', 'event')),
  action text NOT NULL,
  object_type text NOT NULL DEFAULT '',
  object_id text NOT NULL DEFAULT '',
  actor text NOT NULL DEFAULT '',
  summary text NOT NULL DEFAULT '',
  -- exact bytes hashed into the leaf: canonical JSON (text, not jsonb, which would reorder it)
  payload text,
  salt bytea,
  expired_at timestamptz,
  PRIMARY KEY (org_id, idx),
  CONSTRAINT ledger_entries_payload_or_expired CHECK ((payload IS NULL AND salt IS NULL) = (expired_at IS NOT NULL))
);
CREATE INDEX ledger_entries_recent ON ledger_entries (org_id, at DESC);
CREATE INDEX ledger_entries_tenant ON ledger_entries (org_id, tenant_id, at DESC);

CREATE TABLE ledger_nodes (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  level smallint NOT NULL CHECK (level >= 0 AND level < 63),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (org_id, level, idx)
);

-- Each org's signing key; the private key is encrypted under the server's master key (AES-256-GCM).
CREATE TABLE org_signing_keys (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  key_id uuid NOT NULL,
  algorithm text NOT NULL DEFAULT 'ed25519' CHECK (algorithm = 'ed25519'),
  public_key bytea NOT NULL,
  private_key_encrypted bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  PRIMARY KEY (org_id, key_id)
);

-- Signed tree heads.
CREATE TABLE ledger_checkpoints (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  tree_size bigint NOT NULL CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  signed_at timestamptz NOT NULL,
  key_id uuid NOT NULL,
  signature bytea NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, key_id) REFERENCES org_signing_keys (org_id, key_id)
);
CREATE INDEX ledger_checkpoints_latest ON ledger_checkpoints (org_id, tree_size DESC, signed_at DESC);
