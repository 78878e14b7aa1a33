import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oscalValidator } from '../support/oscal.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/**
 * Catalogs through the API: the shipped ones (ISO/IEC 27001:2022 with our GDPR links, GDPR, 27017, 27701), an
 * organization's own frameworks (YAML or JSON; a duplicate control id is a 422 naming its line, and nothing is
 * written), their bundle section, the OSCAL exports validated against NIST's schemas, and `tenantproof framework`.
 */
describe('catalogs, frameworks and OSCAL', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;
  type Method = 'GET' | 'POST' | 'DELETE';
  const api = (token: string, method: Method, url: string, payload?: unknown) =>
    as(h, token, { method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const inOrg = <T>(orgId: string, fn: (trx: any) => Promise<T>) => withContext(h.database.db, { orgId, tenantId: null, userId: null }, fn);
  const count = (orgId: string, query: string) => inOrg(orgId, async (trx) => Number((await sql.raw<{ n: string }>(query).execute(trx)).rows[0]!.n));
  const frameworkCount = (orgId = s.org.orgId) => count(orgId, 'SELECT count(*) AS n FROM org_frameworks');
  const controlCount = (orgId = s.org.orgId) => count(orgId, 'SELECT count(*) AS n FROM org_framework_controls');
  const ledgerCount = (orgId = s.org.orgId) => count(orgId, "SELECT count(*) AS n FROM ledger_entries WHERE kind = 'change'");
  const frameworkEntries = (orgId = s.org.orgId) => inOrg(orgId, (trx) => trx.selectFrom('ledger_entries')
    .select(['action', 'object_id', 'summary']).where('object_type', '=', 'framework').orderBy('idx').execute());

  const yamlOf = (id: string, extra = '') => `framework:
  id: ${id}
  name: ACME cloud baseline
  version: "2025.1"
  provenance: Written by the ACME security team
groups:
  - { id: AC, title: Access control }
controls:
  - id: AC-1
    title: Named accounts only
    group: AC
  - id: AC-2
    title: MFA for administrators
${extra}`;

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'catalogs');
    other = await seedOrg(h, 'catalogs-other');
  });
  afterAll(async () => { await h?.close(); });

  it('lists the four shipped catalogs and the organization\'s own; a tenant-viewer reads none', async () => {
    const res = await api(s.tokens.auditor, 'GET', '/api/catalogs');
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json() as Array<{ id: string; source: string; controlCount: number; frameworkId?: string }>;
    expect(list.filter((c) => c.source === 'shipped').map((c) => [c.id, c.controlCount])).toEqual([
      ['iso27001-2022', 93], ['gdpr', 99], ['iso27017-2015', 7], ['iso27701-2019', 49],
    ]);
    expect(list.filter((c) => c.source === 'organization').map((c) => c.id)).toEqual([s.ids.frameworkKey]);
    // the other organization's seeded framework is not in this list
    expect(res.body).not.toContain(other.ids.frameworkKey);
    expect((await api(s.tokens['tenant-viewer'], 'GET', '/api/catalogs')).statusCode).toBe(403);
  });

  it('serves ISO/IEC 27001:2022 whole: 93 controls by theme with GDPR links, and the clauses', async () => {
    const res = await api(s.tokens.engineer, 'GET', '/api/catalogs/iso27001-2022');
    expect(res.statusCode, res.body).toBe(200);
    const cat = res.json();
    expect(cat.controls).toHaveLength(93);
    expect(cat.groups.map((g: { id: string }) => g.id)).toEqual(['organizational', 'people', 'physical', 'technological']);
    expect(cat.clauses).toHaveLength(41);
    const ac = cat.controls.find((c: { id: string }) => c.id === '5.15');
    expect(ac).toMatchObject({ title: 'Access control', group: 'organizational' });
    expect(ac.gdpr).toContainEqual(expect.objectContaining({ gdpr: '5(1)(f)', article: 5, articleTitle: 'Principles relating to processing of personal data' }));
    const gdpr = (await api(s.tokens.engineer, 'GET', '/api/catalogs/gdpr')).json();
    expect(gdpr.controls).toHaveLength(99);
    expect(gdpr.controls[31]).toEqual({ id: '32', title: 'Security of processing', group: 'IV' });
    const cloud = (await api(s.tokens.engineer, 'GET', '/api/catalogs/iso27017-2015')).json();
    expect(cloud.controls[0]).toMatchObject({ id: 'CLD.6.3.1', group: 'CLD.6.3' });
    expect((await api(s.tokens.engineer, 'GET', '/api/catalogs/no-such-catalog')).statusCode).toBe(404);
    expect((await api(s.tokens.engineer, 'GET', '/api/catalogs/NOT%20AN%20ID')).statusCode).toBe(400);
  });

  it('serves one Annex A control with its GDPR links, by "5.15" or "A.5.15"', async () => {
    const res = await api(s.tokens.auditor, 'GET', '/api/catalogs/iso27001-2022/controls/A.8.24');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: '8.24', ref: 'A.8.24', title: 'Use of cryptography', theme: 'technological' });
    expect(res.json().gdpr.map((g: { gdpr: string }) => g.gdpr)).toContain('32(1)(a)');
    const missing = await api(s.tokens.auditor, 'GET', '/api/catalogs/iso27001-2022/controls/5.38');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', field: 'id' });
  });

  it('adds a framework from YAML (201, ledger entry) and serves it; deletes it (204, ledger entry)', async () => {
    const key = unique('acme');
    const before = await ledgerCount();
    const res = await api(s.tokens['isms-manager'], 'POST', '/api/frameworks', { yaml: yamlOf(key) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: key, source: 'organization', controlCount: 2, version: '2025.1', frameworkId: expect.any(String) });
    expect(await ledgerCount()).toBe(before + 1);
    const detail = (await api(s.tokens.auditor, 'GET', `/api/catalogs/${key}`)).json();
    expect(detail.controls).toEqual([{ id: 'AC-1', title: 'Named accounts only', group: 'AC' }, { id: 'AC-2', title: 'MFA for administrators' }]);
    expect(detail.groups).toEqual([{ id: 'AC', title: 'Access control' }]);
    // another organization neither sees it nor can delete it
    expect((await api(other.tokens.owner, 'GET', `/api/catalogs/${key}`)).statusCode).toBe(404);
    expect((await api(other.tokens.owner, 'DELETE', `/api/frameworks/${res.json().frameworkId}`)).statusCode).toBe(404);
    // the same id again is a conflict, and nothing is written
    const again = await api(s.tokens.owner, 'POST', '/api/frameworks', { yaml: yamlOf(key) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'conflict', field: 'framework.id' });
    const del = await api(s.tokens.owner, 'DELETE', `/api/frameworks/${res.json().frameworkId}`);
    expect(del.statusCode, del.body).toBe(204);
    expect((await api(s.tokens.owner, 'GET', `/api/catalogs/${key}`)).statusCode).toBe(404);
    expect((await api(s.tokens.owner, 'DELETE', `/api/frameworks/${res.json().frameworkId}`)).statusCode).toBe(404);
    const entries = (await frameworkEntries()).filter((e: any) => e.object_id === res.json().frameworkId);
    expect(entries.map((e: any) => e.action)).toEqual(['create', 'delete']);
  });

  it('adds a framework from JSON of the same format', async () => {
    const key = unique('json');
    const res = await api(s.tokens.owner, 'POST', '/api/frameworks', {
      framework: { id: key, name: 'JSON framework', version: '1', provenance: 'Ours.' }, controls: [{ id: 'J-1', title: 'One', description: 'Plain words.' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await api(s.tokens.owner, 'GET', `/api/catalogs/${key}`)).json().controls).toEqual([{ id: 'J-1', title: 'One', description: 'Plain words.' }]);
  });

  it('bad input: a duplicate control id is a 422 naming the id, its line and field; nothing is written', async () => {
    const frameworks = await frameworkCount();
    const controls = await controlCount();
    const entries = await ledgerCount();
    const dup = await api(s.tokens.owner, 'POST', '/api/frameworks', { yaml: yamlOf(unique('dup'), '  - id: AC-1\n    title: Again\n') });
    expect(dup.statusCode, dup.body).toBe(422);
    const body = dup.json();
    expect(body).toMatchObject({ error: 'invalid_value', field: 'controls[2].id' });
    expect(body.message).toContain('line 14');
    expect(body.message).toContain('duplicate control id "AC-1" (first defined at line 9)');
    expect(body.problems).toEqual([{ line: 14, column: 9, field: 'controls[2].id', message: 'duplicate control id "AC-1" (first defined at line 9)' }]);

    const json = await api(s.tokens.owner, 'POST', '/api/frameworks', {
      framework: { id: unique('dupjson'), name: 'X', version: '1', provenance: 'Ours.' }, controls: [{ id: 'A', title: 'a' }, { id: 'A', title: 'b' }],
    });
    expect(json.statusCode).toBe(422);
    expect(json.json()).toMatchObject({ error: 'invalid_value', field: 'controls[1].id' });

    const cases: Array<[unknown, number, string]> = [
      [{ yaml: 'framework: [unclosed\n' }, 422, 'framework'],
      [{ yaml: yamlOf('gdpr') }, 422, 'framework.id'],
      [{ yaml: yamlOf('Bad Id') }, 422, 'framework.id'],
      [{ yaml: yamlOf(unique('both')), controls: [] }, 422, 'yaml'],
      [{ yaml: '' }, 400, 'yaml'],
      [{ something: 1 }, 400, 'something'],
      [{ framework: { id: unique('x'), name: 'X', version: '1', provenance: 'p' }, controls: [{ id: 'A', title: 'a', group: 'nope' }] }, 422, 'controls[0].group'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await api(s.tokens.owner, 'POST', '/api/frameworks', payload);
      expect(res.statusCode, `${JSON.stringify(payload).slice(0, 60)} → ${res.body}`).toBe(status);
      if (field !== 'framework') expect(res.json().field, res.body).toBe(field);
      else expect(res.json().problems?.[0]?.message ?? res.json().message).toMatch(/YAML syntax error/);
    }
    expect(await frameworkCount()).toBe(frameworks);
    expect(await controlCount()).toBe(controls);
    expect(await ledgerCount()).toBe(entries);
  });

  it('only owners and ISMS managers add or delete frameworks', async () => {
    for (const role of ['engineer', 'auditor', 'tenant-viewer'] as const) {
      const res = await api(s.tokens[role], 'POST', '/api/frameworks', { yaml: yamlOf(unique('role')) });
      expect(res.statusCode, role).toBe(403);
      expect((await api(s.tokens[role], 'DELETE', `/api/frameworks/${s.ids.framework}`)).statusCode, role).toBe(403);
    }
    expect((await api(s.tokens.auditor, 'GET', `/api/catalogs/${s.ids.frameworkKey}`)).statusCode).toBe(200);
  });

  it('round-trips frameworks through the bundle; a duplicate control id in a bundle names its line', async () => {
    const key = unique('bundled');
    expect((await api(s.tokens.owner, 'POST', '/api/frameworks', { yaml: yamlOf(key) })).statusCode).toBe(201);
    const exported = await api(s.tokens.owner, 'GET', '/api/bundle');
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body).toContain(`id: ${key}`);
    // applying the export to another organization creates the frameworks there; applying it again changes nothing
    const text = exported.body.replace(/organization:\n(\s+)slug: \S+/, `organization:\n$1slug: ${other.org.slug}`);
    const applied = await api(other.tokens.owner, 'POST', '/api/bundle/apply', { yaml: text });
    expect(applied.statusCode, applied.body.slice(0, 500)).toBe(200);
    expect(applied.json().counts.frameworks.created).toBeGreaterThanOrEqual(2);
    expect((await api(other.tokens.owner, 'GET', `/api/catalogs/${key}`)).json().controls).toHaveLength(2);
    const twice = await api(other.tokens.owner, 'POST', '/api/bundle/apply', { yaml: text });
    expect(twice.json().counts.frameworks).toMatchObject({ created: 0, updated: 0 });
    // a changed framework is replaced whole (same stored id), with an update entry in the ledger
    const storedId = (await api(other.tokens.owner, 'GET', '/api/catalogs')).json().find((c: { id: string }) => c.id === key).frameworkId;
    const changed = `apiVersion: tenantproof.dev/v1\nkind: IsmsBundle\norganization: { slug: ${other.org.slug}, name: Other }\nframeworks:\n  - framework: { id: ${key}, name: ACME cloud baseline, version: "2026.1", provenance: Written by the ACME security team }\n    controls:\n      - { id: AC-9, title: Only one control now }\n`;
    const replaced = await api(other.tokens.owner, 'POST', '/api/bundle/apply', { yaml: changed });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().counts.frameworks).toMatchObject({ created: 0, updated: 1 });
    expect(replaced.json().objects).toContainEqual({ section: 'frameworks', slug: key, outcome: 'updated', changed: ['version', 'groups', 'controls'] });
    const after = (await api(other.tokens.owner, 'GET', `/api/catalogs/${key}`)).json();
    expect(after).toMatchObject({ version: '2026.1', frameworkId: storedId, controlCount: 1, groups: [] });
    expect(after.controls).toEqual([{ id: 'AC-9', title: 'Only one control now' }]);
    expect((await frameworkEntries(other.org.orgId)).filter((e: any) => e.object_id === storedId).map((e: any) => e.action)).toEqual(['create', 'update']);

    const bad = `apiVersion: tenantproof.dev/v1\nkind: IsmsBundle\norganization: { slug: ${other.org.slug}, name: Other }\nframeworks:\n  - framework: { id: ${unique('bb')}, name: B, version: '1', provenance: us }\n    controls:\n      - { id: X-1, title: one }\n      - { id: X-1, title: two }\n`;
    const before = await frameworkCount(other.org.orgId);
    const res = await api(other.tokens.owner, 'POST', '/api/bundle/apply', { yaml: bad });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toBe('bundle_invalid');
    expect(res.json().problems[0]).toMatchObject({ line: 8, field: expect.stringContaining('controls') });
    expect(res.json().problems[0].message).toContain('duplicate control id "X-1"');
    expect(await frameworkCount(other.org.orgId)).toBe(before);
  });

  it('exports the Annex A catalog as OSCAL that validates against NIST\'s catalog schema', async () => {
    const res = await api(s.tokens.auditor, 'GET', '/api/oscal/catalog');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.json();
    const { validate } = oscalValidator('catalog');
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.catalog.groups.flatMap((g: { controls: unknown[] }) => g.controls)).toHaveLength(93);
    // the same request gives the same document
    expect((await api(s.tokens.owner, 'GET', '/api/oscal/catalog')).body).toBe(res.body);
    expect((await api(s.tokens['tenant-viewer'], 'GET', '/api/oscal/catalog')).statusCode).toBe(403);
  });

  it('exports the control implementations as an OSCAL component definition that validates', async () => {
    const create = (body: Record<string, unknown>) => api(s.tokens.owner, 'POST', '/api/control-implementations', body);
    const common = await create({ slug: unique('ci'), name: 'Central access policy', controlId: '5.15', layer: 'common', status: 'operating', owner: 'Security', description: 'Role-based access through the IdP.' });
    expect(common.statusCode, common.body).toBe(201);
    const overlay = await create({ slug: unique('ci'), name: 'Hourly backups', controlId: '8.13', layer: 'overlay', status: 'implemented', targetServiceIds: [s.ids.service2], description: 'Hourly snapshots.' });
    expect(overlay.statusCode, overlay.body).toBe(201);
    const res = await api(s.tokens.auditor, 'GET', '/api/oscal/component-definition');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const doc = res.json();
    const { validate } = oscalValidator('component');
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const components = doc['component-definition'].components as Array<{ title: string; 'control-implementations': Array<{ 'implemented-requirements': Array<{ 'control-id': string; description: string }> }> }>;
    const platform = components.find((c) => c.title.endsWith('shared platform'))!;
    expect(platform['control-implementations'][0]!['implemented-requirements'].map((r) => r['control-id'])).toContain('a.5.15');
    const backup = components.find((c) => c.title === 'Backup')!;
    expect(backup['control-implementations'][0]!['implemented-requirements']).toEqual([expect.objectContaining({ 'control-id': 'a.8.13', description: expect.stringContaining('Hourly snapshots.') })]);
    // another organization's export has none of it
    const theirs = await api(other.tokens.owner, 'GET', '/api/oscal/component-definition');
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('Central access policy');
    expect(theirs.body).not.toContain(s.org.orgId);
  });
});

