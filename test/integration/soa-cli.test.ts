import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { resourceByName } from '../../src/model/index.js';
import { createOrg, operatorActor } from '../../src/services/provisioning.js';
import { createObject } from '../../src/services/resources.js';
import { approveSoa, decide } from '../../src/services/soa.js';
import { openDatabase } from '../../src/store/database.js';
import { unique } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/**
 * `tenantproof soa export` as a user runs it: a real process on the embedded database of a temporary data directory
 * (skipped on the PostgreSQL run: the CLI would need that database's own organization). Exit codes: 0 ok, 1 the
 * answer is no (unknown tenant or version), 2 the command could not run (wrong usage).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

describe.skipIf(!!process.env.TEST_DATABASE_URL)('tenantproof soa export', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const org = unique('soa-cli');
  const run = (args: string[]): Promise<Run> => new Promise((resolve) => {
    execFile(NODE, [CLI_MAIN, ...args], { env, cwd: ROOT, timeout: 90_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    }).stdin!.end();
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantproof-soa-cli-'));
    env = { ...process.env, TENANTPROOF_DATA: dataDir, LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
    delete env.DATABASE_URL;
    const database = await openDatabase(loadConfig(env));
    await database.migrate();
    const ref = await createOrg(database.db, { slug: org, name: 'SoA CLI org' });
    const op = operatorActor(ref.orgId);
    const service = await createObject(database.db, op, resourceByName('services'), { slug: 'hosting', name: 'Hosting' });
    await createObject(database.db, op, resourceByName('tenants'), { slug: 'acme', name: 'Acme', tier: 'A', tenancyPattern: 'pooled', serviceIds: [service.id] });
    await createObject(database.db, op, resourceByName('control-implementations'), { slug: 'sso', name: 'SSO with MFA', controlId: '5.15', layer: 'common', status: 'operating' });
    await decide(database.db, op, '7.4', { applicable: false, reasons: ['business'], justification: 'No premises of our own.' });
    await approveSoa(database.db, op, 'CLI test');
    await database.close();
  }, 120_000);
  afterAll(() => { rmSync(dataDir, { recursive: true, force: true }); });

  it('writes the CSV to standard output, a version and a tenant\u2019s view to files', async () => {
    const csv = await run(['soa', 'export', '--org', org, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(94);
    expect(lines[0]).toBe('Control,Title,Theme,Applicable,Justification,Status,Implementation (common/overlay),GDPR,Owner');
    expect(lines.find((l) => l.startsWith('7.4,'))).toContain('No premises of our own.');

    const file = join(dataDir, 'soa.xlsx');
    const xlsx = await run(['soa', 'export', '--org', org, '--version', '1', '-o', file]);
    expect(xlsx.code, xlsx.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as any);
    expect(wb.worksheets[0]!.rowCount).toBe(94);

    const tenant = await run(['soa', 'export', '--org', org, '--tenant', 'acme', '--format', 'csv']);
    expect(tenant.code, tenant.stderr).toBe(0);
    expect(tenant.stdout).toContain('SSO with MFA');
    const tier = await run(['soa', 'export', '--org', org, '--tier', 'A', '--format', 'pdf', '-o', join(dataDir, 'tier-a.pdf')]);
    expect(tier.code, tier.stderr).toBe(0);
    expect(readFileSync(join(dataDir, 'tier-a.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  }, 240_000);

  it('wrong usage exits 2; an unknown tenant or version exits 1', async () => {
    expect((await run(['soa', 'export', '--org', org, '--format', 'docx'])).code).toBe(2);
    expect((await run(['soa', 'export', '--org', org, '--format', 'pdf'])).code).toBe(2);
    expect((await run(['soa', 'export', '--org', org, '--version', '1', '--tenant', 'acme', '--format', 'csv'])).code).toBe(2);
    expect((await run(['soa', 'export', '--org', org, '--tier', 'D', '--format', 'csv'])).code).toBe(2);
    const tenant = await run(['soa', 'export', '--org', org, '--tenant', 'nobody', '--format', 'csv']);
    expect(tenant.code).toBe(1);
    expect(tenant.stderr).toContain('nobody');
    expect((await run(['soa', 'export', '--org', org, '--version', '9', '--format', 'csv'])).code).toBe(1);
  }, 240_000);
});
