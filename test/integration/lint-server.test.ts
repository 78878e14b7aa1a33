import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { lintFromServer } from '../../src/cli/commands/lint-sources.js';
import { loadConfig } from '../../src/config.js';
import { bundleModel } from '../../src/model/scope/from-bundle.js';
import { buildIsmsGraph } from '../../src/model/scope/graph.js';
import { lintScope } from '../../src/model/scope/lint.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { unique } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/**
 * `tenantproof lint` against the organization a server holds: `--org SLUG` reads the database like `export`,
 * `--server URL --token T` reads every page of GET /api/scope/findings. Same formats and exit codes as the
 * bundle form: 0 no error-level finding, 1 at least one, 2 the model could not be read.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TODAY = '2026-03-01';

interface Run { code: number; stdout: string; stderr: string }

describe('tenantproof lint --org and --server', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let bundle: string;
  let offline: ReturnType<typeof lintScope>;
  const org = unique('lint');
  const run = (args: string[], input?: string): Promise<Run> => new Promise((resolve) => {
    const child = execFile(NODE, [CLI_MAIN, ...args], { env, cwd: ROOT, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantproof-lint-'));
    env = { ...process.env, TENANTPROOF_DATA: dataDir, LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
    delete env.DATABASE_URL;
    delete env.TENANTPROOF_TOKEN;
    if (process.env.TEST_DATABASE_URL) env.DATABASE_URL = process.env.TEST_DATABASE_URL;
    const text = readFileSync(join(ROOT, 'examples', 'northwind-msp.yaml'), 'utf8').replace('slug: northwind-msp', `slug: ${org}`);
    bundle = join(dataDir, 'org.yaml');
    writeFileSync(bundle, text);
    offline = lintScope(buildIsmsGraph(bundleModel(text, 'org.yaml').model!.objects), { today: TODAY, isolationTestMaxAgeDays: 90 });
    const applied = await run(['apply', '-f', bundle, '--create-org']);
    expect(applied.code, applied.stderr).toBe(0);
  }, 120_000);
  afterAll(() => { rmSync(dataDir, { recursive: true, force: true }); });

  it('--org finds the stored organization\u2019s gaps, the same as the bundle it was applied from, and exits 1', async () => {
    const json = await run(['lint', '--org', org, '--today', TODAY, '--format', 'json']);
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.source).toBe(org);
    expect(report.organization.slug).toBe(org);
    expect(report.counts).toEqual(offline.counts);
    expect(report.byRule).toEqual(offline.byRule);
    expect(report.findings.map((f: any) => `${f.ruleId} ${f.subject.slug}`)).toEqual(offline.findings.map((f) => `${f.ruleId} ${f.subject.slug}`));

    const text = await run(['lint', '--org', org, '--today', TODAY]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${org}: error: `);
    expect(text.stdout).toContain(`${org}: ${offline.counts.error} errors, ${offline.counts.warning} warnings, ${offline.counts.info} info`);
    expect(text.stdout).toMatch(/ {4}path: tenant /);

    const sarif = await run(['lint', '--org', org, '--today', TODAY, '--format', 'sarif']);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toHaveLength(offline.findings.length);

    // disabling every rule with an error leaves warnings only: exit 0
    const errorRules = [...new Set(offline.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId))];
    const clean = await run(['lint', '--org', org, '--today', TODAY, '--format', 'json', '--disable', errorRules.join(',')]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout).counts.error).toBe(0);
  }, 120_000);

  it('--org exits 2 for an unknown organization and on wrong usage', async () => {
    const unknown = await run(['lint', '--org', 'no-such-org']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no organization with slug "no-such-org"');
    // these stop before opening the database, so they may run side by side
    const [both, none, token, today] = await Promise.all([
      run(['lint', bundle, '--org', org]), run(['lint']), run(['lint', '--org', org, '--token', 'tp_x']), run(['lint', '--org', org, '--today', '2026-02-30']),
    ]);
    expect(both.stderr).toContain('not a bundle file and --org');
    expect([both.code, none.code, token.code, today.code]).toEqual([2, 2, 2, 2]);
  }, 120_000);

  describe('against a running server', () => {
    let database: Database;
    let app: FastifyInstance;
    let url: string;
    let token: string;
    let viewerToken: string;

    beforeAll(async () => {
      const email = `${unique('auditor')}@example.test`;
      expect((await run(['user', 'create', '--org', org, '--email', email, '--name', 'Auditor', '--role', 'auditor', '--password-stdin'], 'a long enough password\n')).code).toBe(0);
      token = (await run(['token', 'create', '--org', org, '--email', email, '--name', 'ci'])).stdout.trim();
      const viewerEmail = `${unique('viewer')}@example.test`;
      expect((await run(['user', 'create', '--org', org, '--email', viewerEmail, '--name', 'Viewer', '--role', 'tenant-viewer', '--tenant', 'aurelia-water', '--password-stdin'], 'a long enough password\n')).code).toBe(0);
      viewerToken = (await run(['token', 'create', '--org', org, '--email', viewerEmail, '--name', 'ci'])).stdout.trim();
      expect(token).toMatch(/^tp_/);
      // the CLI processes are done with the embedded database: the server may open it now
      const config = loadConfig({ TENANTPROOF_DATA: dataDir, LOG_LEVEL: 'silent', ...(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {}) });
      database = await openDatabase(config);
      await database.migrate();
      app = await buildApp({ db: database.db, config });
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await database?.close();
    });

    it('--server --token reads every finding through the API, in every format, and exits 1', async () => {
      const json = await run(['lint', '--server', url, '--token', token, '--today', TODAY, '--format', 'json']);
      expect(json.code, json.stderr).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report.organization.slug).toBe(org);
      expect(report.counts).toEqual(offline.counts);
      expect(report.byRule).toEqual(offline.byRule);
      expect(report.findings).toHaveLength(offline.findings.length);
      const text = await run(['lint', '--server', url, '--today', TODAY], undefined);
      expect(text.code).toBe(2); // no token
      const viaEnv = await new Promise<Run>((resolve) => {
        execFile(NODE, [CLI_MAIN, 'lint', '--server', url, '--today', TODAY], { env: { ...env, TENANTPROOF_TOKEN: token }, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
      });
      expect(viaEnv.code, viaEnv.stderr).toBe(1);
      expect(viaEnv.stdout).toContain(`${offline.counts.error} errors`);
      const sarif = await run(['lint', '--server', url, '--token', token, '--today', TODAY, '--format', 'sarif']);
      expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(offline.findings.length);
    }, 120_000);

    it('collects every page (small pages here) and drops disabled rules from findings and counts', async () => {
      const paged = await lintFromServer(url, token, { today: TODAY, isolationTestMaxAgeDays: 90 }, 7);
      expect(paged.report.findings.map((f) => `${f.ruleId} ${f.subject.slug}`)).toEqual(offline.findings.map((f) => `${f.ruleId} ${f.subject.slug}`));
      const rule = 'isolation-test-evidence-missing';
      const less = await lintFromServer(url, token, { today: TODAY, disabledRules: [rule] }, 50);
      expect(less.report.findings.some((f) => f.ruleId === rule)).toBe(false);
      expect(less.report.byRule[rule]).toBeUndefined();
      expect(less.report.counts.info + less.report.counts.warning + less.report.counts.error).toBe(offline.findings.length - offline.byRule[rule]!);
    }, 60_000);

    it('exits 2 when the server refuses the token or the role, cannot be reached, or an option cannot be sent', async () => {
      // none of these opens the database: they run side by side
      const [bad, viewer, down, notUrl, reviewAge] = await Promise.all([
        run(['lint', '--server', url, '--token', 'tp_not-a-token']),
        run(['lint', '--server', url, '--token', viewerToken]),
        run(['lint', '--server', 'http://127.0.0.1:9', '--token', token]),
        run(['lint', '--server', 'not a url', '--token', token]),
        run(['lint', '--server', url, '--token', token, '--review-max-age', 'critical=6']),
      ]);
      expect([bad.code, viewer.code, down.code, notUrl.code, reviewAge.code]).toEqual([2, 2, 2, 2, 2]);
      expect(bad.stderr).toMatch(/answered 401/);
      expect(viewer.stderr).toMatch(/answered 403/);
      expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    }, 120_000);
  });
});
