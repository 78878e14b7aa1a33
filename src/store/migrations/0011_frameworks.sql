-- An organization's own frameworks and control sets (issue 6, part 1): added from a YAML file in the tenantproof
-- framework format (src/catalog/format.ts), listed beside the shipped catalogs (ISO/IEC 27001:2022 Annex A, GDPR,
-- ISO/IEC 27017, 27701), which live in catalogs/*.yaml and never in the database.
--
-- A framework is written whole and never edited: add it, or delete it and add the new version. Its controls keep
-- their order (position) and their ids are unique within it, which the primary key enforces again after the
-- loader's check that names the line of a duplicate.

CREATE TABLE org_frameworks (
  org_id uuid NOT NULL REFERENCES orgs (org_id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- The framework id written in the file ('acme-cloud-baseline'); the shipped catalogs' ids are reserved.
  framework_key text NOT NULL CHECK (framework_key ~ '^[a-z0-9][a-z0-9-]{0,62}$'
    AND framework_key NOT IN ('iso27001-2022', 'gdpr', 'iso27017-2015', 'iso27701-2019')),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  version text NOT NULL CHECK (length(btrim(version)) BETWEEN 1 AND 50),
  provenance text NOT NULL CHECK (length(btrim(provenance)) BETWEEN 1 AND 4000),
  note text NOT NULL DEFAULT '',
  -- [{ "id": ..., "title": ... }] in the file's order.
  groups jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(groups) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  PRIMARY KEY (org_id, id),
  CONSTRAINT org_frameworks_key UNIQUE (org_id, framework_key)
);

CREATE TABLE org_framework_controls (
  org_id uuid NOT NULL,
  framework_id uuid NOT NULL,
  control_id text NOT NULL CHECK (control_id ~ '^[A-Za-z0-9][A-Za-z0-9._()-]{0,63}$'),
  position integer NOT NULL CHECK (position >= 0),
  title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 500),
  group_id text,
  description text,
  PRIMARY KEY (org_id, framework_id, control_id),
  CONSTRAINT org_framework_controls_position UNIQUE (org_id, framework_id, position),
  FOREIGN KEY (org_id, framework_id) REFERENCES org_frameworks (org_id, id) ON DELETE CASCADE
);
