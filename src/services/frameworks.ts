import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { actorLabel, type Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import {
  annexAControl, annexAControls, annexAThemes, clauses, GDPR, gdprArticle, gdprArticleOf, gdprArticles, gdprLinksOf, ISO27001,
  shippedFrameworks,
} from '../catalog/index.js';
import { FrameworkDocument, parseFrameworkValue, parseFrameworkYaml, type FrameworkProblem } from '../catalog/format.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import { recordChange } from '../ledger/record.js';
import type { AnnexAControlDetail, CatalogDetail, CatalogSummary, FrameworkInput, GdprLinkView } from '../model/catalog.js';
import {
  deleteFrameworkRow, documentOf, findFrameworkById, findFrameworkByKey, frameworkControls, insertFramework, listFrameworkRows,
  type FrameworkRow,
} from '../store/frameworks.js';
import type { BundleSection, SectionApplyResult } from './bundle-sections.js';
import { asActor } from './resources.js';

type Trx = Transaction<any>;

/** Ids of the shipped catalogs: an organization's framework cannot take one. */
export const SHIPPED_CATALOG_IDS: readonly string[] = [ISO27001, GDPR, 'iso27017-2015', 'iso27701-2019'];

const ISO27001_NAME = 'ISO/IEC 27001:2022 Annex A and clauses 4–10';
const ISO27001_PROVENANCE = 'Identifiers and headings only, (c) ISO/IEC; from the shared reference data (intuitem/ciso-assistant-community, cross-checked with mr7security/crossmap). See catalogs/PROVENANCE.md.';
const GDPR_NAME = 'GDPR (Regulation (EU) 2016/679) articles';
const GDPR_PROVENANCE = 'Article titles of Regulation (EU) 2016/679 (EU legislation, reuse with acknowledgement). See catalogs/PROVENANCE.md.';

/** The GDPR links of an Annex A control, with article titles. */
export function gdprLinkViews(controlId: string): GdprLinkView[] {
  return gdprLinksOf(controlId).map((l) => {
    const article = gdprArticleOf(l.gdpr)!;
    return { gdpr: l.gdpr, article, articleTitle: gdprArticle(article)?.title ?? '', reason: l.reason };
  });
}

function shippedSummaries(): CatalogSummary[] {
  const out: CatalogSummary[] = [
    { id: ISO27001, name: ISO27001_NAME, version: '2022', source: 'shipped', controlCount: annexAControls().length, provenance: ISO27001_PROVENANCE },
    { id: GDPR, name: GDPR_NAME, version: '2016/679', source: 'shipped', controlCount: gdprArticles().length, provenance: GDPR_PROVENANCE },
  ];
  for (const doc of shippedFrameworks().values()) {
    out.push({ id: doc.framework.id, name: doc.framework.name, version: doc.framework.version, source: 'shipped', controlCount: doc.controls.length, provenance: doc.framework.provenance });
  }
  return out;
}

function summaryOf(row: FrameworkRow): CatalogSummary {
  return {
    id: row.framework_key, name: row.name, version: row.version, source: 'organization', controlCount: row.control_count,
    provenance: row.provenance, frameworkId: row.id, createdAt: row.created_at, createdBy: row.created_by,
  };
}

/** The shipped catalogs, then the organization's own frameworks (by id). */
export async function listCatalogs(db: Kysely<any>, actor: Actor): Promise<CatalogSummary[]> {
  authorize(actor, 'read', 'catalogs');
  const own = await asActor(db, actor, (trx) => listFrameworkRows(trx));
  return [...shippedSummaries(), ...own.map(summaryOf)];
}

function detailOfDocument(summary: CatalogSummary, doc: FrameworkDocument): CatalogDetail {
  return {
    ...summary,
    ...(doc.note ? { note: doc.note } : {}),
    groups: doc.groups ?? [],
    controls: doc.controls.map((c) => ({ id: c.id, title: c.title, ...(c.group ? { group: c.group } : {}), ...(c.description ? { description: c.description } : {}) })),
  };
}

/** One catalog, whole: ISO/IEC 27001:2022 (Annex A by theme with GDPR links, and the clauses), GDPR, 27017, 27701 or the org's own. */
export async function getCatalog(db: Kysely<any>, actor: Actor, id: string): Promise<CatalogDetail> {
  authorize(actor, 'read', 'catalogs');
  const shipped = shippedSummaries().find((s) => s.id === id);
  if (id === ISO27001) {
    return {
      ...shipped!,
      groups: annexAThemes().map((t) => ({ id: t.id, title: `A.${t.number} ${t.title}` })),
      controls: annexAControls().map((c) => ({ id: c.id, title: c.title, group: c.theme, gdpr: gdprLinkViews(c.id) })),
      clauses: clauses().map((c) => ({ ...c })),
    };
  }
  if (id === GDPR) {
    const chapters = new Map<string, string>();
    for (const a of gdprArticles()) chapters.set(a.chapter, a.chapterTitle);
    return {
      ...shipped!,
      groups: [...chapters].map(([chapter, title]) => ({ id: chapter, title: `Chapter ${chapter} ${title}` })),
      controls: gdprArticles().map((a) => ({ id: String(a.number), title: a.title, group: a.chapter })),
    };
  }
  const doc = shippedFrameworks().get(id);
  if (doc && shipped) return detailOfDocument(shipped, doc);
  return asActor(db, actor, async (trx) => {
    const row = await findFrameworkByKey(trx, id);
    if (!row) throw new AppError('not_found', 'There is no such catalog.');
    return detailOfDocument(summaryOf(row), documentOf(row, await frameworkControls(trx, row.id)));
  });
}

/** One Annex A control ('5.15' or 'A.5.15') with the GDPR articles it supports. */
export function getAnnexAControl(actor: Actor, id: string): AnnexAControlDetail {
  authorize(actor, 'read', 'catalogs');
  const c = annexAControl(id);
  if (!c) throw new AppError('not_found', `"${id}" is not an ISO/IEC 27001:2022 Annex A control.`, 'id');
  return { id: c.id, ref: `A.${c.id}`, title: c.title, theme: c.theme, framework: c.framework, gdpr: gdprLinkViews(c.id) };
}

/** Where and what, in one line: "line 12: controls[3].id: duplicate control id ...". */
export function describeProblem(p: FrameworkProblem): string {
  return `${p.line ? `line ${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** The problems as a 422: the message names the first problem and its line, `problems` lists all of them. */
function invalidFramework(problems: FrameworkProblem[]): AppError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new AppError('invalid_value', `The framework is not valid; nothing was written. ${describeProblem(first)}${more}`,
    first.field || 'framework', undefined, problems.map((p) => ({ line: p.line, column: p.column, field: p.field, message: p.message })));
}

/** Parse the request (YAML text or JSON of the same format) into a valid document, or throw the 422. */
export function frameworkFromInput(input: FrameworkInput, file = 'framework.yaml'): FrameworkDocument {
  const { yaml, ...json } = input;
  if (yaml !== undefined && Object.keys(json).length > 0) {
    throw new AppError('invalid_value', 'Send the framework either as yaml (text) or as JSON (framework, groups, controls), not both.', 'yaml');
  }
  const result = yaml !== undefined ? parseFrameworkYaml(yaml, file) : parseFrameworkValue(json, 'framework.json');
  if (!result.ok) throw invalidFramework(result.problems);
  if (SHIPPED_CATALOG_IDS.includes(result.document.framework.id)) {
    throw new AppError('invalid_value', `"${result.document.framework.id}" is the id of a catalog tenantproof ships; give your framework another id.`, 'framework.id');
  }
  return result.document;
}

async function storeFramework(trx: Trx, actor: Actor, doc: FrameworkDocument): Promise<FrameworkRow> {
  const id = randomUUID();
  await insertFramework(trx, actor.orgId, id, doc, actorLabel(actor));
  await recordChange(trx, actor, {
    action: 'create', objectType: 'framework', objectId: id, objectSlug: doc.framework.id, tenantId: null,
    summary: `Added framework ${doc.framework.id} (${doc.framework.name} ${doc.framework.version}, ${doc.controls.length} controls)`, after: doc,
  });
  return (await findFrameworkById(trx, id))!;
}

/** Add an organization's own framework: validated whole (422 naming line and field), stored with a ledger entry, or nothing written. */
export async function addFramework(db: Kysely<any>, actor: Actor, input: FrameworkInput, file?: string): Promise<CatalogSummary> {
  authorize(actor, 'create', 'frameworks');
  const doc = frameworkFromInput(input, file);
  return asActor(db, actor, async (trx) => {
    if (await findFrameworkByKey(trx, doc.framework.id)) {
      throw new AppError('conflict', `The organization already has a framework "${doc.framework.id}"; delete it first to replace it.`, 'framework.id');
    }
    return summaryOf(await storeFramework(trx, actor, doc));
  });
}

/** Delete one of the organization's frameworks (by its stored id), with a ledger entry. */
export async function deleteFramework(db: Kysely<any>, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'delete', 'frameworks');
  await asActor(db, actor, async (trx) => {
    const row = await findFrameworkById(trx, id, { forUpdate: true });
    if (!row) throw new AppError('not_found', 'Framework not found.');
    const before = documentOf(row, await frameworkControls(trx, row.id));
    await deleteFrameworkRow(trx, id);
    await recordChange(trx, actor, {
      action: 'delete', objectType: 'framework', objectId: id, objectSlug: row.framework_key, tenantId: null,
      summary: `Deleted framework ${row.framework_key} (${row.name} ${row.version})`, before,
    });
  });
}

/** `controls[3].id` → `controls.3.id` (bundle sections name fields as dotted paths). */
function dotted(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

/**
 * The organization's frameworks in the ISMS-as-code bundle (key `frameworks`), each item a document of the
 * framework format. Apply creates a framework that is missing, replaces one whose content differs (frameworks are
 * written whole) and leaves equal ones and those absent from the bundle alone.
 */
export const FRAMEWORKS_SECTION: BundleSection = {
  key: 'frameworks',
  item: FrameworkDocument,
  subject: 'frameworks',
  async export(trx) {
    const rows = await listFrameworkRows(trx);
    const out = [];
    for (const row of rows) out.push(documentOf(row, await frameworkControls(trx, row.id)) as unknown as Record<string, unknown>);
    return out;
  },
  async apply(trx, actor, items) {
    authorize(actor, 'create', 'frameworks');
    const result: SectionApplyResult = { created: 0, updated: 0, unchanged: 0, objects: [] };
    const seen = new Set<string>();
    for (const [index, item] of items.entries()) {
      const parsed = parseFrameworkValue(item);
      if (!parsed.ok) {
        const p = parsed.problems[0]!;
        throw new AppError('invalid_value', p.message, `${index}.${dotted(p.field)}`);
      }
      const doc = parsed.document;
      const key = doc.framework.id;
      if (SHIPPED_CATALOG_IDS.includes(key)) throw new AppError('invalid_value', `"${key}" is the id of a catalog tenantproof ships`, `${index}.framework.id`);
      if (seen.has(key)) throw new AppError('invalid_value', `framework "${key}" is listed twice`, `${index}.framework.id`);
      seen.add(key);
      const existing = await findFrameworkByKey(trx, key);
      if (!existing) {
        await storeFramework(trx, actor, doc);
        result.created++;
        result.objects.push({ key, outcome: 'created' });
        continue;
      }
      const before = documentOf(existing, await frameworkControls(trx, existing.id));
      if (canonicalJson(before) === canonicalJson(documentOf({ ...existing, ...rowFields(doc) }, controlRows(doc)))) {
        result.unchanged++;
        result.objects.push({ key, outcome: 'unchanged' });
        continue;
      }
      authorize(actor, 'delete', 'frameworks');
      await deleteFrameworkRow(trx, existing.id);
      await insertFramework(trx, actor.orgId, existing.id, doc, actorLabel(actor));
      await recordChange(trx, actor, {
        action: 'update', objectType: 'framework', objectId: existing.id, objectSlug: key, tenantId: null,
        summary: `Replaced framework ${key} from a bundle (${doc.controls.length} controls)`, before, after: doc,
      });
      result.updated++;
      result.objects.push({ key, outcome: 'updated', changed: changedParts(before, doc) });
    }
    return result;
  },
};

function rowFields(doc: FrameworkDocument): Pick<FrameworkRow, 'framework_key' | 'name' | 'version' | 'provenance' | 'note' | 'groups'> {
  return { framework_key: doc.framework.id, name: doc.framework.name, version: doc.framework.version, provenance: doc.framework.provenance, note: doc.note ?? '', groups: doc.groups ?? [] };
}

function controlRows(doc: FrameworkDocument) {
  return doc.controls.map((c) => ({ control_id: c.id, title: c.title, group_id: c.group ?? null, description: c.description ?? null }));
}

function changedParts(before: FrameworkDocument, after: FrameworkDocument): string[] {
  const parts: string[] = [];
  for (const k of ['name', 'version', 'provenance'] as const) if (before.framework[k] !== after.framework[k]) parts.push(k);
  if ((before.note ?? '') !== (after.note ?? '')) parts.push('note');
  if (canonicalJson(before.groups ?? []) !== canonicalJson(after.groups ?? [])) parts.push('groups');
  if (canonicalJson(before.controls) !== canonicalJson(after.controls)) parts.push('controls');
  return parts;
}
