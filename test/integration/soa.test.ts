import { inflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBundle, BundleInvalidError, exportBundle } from '../../src/services/bundle.js';
import { operatorActor } from '../../src/services/provisioning.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/** RFC 4180 parser (quoted fields with commas, quotes and line breaks): the test reads the CSV back with it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = []; let cell = ''; let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** The text a PDF draws: every content stream inflated, every hex string of a TJ/Tj decoded (standard fonts are WinAnsi). */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let out = '';
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    let content: string;
    try { content = inflateSync(bytes).toString('latin1'); } catch { content = bytes.toString('latin1'); }
    for (const hex of content.matchAll(/<([0-9a-fA-F]+)>/g)) out += Buffer.from(hex[1]!, 'hex').toString('latin1');
    out += '\n';
  }
  return out;
}

describe('Statement of Applicability', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;
  const get = (token: string, url: string) => as(h, token, { method: 'GET', url });
  const row = (body: { rows: Array<{ controlId: string }> }, id: string) => body.rows.find((r) => r.controlId === id) as any;

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'soa');
    other = await seedOrg(h, 'soa-other');
    // a common implementation of 8.24 that tenant B's override replaces, and a tier-A overlay
    for (const payload of [
      { slug: 'kms', name: 'Cloud KMS for every tenant', controlId: '8.24', layer: 'common', status: 'operating', owner: 'Platform team' },
      { slug: 'tier-a-hsm', name: 'HSM-backed keys for tier A', controlId: '8.24', layer: 'overlay', targetTiers: ['A'], status: 'implemented' },
      { slug: 'hosting-logging', name: 'Extended logging for Hosting', controlId: '8.15', layer: 'overlay', targetServiceIds: [s.ids.service], status: 'planned' },
    ]) {
      const res = await as(h, s.tokens.engineer, { method: 'POST', url: '/api/control-implementations', payload: payload });
      expect(res.statusCode, res.body).toBe(201);
    }
  }, 120_000);
  afterAll(async () => { await h?.close(); });

  it('lists the 93 Annex A controls with decisions, implementations, the best status and GDPR articles', async () => {
    const res = await get(s.tokens.auditor, '/api/soa');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows).toHaveLength(93);
    expect(row(body, '7.4')).toMatchObject({ decided: true, applicable: false, reasons: ['business'] });
    expect(row(body, '8.3')).toMatchObject({ status: 'operating', implementations: [{ slug: 'tenant-isolation', layer: 'common' }] });
    expect(row(body, '8.3').gdpr.length).toBeGreaterThan(0);
    expect(row(body, '8.24').implementations.map((i: { slug: string }) => i.slug)).toEqual(['kms', 'tenant-b-overlay', 'tier-a-hsm']);
    expect(body.summary).toMatchObject({ controls: 93, notApplicable: 1 });
    expect(row(body, '8.24').exceptions).toBe(0);
  });

  it('an owner decides a control; the decision is in the SoA and in the ledger', async () => {
    const res = await as(h, s.tokens.owner, { method: 'PUT', url: '/api/soa/decisions/5.15', payload: { applicable: true, reasons: ['risk-assessment', 'contractual'], justification: 'Tenant separation.' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ controlId: '5.15', applicable: true, reasons: ['contractual', 'risk-assessment'] });
    expect(row((await get(s.tokens.auditor, '/api/soa')).json(), '5.15').applicable).toBe(true);
    const entries = await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      trx.selectFrom('ledger_entries').select(['object_type', 'summary']).where('object_type', '=', 'soa decision').execute());
    expect(entries.some((e) => String(e.summary).includes('5.15'))).toBe(true);
  });

  it('bad decisions: not applicable without a justification (422, field), an unknown control (404), an auditor (403); nothing written', async () => {
    const noWhy = await as(h, s.tokens.owner, { method: 'PUT', url: '/api/soa/decisions/5.16', payload: { applicable: false, reasons: ['business'], justification: '   ' } });
    expect(noWhy.statusCode).toBe(422);
    expect(noWhy.json()).toMatchObject({ error: 'invalid_value', field: 'justification' });
    expect((await as(h, s.tokens.owner, { method: 'PUT', url: '/api/soa/decisions/5.99', payload: { applicable: true } })).statusCode).toBe(404);
    expect((await as(h, s.tokens.owner, { method: 'PUT', url: '/api/soa/decisions/A.5.1', payload: { applicable: true } })).statusCode).toBe(400);
    expect((await as(h, s.tokens.owner, { method: 'PUT', url: '/api/soa/decisions/5.16', payload: { applicable: true, reasons: ['whim'] } })).statusCode).toBe(400);
    const auditor = await as(h, s.tokens.auditor, { method: 'PUT', url: '/api/soa/decisions/5.16', payload: { applicable: true } });
    expect(auditor.statusCode).toBe(403);
    expect(row((await get(s.tokens.auditor, '/api/soa')).json(), '5.16').decided).toBe(false);
  });

  it('an overlay targeting another organization\u2019s tenant is refused with 422 naming the field, and nothing is written', async () => {
    const count = async () => (await get(s.tokens.owner, '/api/control-implementations?limit=200')).json().total as number;
    const before = await count();
    const slug = unique('stolen');
    const res = await as(h, s.tokens.owner, { method: 'POST', url: '/api/control-implementations', payload: { slug, name: 'Overlay for someone else', controlId: '5.15', layer: 'overlay', targetTenantIds: [other.ids.tenantA], status: 'planned' } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'reference_not_found', field: 'targetTenantIds' });
    expect(res.body).not.toContain(other.org.slug);
    expect(await count()).toBe(before);
    // and patching an existing overlay to target it is refused the same way
    const patch = await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/control-implementations/${s.ids.overlayB}`, payload: { targetTenantIds: [other.ids.tenantB] } });
    expect(patch.statusCode).toBe(422);
    expect(patch.json().field).toBe('targetTenantIds');
    expect((await get(s.tokens.owner, `/api/control-implementations/${s.ids.overlayB}`)).json().targetTenantIds).toEqual([s.ids.tenantB]);
  });

  it('implementation rules: an unknown control, an overlay without a target, a common one with targets, a javascript: evidence link', async () => {
    const post = (payload: Record<string, unknown>) => as(h, s.tokens.owner, { method: 'POST', url: '/api/control-implementations', payload: { slug: unique('impl'), name: 'x', status: 'planned', ...payload } });
    expect((await post({ controlId: '5.99', layer: 'common' })).json()).toMatchObject({ error: 'invalid_value', field: 'controlId' });
    expect((await post({ controlId: '5.1', layer: 'overlay' })).json()).toMatchObject({ error: 'invalid_value', field: 'targetTiers' });
    expect((await post({ controlId: '5.1', layer: 'common', targetTiers: ['A'] })).json()).toMatchObject({ error: 'invalid_value', field: 'targetTiers' });
    expect((await post({ controlId: '5.1', layer: 'common', overrides: true })).json()).toMatchObject({ error: 'invalid_value', field: 'overrides' });
    expect((await post({ controlId: '5.1', layer: 'common', evidenceLinks: ['javascript:alert(1)'] })).statusCode).toBe(400);
  });

  it('a tenant\u2019s view: common controls plus the overlays that reach it, the override marked; a viewer sees only its own', async () => {
    const ownerB = await get(s.tokens.owner, `/api/soa/tenants/${s.ids.tenantB}`);
    expect(ownerB.statusCode).toBe(200);
    const b824 = row(ownerB.json(), '8.24');
    expect(b824.implementations).toEqual([expect.objectContaining({ slug: 'tenant-b-overlay', override: true, via: ['tenant'] })]);
    expect(b824.replaced).toEqual(['Cloud KMS for every tenant']);
    expect(row(ownerB.json(), '8.15').implementations.map((i: { slug: string }) => i.slug)).toEqual(['hosting-logging']);

    const mine = await get(s.tokens.viewerA, `/api/soa/tenants/${s.ids.tenantA}`);
    expect(mine.statusCode).toBe(200);
    const a824 = row(mine.json(), '8.24');
    expect(a824.implementations.map((i: { slug: string; via: string[] }) => [i.slug, i.via])).toEqual([['kms', ['common']], ['tier-a-hsm', ['tier']]]);
    expect(a824.replaced).toEqual([]);
    for (const secret of [s.ids.tenantB, 'tenant-b', 'Tenant B', 'tenant-b-overlay', s.ids.dedicatedB]) expect(mine.body).not.toContain(secret);

    const theirs = await get(s.tokens.viewerA, `/api/soa/tenants/${s.ids.tenantB}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain('Tenant B');
    expect((await get(s.tokens.viewerA, '/api/soa')).statusCode).toBe(403);
    expect((await get(other.tokens.owner, `/api/soa/tenants/${s.ids.tenantA}`)).statusCode).toBe(404);
  });

  it('a tier\u2019s view has the common implementations and the overlays on the tier only', async () => {
    const a = await get(s.tokens.auditor, '/api/soa/tiers/A');
    expect(row(a.json(), '8.24').implementations.map((i: { slug: string }) => i.slug)).toEqual(['kms', 'tier-a-hsm']);
    const c = await get(s.tokens.auditor, '/api/soa/tiers/C');
    expect(row(c.json(), '8.24').implementations.map((i: { slug: string }) => i.slug)).toEqual(['kms']);
    expect((await get(s.tokens.auditor, '/api/soa/tiers/D')).statusCode).toBe(400);
  });

  it('approval: an auditor gets 403 and nothing is written; an owner freezes a numbered, dated version that never changes', async () => {
    const list = async () => (await get(s.tokens.auditor, '/api/soa/versions')).json();
    const before = await list();
    const denied = await as(h, s.tokens.auditor, { method: 'POST', url: '/api/soa/versions', payload: { note: 'Auditor trying' } });
    expect(denied.statusCode).toBe(403);
    const engineer = await as(h, s.tokens.engineer, { method: 'POST', url: '/api/soa/versions', payload: {} });
    expect(engineer.statusCode).toBe(403);
    expect((await list()).total).toBe(before.total);

    const approved = await as(h, s.tokens['isms-manager'], { method: 'POST', url: '/api/soa/versions', payload: { note: 'Management review Q4' } });
    expect(approved.statusCode, approved.body).toBe(201);
    const v = approved.json();
    expect(v.version).toBe(before.total + 1);
    expect(v.rows).toHaveLength(93);
    expect(v.approvedBy).toContain('isms-manager');
    expect(v.note).toBe('Management review Q4');
    expect((await list()).items[0].version).toBe(v.version);

    // the frozen rows stay as they were when the SoA changes afterwards
    await as(h, s.tokens.owner, { method: 'PUT', url: '/api/soa/decisions/5.2', payload: { applicable: true, reasons: ['legal'] } });
    const again = (await get(s.tokens.auditor, `/api/soa/versions/${v.version}`)).json();
    expect(row(again, '5.2').decided).toBe(false);
    const diff = (await get(s.tokens.auditor, `/api/soa/versions/${v.version}/diff?against=1`)).json();
    expect(diff.changes.map((c: { controlId: string }) => c.controlId)).toContain('5.15');
    expect((await get(s.tokens.auditor, '/api/soa/versions/999')).statusCode).toBe(404);

    // the database refuses to rewrite a version, whoever asks
    await expect(withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      sql`UPDATE soa_versions SET note = 'rewritten' WHERE version = ${v.version}`.execute(trx))).rejects.toThrow(/never changed/);
    await expect(withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      sql`DELETE FROM soa_versions WHERE version = ${v.version}`.execute(trx))).rejects.toThrow(/never changed/);
  });

  it('exports XLSX (one sheet, frozen header, filters), CSV (RFC 4180, formulas neutralised) and PDF', async () => {
    const evil = await as(h, s.tokens.owner, { method: 'POST', url: '/api/control-implementations', payload: { slug: unique('evil'), name: '=HYPERLINK("http://evil.test","x")', controlId: '5.1', layer: 'common', status: 'planned', owner: '@owner, "quoted"' } });
    expect(evil.statusCode, evil.body).toBe(201);

    const xlsx = await get(s.tokens.auditor, '/api/soa/export.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Statement of Applicability']);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Control', 'Title', 'Theme', 'Applicable', 'Justification', 'Status', 'Implementation (common/overlay)', 'GDPR', 'Owner']);
    expect(ws.rowCount).toBe(94);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    const r74 = (ws.getRow(1 + 1 + (await get(s.tokens.auditor, '/api/soa')).json().rows.findIndex((r: { controlId: string }) => r.controlId === '7.4')).values as unknown[]);
    expect(r74[1]).toBe('7.4');
    expect(r74[4]).toBe('No');

    const csv = await get(s.tokens.auditor, '/api/soa/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv.body);
    expect(rows).toHaveLength(94);
    expect(rows.every((r) => r.length === 9)).toBe(true);
    const r51 = rows.find((r) => r[0] === '5.1')!;
    expect(r51[6]).toContain('=HYPERLINK');
    expect(r51[6]!.startsWith('=')).toBe(false);
    expect(r51[8]).toBe('\'@owner, "quoted"');
    expect(rows.find((r) => r[0] === '7.4')![3]).toBe('No');

    const pdf = await get(s.tokens.auditor, '/api/soa/export.pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Statement of Applicability');
    expect(text).toContain('8.24');
  });

  it('exports a version and a tenant\u2019s view; a viewer exports only its own tenant', async () => {
    const v1 = await get(s.tokens.auditor, '/api/soa/export.csv?version=1');
    expect(v1.statusCode).toBe(200);
    expect(v1.headers['content-disposition']).toContain('-v1.csv');
    const mine = await get(s.tokens.viewerA, `/api/soa/export.csv?tenant=${s.ids.tenantA}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('HSM-backed keys for tier A');
    expect(mine.body).not.toContain('Tenant B');
    expect(mine.body).not.toContain('Customer-managed keys for Tenant B');
    expect((await get(s.tokens.viewerA, `/api/soa/export.xlsx?tenant=${s.ids.tenantB}`)).statusCode).toBe(404);
    expect((await get(s.tokens.viewerA, '/api/soa/export.pdf')).statusCode).toBe(403);
    const crossOrg = await get(other.tokens.owner, `/api/soa/export.csv?tenant=${s.ids.tenantA}`);
    expect(crossOrg.statusCode).toBe(404);
    expect(crossOrg.body).not.toContain('Tenant A');
    expect((await get(s.tokens.auditor, '/api/soa/export.csv?tenant=not-a-uuid')).statusCode).toBe(400);
    expect((await get(s.tokens.auditor, `/api/soa/export.csv?version=1&tenant=${s.ids.tenantA}`)).statusCode).toBe(400);
    expect((await get(s.tokens.auditor, '/api/soa/export.csv?version=77')).statusCode).toBe(404);
    const tierA = await get(s.tokens.auditor, '/api/soa/export.csv?tier=A');
    expect(tierA.statusCode).toBe(200);
    expect(tierA.headers['content-disposition']).toContain('-tier-A.csv');
    expect(tierA.body).toContain('HSM-backed keys for tier A');
    expect(tierA.body).not.toContain('Customer-managed keys for Tenant B');
    expect((await get(s.tokens.viewerA, '/api/soa/export.csv?tier=A')).statusCode).toBe(403);
    expect((await get(s.tokens.auditor, '/api/soa/export.csv?tier=A&version=1')).statusCode).toBe(400);
  });

  it('the bundle carries the decisions (section soaDecisions): export, apply with line and field on errors, dry run', async () => {
    const op = operatorActor(s.org.orgId);
    const text = await exportBundle(h.database.db, op);
    expect(text).toMatch(/\nsoaDecisions:\n {2}- control: "5\.2"\n[^]*\n {2}- control: "5\.15"\n/);
    expect(text).toMatch(/control: "?7\.4"?\n {4}applicable: false\n/);
    // export → apply changes nothing
    const same = await applyBundle(h.database.db, op, text);
    expect(same.counts.soaDecisions).toMatchObject({ created: 0, updated: 0 });
    expect(same.counts.controlImplementations).toMatchObject({ created: 0, updated: 0 });

    const head = `apiVersion: tenantproof.dev/v1\nkind: IsmsBundle\norganization: { slug: ${s.org.slug}, name: Org soa }\n`;
    const bad = `${head}soaDecisions:\n  - control: "5.3"\n    applicable: true\n  - control: "5.4"\n    applicable: false\n    reasons: [business]\n`;
    const error = await applyBundle(h.database.db, op, bad, { file: 'soa.yaml' }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BundleInvalidError);
    const problem = (error as BundleInvalidError).sourceProblems[0]!;
    expect(problem).toMatchObject({ file: 'soa.yaml', line: 7, field: 'soaDecisions[1].justification' });
    const soa = (await get(s.tokens.auditor, '/api/soa')).json();
    expect(row(soa, '5.3').decided).toBe(false);

    const schemaError = await applyBundle(h.database.db, op, `${head}soaDecisions:\n  - control: "5.3"\n    applicable: maybe\n`).then(() => null, (e: unknown) => e);
    expect((schemaError as BundleInvalidError).sourceProblems[0]).toMatchObject({ line: 6, field: 'soaDecisions[0].applicable' });

    const good = `${head}soaDecisions:\n  - control: "5.3"\n    applicable: true\n    reasons: [best-practice]\n`;
    const dry = await applyBundle(h.database.db, op, good, { dryRun: true });
    expect(dry.counts.soaDecisions).toMatchObject({ created: 1 });
    expect(row((await get(s.tokens.auditor, '/api/soa')).json(), '5.3').decided).toBe(false);
    const real = await applyBundle(h.database.db, op, good);
    expect(real.objects).toContainEqual({ section: 'soaDecisions', slug: '5.3', outcome: 'created' });
    expect(row((await get(s.tokens.auditor, '/api/soa')).json(), '5.3')).toMatchObject({ applicable: true, reasons: ['best-practice'] });
  });
});
