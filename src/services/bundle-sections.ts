import type { TSchema } from '@sinclair/typebox';
import type { Transaction } from 'kysely';
import type { Actor } from '../access/actor.js';
import type { Subject } from '../access/permissions.js';
import { BUNDLE_SECTION_SCHEMAS } from '../model/bundle-sections.js';
import { FRAMEWORKS_SECTION } from './frameworks.js';
import { raciSection } from './raci.js';
import { riskAcceptanceSection, riskMethodSection } from './risk.js';
import { soaDecisionsSection } from './soa.js';

type Obj = Record<string, unknown>;

/** How one section's items came out of an apply. */
export interface SectionApplyResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Items touched, in the order applied, with a stable key each (a slug, a control id, "service/activity"). */
  objects: Array<{ key: string; outcome: 'created' | 'updated' | 'unchanged'; changed?: string[] }>;
}

/**
 * A part of the ISMS-as-code bundle that is not a generic resource (src/model/index.ts RESOURCES are exported and
 * applied by services/bundle.ts on their own): SoA applicability decisions, an organization's own frameworks, the
 * risk method, RACI matrices... Each lives in the file of its area and is listed in BUNDLE_SECTIONS.
 *
 * Rules every section keeps:
 * - `export` is deterministic (sorted by key) and refers to other objects by slug (or catalog id), never by id.
 * - `apply` upserts by key inside the caller's transaction, writes a ledger entry (recordChange) per change,
 *   leaves items absent from the bundle untouched, and throws an AppError whose `field` is the item's path inside
 *   the section (`<index>.<field>`, e.g. `3.justification`) so the bundle error can name file, line and field.
 * - Sections are applied after every generic resource, in the order of BUNDLE_SECTIONS, so they may reference
 *   services, tenants, systems, vendors, controls and the objects of sections before them.
 */
export interface BundleSection {
  /** Top-level key in the bundle document. */
  key: string;
  /** JSON Schema of one item (bundles are validated with it before anything is written). */
  item: TSchema;
  /** Subjects the actor needs: read for export, update for apply. */
  subject: Subject;
  export(trx: Transaction<any>, actor: Actor): Promise<Obj[]>;
  apply(trx: Transaction<any>, actor: Actor, items: Obj[], resolveSlug: (resource: string, slug: string) => string | undefined): Promise<SectionApplyResult>;
}

/** Every non-generic bundle section, in apply order. Add yours here (one line) and nowhere else. */
export const BUNDLE_SECTIONS: BundleSection[] = [
  FRAMEWORKS_SECTION,
  soaDecisionsSection,
  raciSection,
  riskMethodSection,
  riskAcceptanceSection,
];

// The pure list the offline readers check bundles with (model/bundle-sections.ts) must be this one: same keys, same
// order, the very same item schemas. A difference is a programming error, refused at start-up.
const described = BUNDLE_SECTIONS.map((s) => s.key).join(', ');
const pure = BUNDLE_SECTION_SCHEMAS.map((s) => s.key).join(', ');
if (described !== pure || BUNDLE_SECTIONS.some((s, i) => s.item !== BUNDLE_SECTION_SCHEMAS[i]!.item)) {
  throw new Error(`bundle sections differ: services/bundle-sections.ts has [${described}], model/bundle-sections.ts has [${pure}]`);
}