describe('tenantproof framework (CLI)', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
    const child = execFile(NODE, [CLI_MAIN, ...args], { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
    child.stdin!.end();
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenantproof-framework-'));
    env = { ...process.env, TENANTPROOF_DATA: join(dir, 'data'), LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
    delete env.DATABASE_URL;
  });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('check: 0 for a valid file, 1 with file:line for a duplicate control id, 2 for a missing file', async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'framework: { id: cli-fw, name: CLI, version: "1", provenance: us }\ncontrols:\n  - { id: C-1, title: one }\n  - { id: C-2, title: two }\n');
    const ok = await run(['framework', 'check', good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('is valid: 2 controls');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'framework: { id: cli-fw, name: CLI, version: "1", provenance: us }\ncontrols:\n  - { id: C-1, title: one }\n  - { id: C-1, title: two }\n');
    const dup = await run(['framework', 'check', bad]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain(`${bad}:4:`);
    expect(dup.stderr).toContain('controls[1].id: duplicate control id "C-1" (first defined at line 3)');
    expect((await run(['framework', 'check', join(dir, 'missing.yaml')])).code).toBe(2);
  }, 60_000);

  it('add: an invalid file writes nothing (exit 1); a valid one is added to the organization', async () => {
    const created = await run(['org', 'create', '--slug', 'fw-cli', '--name', 'Framework CLI']);
    expect(created.code, created.stderr).toBe(0);
    const bad = join(dir, 'bad.yaml');
    const refused = await run(['framework', 'add', bad, '--org', 'fw-cli']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing was written');
    const good = join(dir, 'good.yaml');
    const added = await run(['framework', 'add', good, '--org', 'fw-cli']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('added framework cli-fw');
    const again = await run(['framework', 'add', good, '--org', 'fw-cli']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a framework "cli-fw"');
  }, 120_000);
});
