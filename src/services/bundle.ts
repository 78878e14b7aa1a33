import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { stringify } from 'yaml';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { AppError } from '../api/errors.js';
import { bundleKeyOf, BUNDLE_API_VERSION, BUNDLE_KIND, objectToItem } from '../model/bundle.js';
import { BundleSyntaxError, fieldPath, formatProblem, parseBundleSource, type PathSegment, type SourceProblem } from '../model/bundle-source.js';
import { checkBundle, resolveBundle, type SlugIndex } from '../model/bundle-validate.js';
import { RESOURCES } from '../model/index.js';
import type { ResourceDefinition, ResourceName } from '../model/resource.js';
import { recordChange } from '../ledger/record.js';
import { allResources } from '../store/resource-store.js';
import { BUNDLE_SECTIONS, type BundleSection } from './bundle-sections.js';
import { asActor, changedFields, createWithin, updateWithin } from './resources.js';

type Obj = Record<string, unknown>;
export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface ApplyReport {
  organization: { slug: string; outcome: ApplyOutcome };
  /** Counts per bundle section. */
  counts: Record<string, Record<ApplyOutcome, number>>;
  /** Every object touched, in the order applied; unchanged ones included. */
  objects: Array<{ section: string; slug: string; outcome: ApplyOutcome; changed?: string[] }>;
  dryRun: boolean;
}

/** An invalid bundle: every problem with file, line, column and field. Nothing has been written. */
export class BundleInvalidError extends AppError {
  constructor(readonly sourceProblems: SourceProblem[]) {
    super('bundle_invalid', `The bundle is not valid; nothing was written.\n${sourceProblems.map(formatProblem).join('\n')}`,
      sourceProblems[0]?.field || undefined, undefined,
      sourceProblems.map(({ line, column, field, message }) => ({ line, column, field, message })));
  }
}

class DryRunRollback extends Error {
  constructor(readonly report: ApplyReport) { super('dry run'); }
}

