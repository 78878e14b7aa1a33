import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { parseBundleSource } from '../model/bundle-source.js';
import { PACKAGE_ROOT } from '../paths.js';
import { parseFrameworkYaml, type FrameworkDocument } from './format.js';

/**
 * The shipped catalogs (`catalogs/*.yaml`): ISO/IEC 27001:2022 clauses and Annex A, the GDPR articles, our Annex A →
 * GDPR mapping and the ISO/IEC 27017 / 27701 control sets. Loaded once, lazily and synchronously, from the package
 * root (the same folder under `tsx` and after `npm run build`). A catalog that does not load is a bug of the
 * package: it throws with the file and the problem.
 */

/** Directory of the shipped catalogs. */
export const CATALOG_DIR = join(PACKAGE_ROOT, 'catalogs');

/** When the shipped catalog data (catalogs/*.yaml, our mapping) last changed: OSCAL metadata.last-modified. */
export const CATALOG_LAST_MODIFIED = '2026-11-29T00:00:00Z';

/** Framework id of ISO/IEC 27001:2022 Annex A. */
export const ISO27001 = 'iso27001-2022';
/** Framework id of the GDPR articles. */
export const GDPR = 'gdpr';

export type AnnexATheme = 'organizational' | 'people' | 'physical' | 'technological';

/** One Annex A control: id without 'A.' ('5.15'), heading, theme. */
export interface CatalogControl {
  id: string;
  title: string;
  theme: AnnexATheme;
  framework: string;
}

/** One clause or sub-clause of ISO/IEC 27001:2022 (4–10). */
export interface CatalogClause {
  id: string;
  title: string;
  /** The parent clause ('6.1' for '6.1.2'); absent for a top-level clause. */
  parent?: string;
  level: number;
}

/** One Annex A theme (A.5–A.8). */
export interface CatalogTheme {
  id: AnnexATheme;
  /** '5' for organizational. */
  number: string;
  title: string;
}

/** One GDPR article. */
export interface GdprArticle {
  number: number;
  title: string;
}

/** One GDPR article with its chapter (roman numeral and title). */
export interface GdprArticleDetail extends GdprArticle {
  chapter: string;
  chapterTitle: string;
}

/** One link of our mapping: the Annex A control supports this GDPR provision, for this reason. */
export interface ControlGdprLink {
  controlId: string;
  /** '32(1)(b)', '5(1)(f)' or '30'. */
  gdpr: string;
  reason: string;
}

/** A framework or control set in the tenantproof framework format (27017, 27701, an organization's own). */
export type ShippedFramework = FrameworkDocument;

// The parts of the reference-format files the loader relies on, checked on load: a broken file fails loudly.
const THEME = Type.Union([Type.Literal('organizational'), Type.Literal('people'), Type.Literal('physical'), Type.Literal('technological')]);
const IdString = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' });
const Iso27001Schema = Type.Object({
  themes: Type.Array(Type.Object({ id: IdString, theme: THEME, title: Type.String({ minLength: 1 }) }), { minItems: 4, maxItems: 4 }),
  clauses: Type.Array(Type.Object({ id: IdString, title: Type.String({ minLength: 1 }), parent: Type.Optional(IdString), level: Type.Integer({ minimum: 1 }) })),
  annex_a_controls: Type.Array(Type.Object({ id: IdString, title: Type.String({ minLength: 1 }), theme: THEME })),
});
const GdprSchema = Type.Object({
  chapters: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), title: Type.String({ minLength: 1 }) })),
  articles: Type.Array(Type.Object({ article: Type.Integer({ minimum: 1, maximum: 99 }), title: Type.String({ minLength: 1 }), chapter: Type.String({ minLength: 1 }) })),
});
const MappingSchema = Type.Object({
  links: Type.Array(Type.Object({
    control: Type.String({ minLength: 1 }), gdpr: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), reason: Type.String({ minLength: 1, maxLength: 400 }),
  }, { additionalProperties: false })),
});
const ajv = new Ajv({ allErrors: false, strict: false });

