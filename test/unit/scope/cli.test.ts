import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_MAIN, NODE } from '../../support/cli.js';

/**
 * `tenantproof lint` as CI runs it: a real process on a bundle file, no server and no database.
 * Exit codes: 0 no error-level finding, 1 at least one, 2 unreadable or invalid bundle.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }
const lint = (...args: string[]): Promise<Run> => new Promise((resolve) => {
  const env: NodeJS.ProcessEnv = { ...process.env, TENANTPROOF_DATA: '/nonexistent/tenantproof-lint-must-not-open-a-database' };
  delete env.DATABASE_URL;
  execFile(NODE, [CLI_MAIN, 'lint', ...args], { cwd: ROOT, env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
    resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
  });
});

interface JsonReport { counts: Record<string, number>; byRule: Record<string, number>; findings: Array<{ ruleId: string; subject: { slug: string }; location: { line: number } | null }> }

describe('tenantproof lint', () => {
  it('finds the demo organization\u2019s gaps as JSON and exits 1', async () => {
    const r = await lint('examples/northwind-msp.yaml', '--format', 'json', '--today', '2026-03-01');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const ruleIds = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['out-of-scope-customer-data', 'service-depends-on-excluded-system', 'secondary-data-retention-unrecorded', 'deployment-pipeline-outside-scope',
      'admin-access-provider-outside-scope', 'vendor-not-reviewed', 'vendor-review-overdue', 'nonproduction-receives-personal-data',
      'isolation-mechanism-unrecorded', 'support-access-controls-unrecorded', 'data-residency-breach']) {
      expect(ruleIds.has(id), id).toBe(true);
    }
    expect(report.counts.error).toBeGreaterThan(0);
    const logStore = report.findings.find((f) => f.ruleId === 'secondary-data-retention-unrecorded')!;
    expect(logStore.subject.slug).toBe('log-store');
    expect(logStore.location!.line).toBeGreaterThan(1);
  }, 60_000);

  it('writes SARIF 2.1.0 pointing at the offending lines', async () => {
    const r = await lint('test/fixtures/scope/gaps.yaml', '--format', 'sarif', '--today', '2026-03-01');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; level: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('tenantproof');
    const at = (ruleId: string) => run.results.find((x) => x.ruleId === ruleId)!;
    expect(at('secondary-data-retention-unrecorded').locations[0]!.physicalLocation.region.startLine).toBe(38);
    expect(at('secondary-data-retention-unrecorded').level).toBe('warning');
    expect(at('out-of-scope-customer-data').locations[0]!.physicalLocation.region.startLine).toBe(51);
    expect(at('out-of-scope-customer-data').locations[0]!.physicalLocation.artifactLocation.uri).toBe('test/fixtures/scope/gaps.yaml');
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
  }, 60_000);

  it('prints file:line findings by default and exits 0 when nothing is an error', async () => {
    const [gaps, clean, disabled] = await Promise.all([
      lint('test/fixtures/scope/gaps.yaml', '--today', '2026-03-01'),
      lint('test/fixtures/scope/clean.yaml', '--today', '2026-03-01'),
      lint('test/fixtures/scope/gaps.yaml', '--disable', 'out-of-scope-customer-data,secondary-data-outside-scope', '--format', 'json'),
    ]);
    expect(gaps.code).toBe(1);
    expect(gaps.stdout).toContain('test/fixtures/scope/gaps.yaml:38:5: warning:');
    expect(gaps.stdout).toMatch(/2 errors, 1 warning/);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/0 errors, 0 warnings/);
    expect(disabled.code).toBe(0);
  }, 60_000);

  it('exits 2 on a broken, invalid or missing bundle and on wrong options', async () => {
    const [broken, dangling, missing, format, today] = await Promise.all([
      lint('test/fixtures/scope/broken.yaml'),
      lint('test/fixtures/scope/unknown-reference.yaml'),
      lint('test/fixtures/scope/nope.yaml'),
      lint('test/fixtures/scope/clean.yaml', '--format', 'xml'),
      lint('test/fixtures/scope/clean.yaml', '--today', '2026-13-01'),
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error/);
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toContain('no service with slug "no-such-service"');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    expect(format.code).toBe(2);
    expect(today.code).toBe(2);
  }, 60_000);
});
