import { Type, type Static } from '@sinclair/typebox';
import { SetOf, StringEnum, Text, Timestamp, Uuid } from './common.js';
import { ControlId, IMPLEMENTATION_LAYERS, IMPLEMENTATION_STATUSES, type ImplementationLayer, type ImplementationStatus } from './control-implementation.js';
import { TENANT_TIERS, type TenantTier } from './tenant.js';

/**
 * The Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d), computed. Pure: the catalog, the
 * applicability decisions, the implementations and the tenants go in; rows come out. The same functions serve the
 * API, the exports, the approval snapshot and the benchmark. Per-tenant views are built from an index of the
 * overlays made once (by tier, tenant and service), so 5,000 tenants cost 5,000 cheap merges, not 5,000 scans.
 */

export const SOA_REASONS = ['risk-assessment', 'legal', 'contractual', 'business', 'best-practice'] as const;
export type SoaReason = (typeof SOA_REASONS)[number];
export const ANNEX_A_THEMES = ['organizational', 'people', 'physical', 'technological'] as const;

/** Body of PUT /api/soa/decisions/{controlId}. */
export const SoaDecisionInput = Type.Object(
  {
    applicable: Type.Boolean({ description: 'Whether the control applies to the ISMS.' }),
    reasons: Type.Optional(SetOf(StringEnum(SOA_REASONS), 5, 'Why it is (or is not) applicable.')),
    justification: Type.Optional(Text(4000, 'The justification in words; required when the control is not applicable.')),
  },
  { additionalProperties: false },
);
export type SoaDecisionInput = Static<typeof SoaDecisionInput>;

/** One decision as the bundle carries it (section `soaDecisions`, keyed by control id). */
export const SoaDecisionItem = Type.Object(
  { control: ControlId, ...SoaDecisionInput.properties },
  { additionalProperties: false },
);
export type SoaDecisionItem = Static<typeof SoaDecisionItem>;

/** A stored decision. */
export interface SoaDecision {
  controlId: string;
  applicable: boolean;
  reasons: SoaReason[];
  justification: string;
  decidedBy: string;
  decidedAt: string;
}

/** The catalog entries the SoA lists (src/catalog annexAControls()). */
export interface SoaCatalogControl { id: string; title: string; theme: string }
/** A GDPR provision a control supports (src/catalog gdprLinksOf()). */
export interface SoaGdprLink { gdpr: string; reason: string }

/** An implementation as the computation needs it (a ControlImplementation has these fields and more). */
export interface SoaImplementationInput {
  id: string;
  slug: string;
  name: string;
  controlId: string;
  layer: ImplementationLayer;
  status: ImplementationStatus;
  owner: string;
  overrides: boolean;
  targetTiers: readonly string[];
  targetTenantIds: readonly string[];
  targetServiceIds: readonly string[];
  systemIds: readonly string[];
}

/** A tenant as the per-tenant view needs it. */
export interface SoaTenant { id: string; slug: string; name: string; tier: string; serviceIds: readonly string[] }

/** A system as far as it decides which tenants an overlay on it reaches. */
export interface SoaSystem { id: string; tenancy: string; tenantIds: readonly string[]; serviceIds: readonly string[] }

const STATUS_RANK: Record<ImplementationStatus, number> = { 'not-applicable': 0, planned: 1, implemented: 2, operating: 3 };

/** The most mature status among implementations, or null when there are none. */
export function bestStatus(impls: ReadonlyArray<{ status: ImplementationStatus }>): ImplementationStatus | null {
  let best: ImplementationStatus | null = null;
  for (const i of impls) if (best === null || STATUS_RANK[i.status] > STATUS_RANK[best]) best = i.status;
  return best;
}

/** An implementation in the organization-wide SoA: with its targets (this view is for the provider's own people). */
export const SoaImplementationRef = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  layer: StringEnum(IMPLEMENTATION_LAYERS),
  status: StringEnum(IMPLEMENTATION_STATUSES),
  owner: Type.String(),
  overrides: Type.Boolean(),
  targetTiers: Type.Array(Type.String()),
  targetTenantIds: Type.Array(Uuid),
  targetServiceIds: Type.Array(Uuid),
  systemIds: Type.Array(Uuid),
}, { additionalProperties: false });
export type SoaImplementationRef = Static<typeof SoaImplementationRef>;

