import { Type, type Static } from '@sinclair/typebox';
import { SetOf, StringEnum, Text, Timestamp, Uuid } from './common.js';

/**
 * The ISMS scope statement (ISO/IEC 27001:2022 clause 4.3) and the change requests that move it.
 *
 * The statement is the provider's: it describes services, locations and teams, never customers (it is what
 * appears on the certificate). It is versioned and never edited: a change request carries the whole proposed
 * statement with its ISMS-impact section, and its approval, by an owner or ISMS manager other than the
 * requester, creates the next version. `diffScopeStatements` says what changed between any two versions.
 */

/** What kind of change moves the scope (clause 6.3, planning of changes). */
export const SCOPE_CHANGE_KINDS = ['new-service', 'new-platform', 'new-region', 'new-vendor', 'other'] as const;
export type ScopeChangeKind = (typeof SCOPE_CHANGE_KINDS)[number];

/** draft (being written) → submitted (waiting for sign-off) → approved | rejected; withdrawn by its requester or a manager. */
export const SCOPE_CHANGE_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'withdrawn'] as const;
export type ScopeChangeStatus = (typeof SCOPE_CHANGE_STATUSES)[number];

const Line = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, pattern: '\\S', description });

/** Something left out of the scope, and why: ISO 27001 accepts an exclusion only with its justification. */
export const Exclusion = Type.Object(
  {
    subject: Line(200, 'What is excluded: a service, a site, a team, a kind of activity.'),
    justification: Line(2000, 'Why it is excluded (required): why it does not affect the ISMS\u2019s ability to deliver its results.'),
  },
  { additionalProperties: false },
);
export type Exclusion = Static<typeof Exclusion>;

/** The body of a statement as someone proposes it: services by id, the rest as written. */
export const ProposedStatementInput = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 20000, pattern: '\\S', description: 'The scope statement as it is published: what the ISMS covers, in the provider\u2019s words (services, not customers).' }),
    serviceIds: SetOf(Uuid, 100, 'The services inside the scope (ids of services of this organization).'),
    locations: SetOf(Line(200, 'A site, region or hosting location.'), 50, 'Locations covered: offices, data-centre regions, cloud regions.'),
    teams: SetOf(Line(200, 'A team or function.'), 50, 'Teams and functions covered.'),
    exclusions: Type.Array(Exclusion, { maxItems: 50, description: 'What is left out, each with its justification.' }),
  },
  { additionalProperties: false },
);
export type ProposedStatementInput = Static<typeof ProposedStatementInput>;

/** The ISMS-impact section of a change request: what the change touches and what it does to risks and controls. */
export const ImpactInput = Type.Object(
  {
    assets: Text(4000, 'Affected assets and systems (new platform components, data stores, tools).'),
    risks: Text(4000, 'Risks the change adds or alters, and their treatment.'),
    controls: Text(4000, 'Annex A controls to add or revisit (e.g. A.5.23 cloud services, A.5.19 supplier relationships).'),
    tenants: Text(4000, 'Customer tenants affected and how (notification, DPA or sub-processor list updates); "none" is an answer.'),
  },
  { additionalProperties: false },
);
export type ImpactInput = Static<typeof ImpactInput>;

export const ScopeChangeKindSchema = StringEnum(SCOPE_CHANGE_KINDS, 'What moves the scope: a new service, platform, region or vendor, or something else.');
export const ScopeChangeStatusSchema = StringEnum(SCOPE_CHANGE_STATUSES, 'Where the request is in its life: draft, submitted, approved, rejected or withdrawn.');

export const ScopeChangeInput = Type.Object(
  {
    title: Line(200, 'A short name for the change, e.g. "Harbor Cloud in eu-central-1".'),
    kind: ScopeChangeKindSchema,
    description: Type.Optional(Text(4000, 'What changes and why.')),
    impact: Type.Optional(ImpactInput),
    proposed: ProposedStatementInput,
  },
  { additionalProperties: false },
);
export type ScopeChangeInput = Static<typeof ScopeChangeInput>;

/** Editing a draft: any of the fields; `impact` and `proposed` are replaced as a whole. */
export const ScopeChangePatch = Type.Object(
  {
    title: Type.Optional(ScopeChangeInput.properties.title),
    kind: Type.Optional(ScopeChangeKindSchema),
    description: Type.Optional(Text(4000, 'What changes and why.')),
    impact: Type.Optional(ImpactInput),
    proposed: Type.Optional(ProposedStatementInput),
  },
  { additionalProperties: false },
);
export type ScopeChangePatch = Static<typeof ScopeChangePatch>;