/** Parse a shipped catalog file and check it against the schema of what the loader reads. */
function loadChecked<T>(file: string, schema: TSchema): T {
  const value = parse(readCatalog(file)) as unknown;
  const validate = ajv.compile(schema);
  if (!validate(value)) {
    const e = validate.errors![0]!;
    throw new Error(`catalogs/${file}: ${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
  }
  return value as T;
}

interface Iso27001File {
  standard: string;
  themes: Array<{ id: string; theme: AnnexATheme; title: string }>;
  clauses: Array<{ id: string; title: string; parent?: string; level: number }>;
  annex_a_controls: Array<{ id: string; title: string; theme: AnnexATheme }>;
}

interface GdprFile {
  chapters: Array<{ id: string; title: string }>;
  articles: Array<{ article: number; title: string; chapter: string }>;
}

interface MappingFile {
  links: Array<{ control: string; gdpr: string[]; reason: string }>;
}

function readCatalog(file: string): string {
  return readFileSync(join(CATALOG_DIR, file), 'utf8');
}

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

const iso27001 = once(() => {
  const raw = loadChecked<Iso27001File>('iso27001-2022.yaml', Iso27001Schema);
  const controls: CatalogControl[] = raw.annex_a_controls.map((c) => Object.freeze({ id: String(c.id), title: c.title, theme: c.theme, framework: ISO27001 }));
  const byId = new Map<string, CatalogControl>();
  controls.forEach((c, i) => {
    if (byId.has(c.id)) {
      const line = parseBundleSource(readCatalog('iso27001-2022.yaml'), 'iso27001-2022.yaml').locate(['annex_a_controls', i, 'id']).line;
      throw new Error(`catalogs/iso27001-2022.yaml:${line}: duplicate Annex A control id "${c.id}"`);
    }
    byId.set(c.id, c);
  });
  const clauses: CatalogClause[] = raw.clauses.map((c) => Object.freeze({ id: String(c.id), title: c.title, level: c.level, ...(c.parent ? { parent: String(c.parent) } : {}) }));
  const themes: CatalogTheme[] = raw.themes.map((t) => Object.freeze({ id: t.theme, number: String(t.id), title: t.title }));
  return { controls: Object.freeze(controls), byId, clauses: Object.freeze(clauses), themes: Object.freeze(themes) };
});

const gdpr = once(() => {
  const raw = loadChecked<GdprFile>('gdpr-articles.yaml', GdprSchema);
  const chapters = new Map(raw.chapters.map((c) => [c.id, c.title]));
  const articles: GdprArticleDetail[] = raw.articles.map((a) => Object.freeze({ number: a.article, title: a.title, chapter: a.chapter, chapterTitle: chapters.get(a.chapter) ?? '' }));
  return { articles: Object.freeze(articles), byNumber: new Map(articles.map((a) => [a.number, a])) };
});

/** GDPR references: an article number, then optional paragraph and point groups: '32', '32(1)(b)', '5(1)(f)'. */
const GDPR_REF = /^([1-9][0-9]?)((?:\([0-9a-z]+\))*)$/;

const mapping = once(() => {
  const raw = loadChecked<MappingFile>('mapping-iso27001-gdpr.yaml', MappingSchema);
  const byControl = new Map<string, ControlGdprLink[]>();
  for (const entry of raw.links) {
    const controlId = normalizeControlId(String(entry.control));
    if (!annexAControl(controlId)) throw new Error(`catalogs/mapping-iso27001-gdpr.yaml: "${entry.control}" is not an Annex A control`);
    for (const ref of entry.gdpr) {
      if (!gdprReferenceValid(ref)) throw new Error(`catalogs/mapping-iso27001-gdpr.yaml: control ${controlId}: "${ref}" is not a GDPR article reference`);
      const list = byControl.get(controlId) ?? [];
      if (list.some((l) => l.gdpr === ref)) throw new Error(`catalogs/mapping-iso27001-gdpr.yaml: control ${controlId} links ${ref} twice`);
      list.push(Object.freeze({ controlId, gdpr: ref, reason: entry.reason }));
      byControl.set(controlId, list);
    }
  }
  for (const [id, list] of byControl) byControl.set(id, Object.freeze(list) as ControlGdprLink[]);
  return byControl;
});

const extraFrameworks = once(() => {
  const out = new Map<string, FrameworkDocument>();
  for (const file of ['iso27017-2015.yaml', 'iso27701-2019.yaml']) {
    const result = parseFrameworkYaml(readCatalog(file), `catalogs/${file}`);
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`).join('\n'));
    out.set(result.document.framework.id, result.document);
  }
  return out;
});

/** 'A.5.15' or 'a.5.15' → '5.15'; anything else is returned trimmed. */
export function normalizeControlId(id: string): string {
  const t = id.trim();
  return /^a\./i.test(t) ? t.slice(2) : t;
}

/** The 93 Annex A controls, in catalog order. */
export function annexAControls(): readonly CatalogControl[] {
  return iso27001().controls;
}

/** One Annex A control by id ('5.15' or 'A.5.15'). */
export function annexAControl(id: string): CatalogControl | undefined {
  return iso27001().byId.get(normalizeControlId(id));
}

/** The four Annex A themes, in order. */
export function annexAThemes(): readonly CatalogTheme[] {
  return iso27001().themes;
}

/** ISO/IEC 27001:2022 clauses and sub-clauses 4–10.2, in order. */
export function clauses(): readonly CatalogClause[] {
  return iso27001().clauses;
}

/** All 99 GDPR articles, in order. */
export function gdprArticles(): readonly GdprArticleDetail[] {
  return gdpr().articles;
}

/** One GDPR article by number. */
export function gdprArticle(number: number): GdprArticleDetail | undefined {
  return gdpr().byNumber.get(number);
}

/** True when `ref` names a real GDPR article, optionally with paragraph/point: '32', '32(1)(b)'. */
export function gdprReferenceValid(ref: string): boolean {
  const m = GDPR_REF.exec(ref);
  return m !== null && gdpr().byNumber.has(Number(m[1]));
}

/** The article number of a GDPR reference ('32(1)(b)' → 32), or undefined when it is not one. */
export function gdprArticleOf(ref: string): number | undefined {
  const m = GDPR_REF.exec(ref);
  return m ? Number(m[1]) : undefined;
}

/** Our mapping: the GDPR provisions the Annex A control supports, each with its reason. Empty when none. */
export function gdprLinksOf(controlId: string): readonly ControlGdprLink[] {
  return mapping().get(normalizeControlId(controlId)) ?? [];
}

/** Every link of our mapping, in control order. */
export function gdprLinks(): readonly ControlGdprLink[] {
  return annexAControls().flatMap((c) => gdprLinksOf(c.id));
}

/** The other shipped frameworks in the tenantproof format (ISO/IEC 27017:2015, 27701:2019), by id. */
export function shippedFrameworks(): ReadonlyMap<string, FrameworkDocument> {
  return extraFrameworks();
}