/** The whole organization model as one YAML bundle: deterministic, every field, objects sorted by slug. */
export async function exportBundle(db: Kysely<any>, actor: Actor): Promise<string> {
  authorize(actor, 'read', 'bundle');
  for (const def of RESOURCES) authorize(actor, 'read', def.name);
  for (const section of BUNDLE_SECTIONS) authorize(actor, 'read', section.subject);
  return asActor(db, actor, async (trx) => {
    const org = await trx.selectFrom('orgs').select(['slug', 'name']).executeTakeFirstOrThrow();
    const objects = new Map<ResourceName, Obj[]>();
    const slugs = new Map<ResourceName, Map<string, string>>();
    for (const def of RESOURCES) {
      const rows = await allResources(trx, def);
      objects.set(def.name, rows);
      slugs.set(def.name, new Map(rows.map((r) => [r.id as string, r.slug as string])));
    }
    const slugOf = (target: ResourceName, id: string) => slugs.get(target)?.get(id) ?? id;
    const doc: Obj = { apiVersion: BUNDLE_API_VERSION, kind: BUNDLE_KIND, organization: { slug: org.slug, name: org.name } };
    for (const def of RESOURCES) doc[def.bundleKey] = objects.get(def.name)!.map((o) => objectToItem(def, o, slugOf));
    for (const section of BUNDLE_SECTIONS) doc[section.key] = await section.export(trx, actor);
    return stringify(doc, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
  });
}

/**
 * Upsert a bundle into the actor's organization by slug, in ONE transaction: every object is created, updated
 * (only the fields the bundle gives) or left unchanged; objects absent from the bundle are not touched.
 * Any problem (syntax, schema, unknown reference, rule) aborts the whole apply and names file, line and field.
 */
export interface ApplyOptions {
  /** Shown in problems as the file name. */
  file?: string;
  /** Check and compute the report, then roll back. */
  dryRun?: boolean;
  /** Create the organization (id = actor.orgId) from the bundle's organization block when it does not exist yet: operators only. */
  createOrganization?: { isDemo: boolean };
}

export async function applyBundle(db: Kysely<any>, actor: Actor, text: string, options: ApplyOptions = {}): Promise<ApplyReport> {
  authorize(actor, 'update', 'bundle');
  for (const def of RESOURCES) {
    authorize(actor, 'create', def.name);
    authorize(actor, 'update', def.name);
  }
  for (const section of BUNDLE_SECTIONS) authorize(actor, 'update', section.subject);
  const file = options.file ?? 'bundle.yaml';
  let source;
  try {
    source = parseBundleSource(text, file);
  } catch (error) {
    if (error instanceof BundleSyntaxError) throw new BundleInvalidError(error.problems);
    throw error;
  }
  const checked = checkBundle(source);
  if (!checked.bundle) throw new BundleInvalidError(checked.problems);
  const bundle = checked.bundle;
  const where = (path: PathSegment[], message: string): SourceProblem => ({ file, ...source.locate(path), field: fieldPath(path), message });

  try {
    return await asActor(db, actor, async (trx) => {
      let orgOutcome: ApplyOutcome = 'unchanged';
      let org = await trx.selectFrom('orgs').select(['slug', 'name']).executeTakeFirst();
      if (!org) {
        if (!options.createOrganization || actor.via !== 'cli') throw new AppError('not_found', 'Organization not found.');
        org = await createOrganizationWithin(trx, actor, bundle.organization, options.createOrganization.isDemo);
        orgOutcome = 'created';
      }
      if (bundle.organization.slug !== org.slug) {
        throw new BundleInvalidError([where(['organization', 'slug'], `this bundle is for organization "${bundle.organization.slug}", not "${org.slug}"`)]);
      }
      const stored = new Map<ResourceName, Map<string, Obj>>();
      const index: SlugIndex = new Map();
      for (const def of RESOURCES) {
        const rows = await allResources(trx, def);
        stored.set(def.name, new Map(rows.map((r) => [r.slug as string, r])));
        index.set(def.name, new Map(rows.map((r) => [r.slug as string, r.id as string])));
      }
      const resolved = resolveBundle(source, bundle, index, randomUUID);
      if (resolved.problems.length) throw new BundleInvalidError(resolved.problems);

      const report: ApplyReport = {
        organization: { slug: org.slug, outcome: orgOutcome },
        counts: Object.fromEntries([...RESOURCES.map((d) => d.bundleKey), ...BUNDLE_SECTIONS.map((s) => s.key)].map((key) => [key, { created: 0, updated: 0, unchanged: 0 }])),
        objects: [],
        dryRun: options.dryRun ?? false,
      };
      if (bundle.organization.name !== org.name) {
        await renameWithin(trx, actor, bundle.organization.name);
        report.organization.outcome = 'updated';
      }
      for (const item of resolved.items) {
        const outcome = await applyItem(trx, actor, item.def, item, stored.get(item.def.name)!.get(item.slug), (field, message) =>
          where([item.def.bundleKey, item.index, ...(field ? [bundleKeyOf(item.def, field)] : [])], message));
        report.counts[item.def.bundleKey]![outcome.outcome] += 1;
        report.objects.push({ section: item.def.bundleKey, slug: item.slug, ...outcome });
      }
      // Sections after every generic resource, in their order: they may refer to any object by slug.
      const resolveSlug = (resource: string, slug: string) => resolved.index.get(resource as ResourceName)?.get(slug);
      for (const section of BUNDLE_SECTIONS) {
        const items = bundle.extraSections.get(section.key);
        if (items === undefined) continue;
        const result = await applySection(trx, actor, section, items, resolveSlug, (path, message) => where([section.key, ...path], message));
        report.counts[section.key] = { created: result.created, updated: result.updated, unchanged: result.unchanged };
        for (const o of result.objects) report.objects.push({ section: section.key, slug: o.key, outcome: o.outcome, ...(o.changed ? { changed: o.changed } : {}) });
      }
      if (report.dryRun) throw new DryRunRollback(report);
      return report;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

/** Create, update or leave one object; an error from the rules or the database is placed at the item's line. */
async function applyItem(
  trx: Transaction<any>, actor: Actor, def: ResourceDefinition, item: { id: string; input: Obj }, current: Obj | undefined,
  place: (field: string | undefined, message: string) => SourceProblem,
): Promise<{ outcome: ApplyOutcome; changed?: string[] }> {
  try {
    if (!current) {
      await createWithin(trx, actor, def, item.input, item.id);
      return { outcome: 'created' };
    }
    const changed = changedFields(current, item.input);
    if (changed.length === 0) return { outcome: 'unchanged' };
    await updateWithin(trx, actor, def, current, Object.fromEntries(changed.map((k) => [k, item.input[k]])));
    return { outcome: 'updated', changed: changed.map((f) => bundleKeyOf(def, f)) };
  } catch (error) {
    if (error instanceof AppError && !(error instanceof BundleInvalidError)) {
      throw new BundleInvalidError([place(error.field?.split('.')[0], error.message)]);
    }
    throw error;
  }
}

/** Apply one non-generic section; its AppError (field `<index>.<field>`) is placed at that item's line. */
async function applySection(
  trx: Transaction<any>, actor: Actor, section: BundleSection, items: Obj[], resolveSlug: (resource: string, slug: string) => string | undefined,
  place: (path: PathSegment[], message: string) => SourceProblem,
) {
  try {
    return await section.apply(trx, actor, items, resolveSlug);
  } catch (error) {
    if (error instanceof AppError && !(error instanceof BundleInvalidError)) {
      const path: PathSegment[] = (error.field ?? '').split('.').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      throw new BundleInvalidError([place(path, error.message)]);
    }
    throw error;
  }
}

async function renameWithin(trx: Transaction<any>, actor: Actor, name: string): Promise<void> {
  authorize(actor, 'update', 'org');
  await trx.updateTable('orgs').set({ name, updated_at: sql`now()` }).where('org_id', '=', actor.orgId).execute();
  await recordChange(trx, actor, { action: 'update', objectType: 'organization', objectId: actor.orgId, objectSlug: '', tenantId: null, summary: `Renamed organization to ${name}` });
}

async function createOrganizationWithin(trx: Transaction<any>, actor: Actor, org: { slug: string; name: string }, isDemo: boolean): Promise<{ slug: string; name: string }> {
  try {
    await trx.insertInto('orgs').values({ org_id: actor.orgId, slug: org.slug, name: org.name, is_demo: isDemo }).execute();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('conflict', `An organization with slug "${org.slug}" exists.`, 'organization.slug');
    throw error;
  }
  await recordChange(trx, actor, { action: 'create', objectType: 'organization', objectId: actor.orgId, objectSlug: org.slug, tenantId: null, summary: `Created organization ${org.name}` });
  return org;
}