export const ScopeDecisionInput = Type.Object(
  { note: Type.Optional(Text(4000, 'Why it was approved, or conditions of the approval.')) },
  { additionalProperties: false },
);
export type ScopeDecisionInput = Static<typeof ScopeDecisionInput>;

export const ScopeRejectionInput = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S', description: 'Why the change is rejected (required).' }) },
  { additionalProperties: false },
);
export type ScopeRejectionInput = Static<typeof ScopeRejectionInput>;

/** A service as a statement names it. Slug and name are those of when the statement was written. */
export const ScopeService = Type.Object(
  {
    id: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The service\u2019s id; null once the service was deleted; absent for a tenant-viewer, who has no access to service objects.' })),
    slug: Type.String({ description: 'The service\u2019s slug when the statement was written.' }),
    name: Type.String({ description: 'The service\u2019s name when the statement was written.' }),
  },
  { additionalProperties: false },
);
export type ScopeService = Static<typeof ScopeService>;

/** What a statement says, with no version or sign-off: what diffs compare. */
export interface ScopeContent {
  text: string;
  services: Array<{ slug: string; name: string }>;
  locations: string[];
  teams: string[];
  exclusions: Exclusion[];
}

export const ScopeStatement = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Version number, 1 for the first approved statement.' }),
    text: Type.String({ description: 'The scope statement.' }),
    services: Type.Array(ScopeService, { description: 'Services inside the scope.' }),
    locations: Type.Array(Type.String(), { description: 'Locations covered.' }),
    teams: Type.Array(Type.String(), { description: 'Teams and functions covered.' }),
    exclusions: Type.Array(Exclusion, { description: 'What is excluded, each with its justification.' }),
    approvedAt: Timestamp,
    approvedBy: Type.Optional(Type.String({ description: 'Who signed the version off (absent for a tenant-viewer).' })),
    changeRequestId: Type.Optional(Uuid),
    changeRequestNumber: Type.Optional(Type.Integer({ description: 'The number of the change request that created this version (absent for a tenant-viewer).' })),
  },
  { additionalProperties: false },
);
export type ScopeStatement = Static<typeof ScopeStatement>;

export const ScopeStatementSummary = Type.Object(
  {
    version: Type.Integer(),
    approvedAt: Timestamp,
    approvedBy: Type.String(),
    changeRequestId: Uuid,
    changeRequestNumber: Type.Integer(),
    changeRequestTitle: Type.String(),
  },
  { additionalProperties: false },
);
export type ScopeStatementSummary = Static<typeof ScopeStatementSummary>;

export const ScopeChangeRequest = Type.Object(
  {
    id: Uuid,
    number: Type.Integer({ description: 'Sequence number within the organization (SCR-1, SCR-2, ...).' }),
    title: Type.String(),
    kind: ScopeChangeKindSchema,
    description: Type.String(),
    impact: Type.Object({ assets: Type.String(), risks: Type.String(), controls: Type.String(), tenants: Type.String() }, { additionalProperties: false }),
    proposed: Type.Object(
      {
        text: Type.String(),
        services: Type.Array(ScopeService),
        locations: Type.Array(Type.String()),
        teams: Type.Array(Type.String()),
        exclusions: Type.Array(Exclusion),
      },
      { additionalProperties: false, description: 'The whole statement as it reads after approval.' },
    ),
    baseVersion: Type.Integer({ description: 'The version the proposal was written against (0: none yet). Approval requires it to be the current version.' }),
    status: ScopeChangeStatusSchema,
    requestedBy: Type.String(),
    requestedAt: Timestamp,
    updatedAt: Timestamp,
    submittedAt: Type.Union([Timestamp, Type.Null()]),
    decidedBy: Type.Union([Type.String(), Type.Null()]),
    decidedAt: Type.Union([Timestamp, Type.Null()]),
    decisionNote: Type.String(),
    resultingVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'The version its approval created.' }),
    allowed: Type.Object(
      { edit: Type.Boolean(), submit: Type.Boolean(), approve: Type.Boolean(), reject: Type.Boolean(), withdraw: Type.Boolean() },
      { additionalProperties: false, description: 'What the viewer may do with this request now (role, status and separation of duties).' },
    ),
  },
  { additionalProperties: false },
);
export type ScopeChangeRequest = Static<typeof ScopeChangeRequest>;