const GdprLinkSchema = Type.Object({ gdpr: Type.String(), reason: Type.String() }, { additionalProperties: false });

const DecisionFields = {
  controlId: Type.String(),
  title: Type.String(),
  theme: Type.String(),
  /** False until someone decided; applicable is then null. */
  decided: Type.Boolean(),
  applicable: Type.Union([Type.Boolean(), Type.Null()]),
  reasons: Type.Array(Type.String()),
  justification: Type.String(),
  /** The most mature status among the implementations that count; null: none. */
  status: Type.Union([StringEnum(IMPLEMENTATION_STATUSES), Type.Null()]),
  gdpr: Type.Array(GdprLinkSchema),
};

/** One row of the organization-wide SoA. */
export const SoaRow = Type.Object({
  ...DecisionFields,
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  implementations: Type.Array(SoaImplementationRef),
  /** Control exceptions recorded against the control (0 when exceptions are not recorded at all). */
  exceptions: Type.Integer(),
}, { additionalProperties: false });
export type SoaRow = Static<typeof SoaRow>;

/** How an implementation reaches a tenant: every tenant (common), its tier, the tenant itself, a service it uses, a system serving it. */
export const SOA_VIA = ['common', 'tier', 'tenant', 'service', 'system'] as const;
export type SoaVia = (typeof SOA_VIA)[number];

/**
 * An implementation in a tenant's (or tier's) view: no targets, so that a tenant never learns which other tenants an
 * overlay serves; only how it reaches this tenant.
 */
export const SoaTenantImplementation = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  layer: StringEnum(IMPLEMENTATION_LAYERS),
  status: StringEnum(IMPLEMENTATION_STATUSES),
  owner: Type.String(),
  /** Replaces the common implementation for this tenant. */
  override: Type.Boolean(),
  via: Type.Array(StringEnum(SOA_VIA)),
}, { additionalProperties: false });
export type SoaTenantImplementation = Static<typeof SoaTenantImplementation>;

/** One row of a tenant's or a tier's SoA. */
export const SoaTenantRow = Type.Object({
  ...DecisionFields,
  implementations: Type.Array(SoaTenantImplementation),
  /** Common implementations an override replaces for this tenant, by name. */
  replaced: Type.Array(Type.String()),
}, { additionalProperties: false });
export type SoaTenantRow = Static<typeof SoaTenantRow>;

/** Counts over the rows: what the dashboard tile and a version's header show. */
export const SoaSummary = Type.Object({
  controls: Type.Integer(),
  applicable: Type.Integer(),
  notApplicable: Type.Integer(),
  undecided: Type.Integer(),
  /** Applicable controls with an implemented or operating implementation. */
  implemented: Type.Integer(),
  /** implemented ÷ applicable, 0..1 (0 when nothing is applicable). */
  coverage: Type.Number(),
}, { additionalProperties: false });
export type SoaSummary = Static<typeof SoaSummary>;

export function summarize(rows: ReadonlyArray<{ decided: boolean; applicable: boolean | null; status: ImplementationStatus | null }>): SoaSummary {
  let applicable = 0; let notApplicable = 0; let undecided = 0; let implemented = 0;
  for (const r of rows) {
    if (!r.decided) undecided += 1;
    else if (r.applicable) {
      applicable += 1;
      if (r.status === 'implemented' || r.status === 'operating') implemented += 1;
    } else notApplicable += 1;
  }
  return { controls: rows.length, applicable, notApplicable, undecided, implemented, coverage: applicable === 0 ? 0 : Math.round((implemented / applicable) * 10_000) / 10_000 };
}

