import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Timestamp, Uuid } from './common.js';

/** Where a catalog comes from: shipped with tenantproof (catalogs/*.yaml) or added by the organization. */
export const CatalogSource = StringEnum(['shipped', 'organization'] as const);

/** One catalog in the list: the four shipped ones and the organization's own frameworks. */
export const CatalogSummary = Type.Object({
  /** The framework id used in URLs ('iso27001-2022', 'gdpr', 'acme-cloud-baseline'). */
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  source: CatalogSource,
  controlCount: Type.Integer(),
  provenance: Type.String(),
  /** The stored framework's id (DELETE /api/frameworks/{frameworkId}); organization frameworks only. */
  frameworkId: Type.Optional(Uuid),
  createdAt: Type.Optional(Timestamp),
  createdBy: Type.Optional(Type.String()),
}, { additionalProperties: false });
export type CatalogSummary = Static<typeof CatalogSummary>;

/** One GDPR link of an Annex A control, from our mapping. */
export const GdprLinkView = Type.Object({
  /** '32(1)(b)'. */
  gdpr: Type.String(),
  article: Type.Integer(),
  articleTitle: Type.String(),
  reason: Type.String(),
}, { additionalProperties: false });
export type GdprLinkView = Static<typeof GdprLinkView>;

/** A control (or a GDPR article, or a clause) as a catalog lists it. */
export const CatalogControlView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  /** Theme, objective or chapter id; see the catalog's groups. */
  group: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  /** Annex A controls only: the GDPR articles and principles the control supports (our mapping). */
  gdpr: Type.Optional(Type.Array(GdprLinkView)),
}, { additionalProperties: false });
export type CatalogControlView = Static<typeof CatalogControlView>;

/** One catalog with every control (never paginated: the largest shipped one has 99 entries, an organization's at most 2,000). */
export const CatalogDetail = Type.Object({
  ...CatalogSummary.properties,
  note: Type.Optional(Type.String()),
  groups: Type.Array(Type.Object({ id: Type.String(), title: Type.String() }, { additionalProperties: false })),
  controls: Type.Array(CatalogControlView),
  /** ISO/IEC 27001:2022 only: clauses 4–10. */
  clauses: Type.Optional(Type.Array(Type.Object({ id: Type.String(), title: Type.String(), parent: Type.Optional(Type.String()), level: Type.Integer() }, { additionalProperties: false }))),
}, { additionalProperties: false });
export type CatalogDetail = Static<typeof CatalogDetail>;

/** One Annex A control with its GDPR links. */
export const AnnexAControlDetail = Type.Object({
  id: Type.String(),
  /** 'A.5.15'. */
  ref: Type.String(),
  title: Type.String(),
  theme: StringEnum(['organizational', 'people', 'physical', 'technological'] as const),
  framework: Type.String(),
  gdpr: Type.Array(GdprLinkView),
}, { additionalProperties: false });
export type AnnexAControlDetail = Static<typeof AnnexAControlDetail>;

/**
 * POST /api/frameworks: the framework as YAML text (`yaml`), or as JSON in the same format (`framework`, `groups`,
 * `controls`, `note`). The content is checked by the framework format (src/catalog/format.ts), which names the line
 * (YAML) and the field of every problem, so the schema here only says which keys exist.
 */
export const FrameworkInput = Type.Object({
  yaml: Type.Optional(Type.String({ minLength: 1, maxLength: 2 * 1024 * 1024, description: 'The framework in the tenantproof framework format, as YAML text.' })),
  framework: Type.Optional(Type.Unknown({ description: 'JSON form: id, name, version, provenance.' })),
  groups: Type.Optional(Type.Unknown({ description: 'JSON form: [{ id, title }].' })),
  controls: Type.Optional(Type.Unknown({ description: 'JSON form: [{ id, title, group?, description? }].' })),
  note: Type.Optional(Type.Unknown({ description: 'JSON form: a free note.' })),
}, { additionalProperties: false });
export type FrameworkInput = Static<typeof FrameworkInput>;