const Added = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ added: Type.Array(item), removed: Type.Array(item) }, { additionalProperties: false });

export const TextDiffLine = Type.Object(
  { op: StringEnum(['same', 'added', 'removed'] as const), line: Type.String() },
  { additionalProperties: false },
);
export type TextDiffLine = Static<typeof TextDiffLine>;

export const ScopeDiff = Type.Object(
  {
    from: Type.Integer({ description: 'The older version (0: no statement).' }),
    to: Type.Integer(),
    services: Added(Type.Object({ slug: Type.String(), name: Type.String() }, { additionalProperties: false })),
    locations: Added(Type.String()),
    teams: Added(Type.String()),
    exclusions: Type.Object(
      {
        added: Type.Array(Exclusion),
        removed: Type.Array(Exclusion),
        justificationChanged: Type.Array(Type.Object({ subject: Type.String(), before: Type.String(), after: Type.String() }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
    text: Type.Array(TextDiffLine, { description: 'The text, line by line: kept, added and removed lines in reading order.' }),
    changed: Type.Boolean({ description: 'Whether anything differs.' }),
  },
  { additionalProperties: false },
);
export type ScopeDiff = Static<typeof ScopeDiff>;

/** The statement before the first version: what version 1 is compared against. */
export const EMPTY_SCOPE: ScopeContent = { text: '', services: [], locations: [], teams: [], exclusions: [] };

/**
 * What changed from `a` to `b`: services (by slug), locations, teams, exclusions (by subject, with changed
 * justifications), and the text line by line. Pure; `from`/`to` are only labels.
 */
export function diffScopeStatements(a: ScopeContent, b: ScopeContent, from = 0, to = 0): ScopeDiff {
  const bySlug = (list: ScopeContent['services']) => new Map(list.map((s) => [s.slug, { slug: s.slug, name: s.name }]));
  const sa = bySlug(a.services);
  const sb = bySlug(b.services);
  const ea = new Map(a.exclusions.map((e) => [e.subject, e]));
  const eb = new Map(b.exclusions.map((e) => [e.subject, e]));
  const diff: ScopeDiff = {
    from, to,
    services: { added: [...sb.values()].filter((s) => !sa.has(s.slug)), removed: [...sa.values()].filter((s) => !sb.has(s.slug)) },
    locations: setDiff(a.locations, b.locations),
    teams: setDiff(a.teams, b.teams),
    exclusions: {
      added: b.exclusions.filter((e) => !ea.has(e.subject)),
      removed: a.exclusions.filter((e) => !eb.has(e.subject)),
      justificationChanged: b.exclusions
        .filter((e) => ea.has(e.subject) && ea.get(e.subject)!.justification !== e.justification)
        .map((e) => ({ subject: e.subject, before: ea.get(e.subject)!.justification, after: e.justification })),
    },
    text: diffLines(a.text, b.text),
    changed: false,
  };
  diff.changed = diff.services.added.length + diff.services.removed.length + diff.locations.added.length + diff.locations.removed.length
    + diff.teams.added.length + diff.teams.removed.length + diff.exclusions.added.length + diff.exclusions.removed.length
    + diff.exclusions.justificationChanged.length + diff.text.filter((l) => l.op !== 'same').length > 0;
  return diff;
}

function setDiff(a: string[], b: string[]): { added: string[]; removed: string[] } {
  const sa = new Set(a);
  const sb = new Set(b);
  return { added: b.filter((x) => !sa.has(x)), removed: a.filter((x) => !sb.has(x)) };
}

/**
 * A line diff by longest common subsequence: kept lines once, removed lines before the added lines that
 * replace them. Statements are bounded (20,000 characters), so the quadratic table stays small.
 */
export function diffLines(before: string, after: string): TextDiffLine[] {
  const a = before === '' ? [] : before.split(/\r?\n/);
  const b = after === '' ? [] : after.split(/\r?\n/);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: TextDiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({ op: 'same', line: a[i]! }); i++; j++; }
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: 'removed', line: a[i++]! });
    else out.push({ op: 'added', line: b[j++]! });
  }
  while (i < n) out.push({ op: 'removed', line: a[i++]! });
  while (j < m) out.push({ op: 'added', line: b[j++]! });
  return out;
}
