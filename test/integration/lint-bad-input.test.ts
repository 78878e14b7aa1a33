import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, startHarness, as, type Harness, type SeededOrg } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/**
 * Issue 5's bad bundles, through `tenantproof lint` (offline) and through the API's bundle apply: a flow to a
 * system that does not exist, a cycle of flows, a system with no kind, a tenant with an unknown region, an empty
 * bundle, a 100 MB bundle. Each is reported precisely (file, line, field) or analysed; nothing crashes.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const head = (slug: string) => `apiVersion: tenantproof.dev/v1
kind: IsmsBundle
organization: { slug: ${slug}, name: Bad Input }
services:
  - { slug: app, name: App }
`;
const systems = `systems:
  - { slug: a, name: A, kind: application, environment: production, regions: [ us-east-1 ], tenancy: multi-tenant, services: [ app ], dataCategories: [ personal-data ], inScope: true }
  - { slug: b, name: B, kind: database, environment: production, regions: [ us-east-1 ], tenancy: multi-tenant, dataCategories: [ personal-data ], inScope: true }
`;
const flow = (slug: string, from: string, to: string) => `  - { slug: ${slug}, name: ${slug}, fromSystem: ${from}, toSystem: ${to}, dataCategories: [ personal-data ] }\n`;

/** Each bad bundle, and what must be said about it: line, column and field. */
const bundles = (slug: string) => ({
  dangling: { text: `${head(slug)}${systems}dataFlows:\n${flow('f1', 'a', 'ghost')}`, line: 10, field: 'dataFlows[0].toSystem', says: 'no system with slug "ghost"' },
  noKind: { text: `${head(slug)}systems:\n  - { slug: a, name: A, environment: production, tenancy: multi-tenant, services: [ app ], inScope: true }\n`, line: 7, field: 'systems[0]', says: 'kind is required' },
  region: { text: `${head(slug)}tenants:\n  - { slug: t, name: T, tier: A, tenancyPattern: pooled, allowedRegions: [ mars-north-1 ], services: [ app ] }\n`, line: 7, field: 'tenants[0].allowedRegions[0]', says: 'must be one of' },
  empty: { text: '', line: 1, field: '', says: 'a bundle is a YAML mapping' },
});
/** Data goes round a cycle a → b → a; the tenant allows only the EU, both systems are in us-east-1. */
const cycle = (slug: string) => `${head(slug)}tenants:\n  - { slug: t, name: T, tier: A, tenancyPattern: pooled, allowedRegions: [ EU ], services: [ app ] }\n${systems}dataFlows:\n${flow('ab', 'a', 'b')}${flow('ba', 'b', 'a')}`;

interface Run { code: number; stdout: string; stderr: string }
const lint = (...args: string[]): Promise<Run> => new Promise((resolve) => {
  const env: NodeJS.ProcessEnv = { ...process.env, TENANTPROOF_DATA: '/nonexistent/tenantproof-lint-must-not-open-a-database' };
  delete env.DATABASE_URL;
  execFile(NODE, [CLI_MAIN, 'lint', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
    resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
  });
});

describe('bad bundles: tenantproof lint', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tenantproof-bad-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('names file, line, column and field of every invalid bundle and exits 2', async () => {
    const cases = Object.entries(bundles('bad-input'));
    for (const [name, b] of cases) writeFileSync(join(dir, `${name}.yaml`), b.text);
    const runs = await Promise.all(cases.map(([name]) => lint(join(dir, `${name}.yaml`))));
    cases.forEach(([name, b], i) => {
      const r = runs[i]!;
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(new RegExp(`${name}\\.yaml:${b.line}:\\d+: ${b.field.replace(/[[\].]/g, '\\$&')}${b.field ? ': ' : ''}`));
      expect(r.stderr, name).toContain(b.says);
      expect(r.stderr, name).not.toMatch(/\n\s+at /); // no stack trace
    });
  }, 120_000);

  it('follows a cycle of flows to its end and reports the residency breach it carries', async () => {
    writeFileSync(join(dir, 'cycle.yaml'), cycle('bad-input'));
    const r = await lint(join(dir, 'cycle.yaml'), '--format', 'json', '--today', '2026-03-01');
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    const breaches = report.findings.filter((f: any) => f.ruleId === 'data-residency-breach').map((f: any) => f.subject.slug).sort();
    expect(breaches).toEqual(['a', 'b']);
  }, 60_000);

  it('refuses a 100 MB bundle before reading it, with exit 2', async () => {
    const file = join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    const chunk = Buffer.alloc(1024 * 1024, '#');
    for (let i = 0; i < 100; i++) writeSync(fd, chunk);
    closeSync(fd);
    const started = Date.now();
    const r = await lint(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huge\.yaml: 104857600 bytes is more than a bundle may be \(32 MiB\); nothing was read/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

describe('bad bundles: POST /api/bundle/apply', () => {
  let h: Harness;
  let s: SeededOrg;
  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'bad-bundle');
  }, 60_000);
  afterAll(async () => { await h?.close(); });
  const apply = (yaml: string, dryRun = false) => as(h, s.tokens.owner, { method: 'POST', url: '/api/bundle/apply', payload: { yaml, dryRun } });
  const exported = async () => (await as(h, s.tokens.owner, { method: 'GET', url: '/api/bundle' })).body;

  it('422 bundle_invalid with the line, column and field of each problem (an empty one: 400 on yaml); nothing is written', async () => {
    const before = await exported();
    const { empty, ...invalid } = bundles(s.org.slug);
    const none = await apply(empty.text);
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ error: 'validation_failed', field: 'yaml' });
    const blank = await apply('\n');
    expect(blank.statusCode).toBe(422);
    expect(blank.json().problems[0]).toMatchObject({ line: 1, message: expect.stringContaining(empty.says) });
    for (const [name, b] of Object.entries(invalid)) {
      const r = await apply(b.text);
      expect(r.statusCode, `${name}: ${r.body}`).toBe(422);
      const body = r.json();
      expect(body.error).toBe('bundle_invalid');
      expect(body.problems[0], name).toMatchObject({ line: b.line, field: b.field, message: expect.stringContaining(b.says) });
      expect(body.problems[0].column).toBeGreaterThan(0);
    }
    expect(await exported()).toBe(before);
  });

  it('a cycle of flows is a valid model: the dry run reports what it would create', async () => {
    const r = await apply(cycle(s.org.slug), true);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().counts.dataFlows.created).toBe(2);
    // applied for real, the analyses follow the cycle to its end
    expect((await apply(cycle(s.org.slug))).statusCode).toBe(200);
    const findings = await as(h, s.tokens.owner, { method: 'GET', url: '/api/scope/findings?rule=data-residency-breach&limit=500' });
    expect(findings.statusCode).toBe(200);
    expect(findings.json().items.map((f: any) => f.subject.slug).filter((x: string) => x === 'a' || x === 'b').sort()).toEqual(['a', 'b']);
  });

  it('a 100 MB body is 413 body_too_large, refused from its length before it is read', async () => {
    const size = 100 * 1024 * 1024;
    let pulled = 0;
    const body = new Readable({
      read() {
        if (pulled >= size) return this.push(null);
        pulled += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, ' '));
      },
    });
    const r = await as(h, s.tokens.owner, { method: 'POST', url: '/api/bundle/apply', headers: { 'content-type': 'application/json', 'content-length': String(size) }, payload: body });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toBe('body_too_large');
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
  });
});
