import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';
import { unique } from '../support/harness.js';
import { CLI_MAIN, NODE } from '../support/cli.js';

/**
 * The `tenantproof` command as a user runs it: a real process, on the embedded database in a temporary data
 * directory (or on the test PostgreSQL database when the suite runs against PostgreSQL). Exit codes: 0 ok,
 * 1 the answer is no (invalid bundle, unknown organization), 2 the command could not run.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

describe('tenantproof CLI', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[], input?: string): Promise<Run> => new Promise((resolve) => {
    const child = execFile(NODE, [CLI_MAIN, ...args], { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
  const org = unique('cli');

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantproof-cli-'));
    env = { ...process.env, TENANTPROOF_DATA: dataDir, LOG_LEVEL: 'silent', TENANTPROOF_MODE: 'development' };
    delete env.DATABASE_URL;
    if (process.env.TEST_DATABASE_URL) env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  });
  afterAll(() => { rmSync(dataDir, { recursive: true, force: true }); });

  it('has --help on every command', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['serve', 'migrate', 'demo', 'apply', 'export', 'user', 'token', 'org', 'ingest', 'verify', 'verify-proof', 'retention']) expect(top.stdout).toContain(command);
    for (const args of [['serve', '--help'], ['apply', '--help'], ['export', '--help'], ['user', 'create', '--help'], ['token', 'create', '--help']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: tenantproof/);
    }
  }, 60_000);

  it('a wrong usage exits 2', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    // An option without its value (not a bare `export`: on the shared PostgreSQL test database, whether that has
    // one organization to default to depends on which other test files have run).
    expect((await run(['export', '-o'])).code).toBe(2);
    expect((await run(['user', 'create', '--org', 'x', '--email', 'a@b.c', '--name', 'A', '--role', 'king'])).code).toBe(2);
  }, 30_000);

  it('migrates, loads the demo once, and refuses it in production mode', async () => {
    const migrate = await run(['migrate']);
    expect(migrate.code, migrate.stderr).toBe(0);
    const demo = await run(['demo']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('owner@northwind.example');
    const production = await new Promise<Run>((resolve) => {
      execFile(NODE, [CLI_MAIN, 'demo'], { env: { ...env, TENANTPROOF_MODE: 'production' }, cwd: ROOT }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
    });
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(/refused in production/);
  }, 60_000);

  it('apply creates an organization from a bundle; export → apply → export is byte-identical', async () => {
    const bundle = join(dataDir, 'in.yaml');
    writeFileSync(bundle, readFileSync(join(ROOT, 'examples', 'northwind-msp.yaml'), 'utf8').replace('slug: northwind-msp', `slug: ${org}`));
    const missing = await run(['apply', '-f', bundle]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--create-org/);
    const created = await run(['apply', '-f', bundle, '--create-org']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`organization ${org} created`));
    expect(created.stdout).toMatch(/systems\s+\d+ created, 0 updated, 0 unchanged/);
    const first = join(dataDir, 'first.yaml');
    expect((await run(['export', '--org', org, '-o', first])).code).toBe(0);
    const again = await run(['apply', '-f', first]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/dataFlows\s+0 created, 0 updated, \d+ unchanged/);
    const second = await run(['export', '--org', org]);
    expect(second.stdout).toBe(readFileSync(first, 'utf8'));
    // with several organizations, export must be told which
    const which = await run(['export']);
    expect(which.code).toBe(2);
    expect(which.stderr).toMatch(/--org <slug> is required: there are \d+ organizations \(.*northwind-msp/);
  }, 60_000);

  it('an invalid bundle exits 1 naming file, line and field, and writes nothing; an unreadable one exits 2', async () => {
    const exported = (await run(['export', '--org', org])).stdout;
    const bad = join(dataDir, 'bad.yaml');
    const text = exported.replace(/fromSystem: \S+/, 'fromSystem: no-such-system');
    writeFileSync(bad, text);
    const line = text.slice(0, text.indexOf('fromSystem: no-such-system')).split('\n').length;
    const r = await run(['apply', '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:${line}:`);
    expect(r.stderr).toMatch(/dataFlows\[0\]\.fromSystem: no system with slug "no-such-system"/);
    writeFileSync(bad, 'apiVersion: tenantproof.dev/v1\nkind: [IsmsBundle\n');
    const syntax = await run(['apply', '-f', bad]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/bad\.yaml:\d+:\d+: YAML syntax error/);
    expect((await run(['export', '--org', org])).stdout).toBe(exported);
    expect((await run(['apply', '-f', join(dataDir, 'nope.yaml')])).code).toBe(2);
  }, 60_000);

  it('creates a member and an API token that the server accepts', async () => {
    const email = `${unique('ciso')}@example.test`;
    const weak = await run(['user', 'create', '--org', org, '--email', email, '--name', 'CISO', '--role', 'owner', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    const user = await run(['user', 'create', '--org', org, '--email', email, '--name', 'CISO', '--role', 'owner', '--password-stdin'], 'a long enough password\n');
    expect(user.code, user.stderr).toBe(0);
    const viewer = await run(['user', 'create', '--org', org, '--email', `${unique('viewer')}@example.test`, '--name', 'Viewer', '--role', 'tenant-viewer', '--tenant', 'no-such-tenant', '--password-stdin'], 'a long enough password\n');
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/no tenant with slug "no-such-tenant"/);
    const token = await run(['token', 'create', '--org', org, '--email', email, '--name', 'ci', '--expires-days', '7']);
    expect(token.code, token.stderr).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^tp_/);
    expect((await run(['token', 'create', '--org', org, '--email', 'nobody@example.test'])).code).toBe(1);

    // The token works against a server on the same database.
    const config = loadConfig({ TENANTPROOF_DATA: dataDir, ...(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {}) });
    const database = await openDatabase(config);
    const app = await buildApp({ db: database.db, config });
    try {
      const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${secret}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json().org.slug).toBe(org);
      expect(me.json().user.email).toBe(email);
    } finally {
      await app.close();
      await database.close();
    }
  }, 60_000);
});