export interface SoaInput {
  controls: readonly SoaCatalogControl[];
  decisions: readonly SoaDecision[];
  implementations: readonly SoaImplementationInput[];
  gdprOf: (controlId: string) => readonly SoaGdprLink[];
  /** Exception counts per control id, when exceptions are recorded. */
  exceptions?: ReadonlyMap<string, number>;
}

function byControl<T extends { controlId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.controlId);
    if (list) list.push(item); else out.set(item.controlId, [item]);
  }
  return out;
}

function implementationRef(i: SoaImplementationInput): SoaImplementationRef {
  return {
    id: i.id, slug: i.slug, name: i.name, layer: i.layer, status: i.status, owner: i.owner, overrides: i.overrides,
    targetTiers: [...i.targetTiers], targetTenantIds: [...i.targetTenantIds], targetServiceIds: [...i.targetServiceIds], systemIds: [...i.systemIds],
  };
}

const layerOrder = (a: SoaImplementationInput, b: SoaImplementationInput) => (a.layer === b.layer ? (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0) : a.layer === 'common' ? -1 : 1);

/** The organization-wide SoA: every catalog control, in catalog order, with every implementation (common first). */
export function buildSoa(input: SoaInput): SoaRow[] {
  const decisions = new Map(input.decisions.map((d) => [d.controlId, d]));
  const impls = byControl(input.implementations);
  return input.controls.map((c) => {
    const d = decisions.get(c.id);
    const list = [...(impls.get(c.id) ?? [])].sort(layerOrder);
    return {
      controlId: c.id, title: c.title, theme: c.theme,
      decided: d !== undefined, applicable: d ? d.applicable : null, reasons: d ? [...d.reasons] : [], justification: d?.justification ?? '',
      decidedBy: d?.decidedBy ?? null, decidedAt: d?.decidedAt ?? null,
      status: bestStatus(list),
      gdpr: input.gdprOf(c.id).map((g) => ({ gdpr: g.gdpr, reason: g.reason })),
      implementations: list.map(implementationRef),
      exceptions: input.exceptions?.get(c.id) ?? 0,
    };
  });
}

interface IndexedOverlay {
  impl: SoaImplementationInput;
  presented: SoaTenantImplementation;
  /** The presented overlay reaching a tenant one way, made once per way and shared by every tenant it reaches so. */
  byVia: Map<SoaVia, SoaTenantImplementation>;
}

/**
 * Everything a per-tenant view needs, computed once for the organization: the parts of each row every tenant
 * shares, the common implementations per control, and the overlays by tier, by tenant and by service (an overlay on
 * systems is filed under the tenants a dedicated system serves and the services a multi-tenant system serves).
 */
export interface SoaIndex {
  base: ReadonlyArray<Omit<SoaTenantRow, 'implementations' | 'replaced' | 'status'>>;
  common: ReadonlyArray<readonly SoaImplementationInput[]>;
  commonPresented: ReadonlyArray<readonly SoaTenantImplementation[]>;
  commonStatus: ReadonlyArray<ImplementationStatus | null>;
  /**
   * The row of each control for a tenant no overlay of that control reaches: the same object for every such tenant
   * (rows are read, never changed), so 5,000 tenants allocate only the rows their overlays make different.
   */
  commonRows: readonly SoaTenantRow[];
  position: ReadonlyMap<string, number>;
  byTier: ReadonlyMap<string, readonly IndexedOverlay[]>;
  byTenant: ReadonlyMap<string, ReadonlyArray<{ o: IndexedOverlay; via: SoaVia }>>;
  byService: ReadonlyMap<string, ReadonlyArray<{ o: IndexedOverlay; via: SoaVia }>>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}

