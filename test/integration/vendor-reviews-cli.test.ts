import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/** `tenantproof vendor-reviews due|schedule` as cron would run them: a real process, fixed dates, exit codes. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('tenantproof vendor-reviews', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
    const child = execFile(NODE, [CLI_MAIN, ...args], { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
    child.stdin!.end();
  });
  const org = unique('vr-cli');

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantproof-vr-cli-'));
    env = { ...process.env, TENANTPROOF_DATA: dataDir, LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
    delete env.DATABASE_URL;
    if (process.env.TEST_DATABASE_URL) env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  });
  afterAll(() => { rmSync(dataDir, { recursive: true, force: true }); });

  it('lists what is due and opens the recurring reviews once', async () => {
    const bundle = join(dataDir, 'org.yaml');
    writeFileSync(bundle, [
      'apiVersion: tenantproof.dev/v1', 'kind: IsmsBundle', `organization: { slug: ${org}, name: CLI vendors }`,
      'vendors:',
      '  - { slug: crit, name: Crit, criticality: critical, reviewStatus: approved, reviewedOn: "2026-01-01" }',
      '  - { slug: low, name: Low, criticality: low, reviewStatus: approved, reviewedOn: "2026-01-01" }',
      '',
    ].join('\n'));
    const applied = await run(['apply', '-f', bundle, '--create-org']);
    expect(applied.code, applied.stderr).toBe(0);

    const due = await run(['vendor-reviews', 'due', '--org', org, '--today', '2026-05-01']);
    expect(due.code, due.stderr).toBe(0);
    expect(due.stdout).toBe('crit\tcritical\tdue 2026-04-01 (30 days overdue)\tno open review\n1 vendor(s) due as of 2026-05-01\n');

    const first = await run(['vendor-reviews', 'schedule', '--org', org, '--today', '2026-05-01']);
    expect(first.stdout).toBe('opened recurring review of crit, due 2026-04-01\n1 review(s) opened as of 2026-05-01\n');
    const second = await run(['vendor-reviews', 'schedule', '--org', org, '--today', '2026-05-01']);
    expect(second.stdout).toBe('0 review(s) opened as of 2026-05-01\n');
    expect((await run(['vendor-reviews', 'due', '--org', org, '--today', '2026-05-01'])).stdout).toContain('review open');
  }, 300_000);

  it('wrong usage exits 2; an unknown organization exits 1', async () => {
    expect((await run(['vendor-reviews', 'due', '--org', org, '--today', '2026-02-30'])).code).toBe(2);
    expect((await run(['vendor-reviews', 'due', '--org', org, '--within', '-1'])).code).toBe(2);
    expect((await run(['vendor-reviews', 'schedule', '--org', org, '--today', 'soon'])).code).toBe(2);
    expect((await run(['vendor-reviews', 'schedule'])).code).toBe(2);
    expect((await run(['vendor-reviews', 'schedule', '--org', unique('nope')])).code).toBe(1);
  }, 300_000);
});
