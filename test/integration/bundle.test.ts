import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BUNDLE_PATH } from '../../src/paths.js';
import { applyBundle, BundleInvalidError, exportBundle } from '../../src/services/bundle.js';
import { DEMO_ORG_SLUG, DEMO_USERS, loadDemo } from '../../src/services/demo.js';
import { findOrg, operatorActor, type OrgRef } from '../../src/services/provisioning.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/**
 * ISMS as code: export → apply → export is byte-identical, apply is idempotent and all-or-nothing, and an
 * invalid bundle names file, line and field. On the demo organization, which is the largest real bundle we have.
 */
describe('bundle export and apply', () => {
  let h: Harness;
  let demo: OrgRef;
  let seeded: SeededOrg;
  const operator = () => operatorActor(demo.orgId);
  const exportDemo = () => exportBundle(h.database.db, operator());
  const changeCount = async () => (await as(h, seeded.tokens.owner, { method: 'GET', url: '/api/dashboard' })).json().recentChanges.length;

  /** Expect `fn` to fail with an invalid bundle whose first problem is at `line` and names `field`. */
  async function expectInvalid(fn: () => Promise<unknown>, where: { line?: number; field?: string; message?: RegExp }) {
    const error = await fn().then(() => null, (e: unknown) => e);
    expect(error, 'the apply should have failed').toBeInstanceOf(BundleInvalidError);
    const problem = (error as BundleInvalidError).sourceProblems[0]!;
    if (where.line !== undefined) expect(problem.line).toBe(where.line);
    if (where.field !== undefined) expect(problem.field).toBe(where.field);
    if (where.message) expect(problem.message).toMatch(where.message);
    return error as BundleInvalidError;
  }

  beforeAll(async () => {
    h = await startHarness();
    const result = await loadDemo(h.database.db, { mode: 'development' });
    demo = result.org;
    seeded = await seedOrg(h, 'bundle');
  }, 60_000);
  afterAll(async () => { await h?.close(); });

  it('the demo loads the example bundle with its users, and loading again changes nothing', async () => {
    expect(demo.isDemo).toBe(true);
    const again = await loadDemo(h.database.db, { mode: 'development' });
    expect(again.created).toBe(false);
    const text = await exportDemo();
    expect(text.match(/^ {2}- slug: /gm)!.length).toBeGreaterThanOrEqual(5 + 8 + 12 + 40 + 60);
    const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: DEMO_USERS[1]!.email, password: 'tenantproof-demo' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().org.slug).toBe(DEMO_ORG_SLUG);
  });

  it('the demo is refused in production mode', async () => {
    await expect(loadDemo(h.database.db, { mode: 'production' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('export → apply → export is byte-identical, and the apply reports every object unchanged', async () => {
    const first = await exportDemo();
    const report = await applyBundle(h.database.db, operator(), first, { file: 'export.yaml' });
    for (const counts of Object.values(report.counts)) {
      expect(counts.created + counts.updated).toBe(0);
    }
    expect(report.objects.length).toBeGreaterThan(150);
    expect(await exportDemo()).toBe(first);
  });

  it('applying the example bundle as written changes nothing (the loader and the file agree)', async () => {
    const report = await applyBundle(h.database.db, operator(), readFileSync(DEMO_BUNDLE_PATH, 'utf8'));
    expect(report.objects.filter((o) => o.outcome !== 'unchanged')).toEqual([]);
  });

  it('a bundle applied to a new organization exports to the same bytes (ids differ, slugs do not)', async () => {
    const slug = unique('copy');
    const source = (await exportDemo()).replace(`slug: ${DEMO_ORG_SLUG}\n`, `slug: ${slug}\n`);
    const actor = operatorActor(randomUUID());
    const report = await applyBundle(h.database.db, actor, source, { createOrganization: { isDemo: false } });
    expect(report.organization.outcome).toBe('created');
    expect(report.counts.systems!.created).toBeGreaterThanOrEqual(40);
    expect(await exportBundle(h.database.db, actor)).toBe(source);
    const copy = await findOrg(h.database.db, slug);
    expect(copy?.orgId).toBe(actor.orgId);
  });

  it('updates only what changed, records it, and a second apply is unchanged', async () => {
    const text = await exportBundle(h.database.db, operatorActor(seeded.org.orgId));
    const edited = text.replace('name: Shared DB', 'name: Shared database').replace(/(- slug: hosting\n\s+name: )Hosting/, '$1Hosting services');
    const before = await changeCount();
    const report = await applyBundle(h.database.db, operatorActor(seeded.org.orgId), edited);
    expect(report.objects.filter((o) => o.outcome === 'updated')).toEqual([
      { section: 'services', slug: 'hosting', outcome: 'updated', changed: ['name'] },
      { section: 'systems', slug: 'shared-db', outcome: 'updated', changed: ['name'] },
    ]);
    expect(await changeCount()).toBe(Math.min(20, before + 2));
    const again = await applyBundle(h.database.db, operatorActor(seeded.org.orgId), edited);
    expect(again.objects.every((o) => o.outcome === 'unchanged')).toBe(true);
  });

  it('creates new objects that refer to each other by slug, and a dry run writes nothing', async () => {
    const org = operatorActor(seeded.org.orgId);
    const text = `${await exportBundle(h.database.db, org)}`
      .replace(/^dataFlows:\n/m, 'dataFlows:\n  - { slug: new-flow, name: New flow, fromSystem: new-system, toVendor: cloud, dataCategories: [personal-data] }\n')
      .replace(/^systems:\n/m, 'systems:\n  - { slug: new-system, name: New system, kind: logging, environment: production, tenancy: dedicated, tenants: [tenant-a], inScope: true, hostingVendor: cloud }\n');
    const before = await exportBundle(h.database.db, org);
    const dry = await applyBundle(h.database.db, org, text, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.counts.systems!.created).toBe(1);
    expect(dry.counts.dataFlows!.created).toBe(1);
    expect(await exportBundle(h.database.db, org)).toBe(before);
    const real = await applyBundle(h.database.db, org, text);
    expect(real.counts.dataFlows!.created).toBe(1);
    const after = await exportBundle(h.database.db, org);
    expect(after).toContain('- slug: new-flow');
    expect(after).toMatch(/- slug: new-system\n(?:.*\n)*?\s+tenants:\n\s+- tenant-a/);
  });

  describe('an invalid bundle writes nothing and names file, line and field', () => {
    let base: string;
    let org: ReturnType<typeof operatorActor>;
    let fresh: SeededOrg;
    beforeAll(async () => {
      fresh = await seedOrg(h, 'invalid');
      org = operatorActor(fresh.org.orgId);
      base = await exportBundle(h.database.db, org);
    });
    const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    const unchanged = async () => expect(await exportBundle(h.database.db, org)).toBe(base);

    it('a YAML syntax error', async () => {
      const text = base.replace('name: Shared DB', 'name: [Shared DB');
      const e = await expectInvalid(() => applyBundle(h.database.db, org, text, { file: 'broken.yaml' }), { message: /YAML syntax error/ });
      expect(e.sourceProblems[0]!.file).toBe('broken.yaml');
      expect(e.sourceProblems[0]!.line).toBeGreaterThan(1);
      expect(e.message).toMatch(/^The bundle is not valid; nothing was written\.\nbroken\.yaml:\d+:\d+: /);
      await unchanged();
    });

    it('a reference to a system that does not exist', async () => {
      const text = base.replace('fromSystem: dedicated-a', 'fromSystem: no-such-system');
      await expectInvalid(() => applyBundle(h.database.db, org, text), {
        line: lineOf(text, 'fromSystem: no-such-system'), field: 'dataFlows[0].fromSystem', message: /no system with slug "no-such-system"/,
      });
      await unchanged();
    });

    it('a reference inside a list', async () => {
      const text = base.replace(/tenants:\n(\s+)- tenant-a/, 'tenants:\n$1- tenant-zz');
      await expectInvalid(() => applyBundle(h.database.db, org, text), { field: 'systems[0].tenants[0]', message: /no tenant with slug "tenant-zz"/ });
      await unchanged();
    });

    it('an unknown field, a wrong type and a value outside the enum, all reported', async () => {
      const text = base.replace('name: Shared DB', 'name: Shared DB\n    colour: blue').replace('tier: B', 'tier: Z').replace('inScope: true', 'inScope: "yes"');
      const e = await expectInvalid(() => applyBundle(h.database.db, org, text), {});
      const fields = e.sourceProblems.map((p) => `${p.line}:${p.field}`);
      expect(fields).toContain(`${lineOf(text, 'colour: blue')}:systems[2].colour`);
      expect(fields).toContain(`${lineOf(text, 'tier: Z')}:tenants[1].tier`);
      expect(e.sourceProblems.map((p) => p.field)).toContain('systems[0].inScope');
      await unchanged();
    });

    it('a missing required field points at its item', async () => {
      const text = base.replace(/(- slug: backup\n)\s+name: Backup\n/, '$1');
      await expectInvalid(() => applyBundle(h.database.db, org, text), { line: lineOf(text, '- slug: backup'), field: 'services[0]', message: /name is required/ });
      await unchanged();
    });

    it('the same slug twice in a section', async () => {
      const text = base.replace('- slug: backup\n', '- slug: hosting\n');
      await expectInvalid(() => applyBundle(h.database.db, org, text), { field: 'services[1].slug', message: /used twice/ });
      await unchanged();
    });

    it('a rule of the model (an excluded system without justification), placed at its field', async () => {
      const text = base.replace(/(- slug: shared-db\n(?:.*\n)*?\s+)inScope: true/, '$1inScope: false');
      await expectInvalid(() => applyBundle(h.database.db, org, text), { field: 'systems[2].exclusionJustification', message: /exclusion justification/ });
      await unchanged();
    });

    it('a bundle of another organization', async () => {
      const text = base.replace(`slug: ${fresh.org.slug}`, 'slug: some-other-org');
      await expectInvalid(() => applyBundle(h.database.db, org, text), { line: 4, field: 'organization.slug', message: /not "/ });
      await unchanged();
    });

    it('a document that is not a bundle', async () => {
      await expectInvalid(() => applyBundle(h.database.db, org, '- just\n- a list\n'), { line: 1, message: /a bundle is a YAML mapping/ });
      await expectInvalid(() => applyBundle(h.database.db, org, 'apiVersion: v0\nkind: IsmsBundle\norganization: {slug: x, name: y}\n'), { line: 1, field: 'apiVersion' });
      await unchanged();
    });
  });

  describe('over the API', () => {
    it('an auditor exports, cannot apply; a tenant-viewer can do neither', async () => {
      const exported = await as(h, seeded.tokens.auditor, { method: 'GET', url: '/api/bundle' });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toMatch(/^application\/yaml/);
      const apply = await as(h, seeded.tokens.auditor, { method: 'POST', url: '/api/bundle/apply', payload: { yaml: exported.body } });
      expect(apply.statusCode).toBe(403);
      expect((await as(h, seeded.tokens.viewerA, { method: 'GET', url: '/api/bundle' })).statusCode).toBe(403);
      expect((await as(h, seeded.tokens.engineer, { method: 'POST', url: '/api/bundle/apply', payload: { yaml: exported.body } })).statusCode).toBe(403);
    });

    it('an isms-manager applies; an invalid bundle is a 422 listing every problem with its line', async () => {
      const text = (await as(h, seeded.tokens['isms-manager'], { method: 'GET', url: '/api/bundle' })).body;
      const ok = await as(h, seeded.tokens['isms-manager'], { method: 'POST', url: '/api/bundle/apply', payload: { yaml: text, dryRun: true } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().dryRun).toBe(true);
      const bad = await as(h, seeded.tokens['isms-manager'], { method: 'POST', url: '/api/bundle/apply', payload: { yaml: text.replace('tier: B', 'tier: Z').replace('fromSystem: dedicated-a', 'fromSystem: nope') } });
      expect(bad.statusCode).toBe(422);
      const body = bad.json();
      expect(body.error).toBe('bundle_invalid');
      expect(body.problems[0]).toMatchObject({ field: 'tenants[1].tier', message: expect.stringMatching(/one of: A, B, C/) });
      expect(body.problems[0].line).toBeGreaterThan(1);
      const unknown = await as(h, seeded.tokens['isms-manager'], { method: 'POST', url: '/api/bundle/apply', payload: { yaml: text, extra: 1 } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().field).toBe('extra');
    });
  });
});