export function indexSoa(input: SoaInput, systems: readonly SoaSystem[]): SoaIndex {
  const decisions = new Map(input.decisions.map((d) => [d.controlId, d]));
  const position = new Map(input.controls.map((c, i) => [c.id, i]));
  const base = input.controls.map((c) => {
    const d = decisions.get(c.id);
    return {
      controlId: c.id, title: c.title, theme: c.theme,
      decided: d !== undefined, applicable: d ? d.applicable : null, reasons: d ? [...d.reasons] : [], justification: d?.justification ?? '',
      gdpr: input.gdprOf(c.id).map((g) => ({ gdpr: g.gdpr, reason: g.reason })),
    };
  });
  const common: SoaImplementationInput[][] = input.controls.map(() => []);
  const systemsById = new Map(systems.map((s) => [s.id, s]));
  const byTier = new Map<string, IndexedOverlay[]>();
  const byTenant = new Map<string, Array<{ o: IndexedOverlay; via: SoaVia }>>();
  const byService = new Map<string, Array<{ o: IndexedOverlay; via: SoaVia }>>();
  for (const impl of [...input.implementations].sort(layerOrder)) {
    const at = position.get(impl.controlId);
    if (at === undefined) continue;
    if (impl.layer === 'common') { common[at]!.push(impl); continue; }
    const presented: SoaTenantImplementation = { slug: impl.slug, name: impl.name, layer: impl.layer, status: impl.status, owner: impl.owner, override: impl.overrides, via: [] };
    const o: IndexedOverlay = { impl, presented, byVia: new Map(SOA_VIA.map((v) => [v, { ...presented, via: [v] }])) };
    for (const tier of impl.targetTiers) push(byTier, tier, o);
    for (const t of impl.targetTenantIds) push(byTenant, t, { o, via: 'tenant' });
    for (const s of impl.targetServiceIds) push(byService, s, { o, via: 'service' });
    for (const id of impl.systemIds) {
      const system = systemsById.get(id);
      if (!system) continue;
      if (system.tenancy === 'dedicated') for (const t of system.tenantIds) push(byTenant, t, { o, via: 'system' });
      else for (const s of system.serviceIds) push(byService, s, { o, via: 'system' });
    }
  }
  const commonPresented = common.map((list) => list.map((impl): SoaTenantImplementation => ({ slug: impl.slug, name: impl.name, layer: 'common', status: impl.status, owner: impl.owner, override: false, via: ['common'] })));
  const commonStatus = common.map(bestStatus);
  const commonRows = base.map((b, i) => row(b, commonStatus[i]!, commonPresented[i]!, NONE));
  return { base, common, commonPresented, commonStatus, commonRows, position, byTier, byTenant, byService };
}

/** The SoA of one tenant: the common implementations plus the overlays that reach it; an override replaces the common ones. */
export function tenantSoa(index: SoaIndex, tenant: Pick<SoaTenant, 'id' | 'tier' | 'serviceIds'>): SoaTenantRow[] {
  // overlay → how it reaches the tenant, in a first-seen order that is the index's (common first, then by slug)
  const reached = new Map<IndexedOverlay, SoaVia[]>();
  const add = (o: IndexedOverlay, via: SoaVia) => {
    const v = reached.get(o);
    if (!v) reached.set(o, [via]); else if (!v.includes(via)) v.push(via);
  };
  for (const o of index.byTier.get(tenant.tier) ?? []) add(o, 'tier');
  for (const x of index.byTenant.get(tenant.id) ?? []) add(x.o, x.via);
  for (const s of tenant.serviceIds) for (const x of index.byService.get(s) ?? []) add(x.o, x.via);
  return assemble(index, reached);
}

/** The SoA a tier's tenants share: the common implementations plus the overlays that target the tier. */
export function tierSoa(index: SoaIndex, tier: TenantTier): SoaTenantRow[] {
  const reached = new Map<IndexedOverlay, SoaVia[]>();
  for (const o of index.byTier.get(tier) ?? []) reached.set(o, ['tier']);
  return assemble(index, reached);
}

/** Shared by every row that replaces nothing (rows are read, never changed). */
const NONE: string[] = [];

/**
 * Rows are built field by field, sharing the index's arrays wherever a tenant has no overlay: at 5,000 tenants ×
 * 93 controls this is the hot loop of the SoA (object spread measured several times slower here).
 */
function row(b: SoaIndex['base'][number], status: ImplementationStatus | null, implementations: SoaTenantImplementation[], replaced: string[]): SoaTenantRow {
  return {
    controlId: b.controlId, title: b.title, theme: b.theme, decided: b.decided, applicable: b.applicable, reasons: b.reasons,
    justification: b.justification, status, gdpr: b.gdpr, implementations, replaced,
  };
}

function assemble(index: SoaIndex, reached: Map<IndexedOverlay, SoaVia[]>): SoaTenantRow[] {
  const overlays = new Map<number, Array<{ o: IndexedOverlay; via: SoaVia[] }>>();
  for (const [o, via] of reached) push(overlays, index.position.get(o.impl.controlId)!, { o, via });
  const rows = new Array<SoaTenantRow>(index.base.length);
  for (let i = 0; i < rows.length; i++) {
    const b = index.base[i]!;
    const mine = overlays.get(i);
    if (!mine) { rows[i] = index.commonRows[i]!; continue; }
    if (mine.length > 1) mine.sort((x, y) => layerOrder(x.o.impl, y.o.impl));
    const override = mine.some((m) => m.o.impl.overrides);
    const own = mine.map((m) => (m.via.length === 1 ? m.o.byVia.get(m.via[0]!)! : { ...m.o.presented, via: [...m.via].sort() }));
    const effective: Array<{ status: ImplementationStatus }> = override ? mine.map((m) => m.o.impl) : [...index.common[i]!, ...mine.map((m) => m.o.impl)];
    rows[i] = row(b, bestStatus(effective), override ? own : [...index.commonPresented[i]!, ...own], override ? index.common[i]!.map((c) => c.name) : NONE);
  }
  return rows;
}

/** What changed between two approved versions, control by control. */
export const SoaDiffEntry = Type.Object({
  controlId: Type.String(),
  title: Type.String(),
  changes: Type.Array(Type.Object({ field: Type.String(), from: Type.String(), to: Type.String() }, { additionalProperties: false })),
}, { additionalProperties: false });
export type SoaDiffEntry = Static<typeof SoaDiffEntry>;

const implText = (r: SoaRow) => r.implementations.map((i) => `${i.slug} (${i.layer}, ${i.status})`).join('; ');
const DIFF_FIELDS: Array<[string, (r: SoaRow) => string]> = [
  ['applicable', (r) => (r.applicable === null ? 'undecided' : r.applicable ? 'yes' : 'no')],
  ['reasons', (r) => r.reasons.join(', ')],
  ['justification', (r) => r.justification],
  ['status', (r) => r.status ?? 'none'],
  ['implementations', implText],
];

export function diffSoa(from: readonly SoaRow[], to: readonly SoaRow[]): SoaDiffEntry[] {
  const before = new Map(from.map((r) => [r.controlId, r]));
  const out: SoaDiffEntry[] = [];
  for (const r of to) {
    const b = before.get(r.controlId);
    const changes = DIFF_FIELDS.flatMap(([field, get]) => {
      const x = b ? get(b) : ''; const y = get(r);
      return x === y ? [] : [{ field, from: x, to: y }];
    });
    if (changes.length) out.push({ controlId: r.controlId, title: r.title, changes });
  }
  return out;
}

/** A version in the list (without its rows). */
export const SoaVersionSummary = Type.Object({
  version: Type.Integer(),
  approvedAt: Timestamp,
  approvedBy: Type.String(),
  note: Type.String(),
  summary: SoaSummary,
}, { additionalProperties: false });
export type SoaVersionSummary = Static<typeof SoaVersionSummary>;

export const SoaVersion = Type.Object({
  ...SoaVersionSummary.properties,
  rows: Type.Array(SoaRow),
}, { additionalProperties: false });
export type SoaVersion = Static<typeof SoaVersion>;

export const SoaApprovalInput = Type.Object({
  note: Type.Optional(Text(2000, 'What the approval covers (a management review, an audit).')),
}, { additionalProperties: false });

/** A tier of tenants (path parameter). */
export const TierSchema = StringEnum(TENANT_TIERS, 'Tenant tier.');
