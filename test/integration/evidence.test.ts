import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

const LIMIT = 4096;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 7)]);

describe('evidence: files sealed on disk, links, freshness, and who sees which', () => {
  let h: Harness;
  let s: SeededOrg;
  let dataDir: string;
  const orgFiles = () => { try { return readdirSync(join(dataDir, 'evidence', s.org.orgId)); } catch { return []; } };
  const ledgerCount = async () => Number((await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
    trx.selectFrom('ledger_entries').select(sql<string>`count(*)`.as('n')).executeTakeFirst()))?.n);
  const create = async (token: string, body: Record<string, unknown>) => as(h, token, { method: 'POST', url: '/api/evidence', payload: body });
  const fileEvidence = async (extra: Record<string, unknown> = {}) => {
    const r = await create(s.tokens.engineer, { slug: unique('ev'), name: 'Access review export', kind: 'file', collectedOn: '2026-01-10', freshnessDays: 90, controlIds: ['5.15', '5.18'], ...extra });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const upload = (token: string, id: string, body: Buffer | string, type: string | undefined, name?: string) => as(h, token, {
    method: 'PUT', url: `/api/evidence/${id}/file${name ? `?name=${encodeURIComponent(name)}` : ''}`, payload: body,
    headers: type ? { 'content-type': type } : {},
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tp-evidence-'));
    h = await startHarness({ TENANTPROOF_DATA: dataDir, TENANTPROOF_EVIDENCE_MAX_BYTES: String(LIMIT) });
    s = await seedOrg(h, 'evidence');
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a link needs an http(s) url; controls must be Annex A ids', async () => {
    const base = { slug: unique('ln'), name: 'Pen test report', kind: 'link', collectedOn: '2026-01-01', freshnessDays: 365 };
    const noUrl = await create(s.tokens.owner, base);
    expect([noUrl.statusCode, noUrl.json().field]).toEqual([422, 'url']);
    const js = await create(s.tokens.owner, { ...base, url: 'javascript:alert(1)' });
    expect([js.statusCode, js.json().field]).toEqual([400, 'url']);
    const badControl = await create(s.tokens.owner, { ...base, url: 'https://example.test/r', controlIds: ['9.99'] });
    expect([badControl.statusCode, badControl.json().field]).toEqual([422, 'controlIds']);
    const ok = await create(s.tokens.owner, { ...base, url: 'https://example.test/r', controlIds: ['8.8'] });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'link', url: 'https://example.test/r', tenantId: null, fileSha256: null, controlIds: ['8.8'] });
  });

  it('uploads a file: stored encrypted under a random name, served back decrypted as an attachment, ledger entry with its digest', async () => {
    const ev = await fileEvidence();
    const before = await ledgerCount();
    const up = await upload(s.tokens.engineer, ev.id, PDF, 'application/pdf', 'Q1 access review.pdf');
    expect(up.statusCode, up.body).toBe(200);
    const sha = createHash('sha256').update(PDF).digest('hex');
    expect(up.json()).toMatchObject({ fileName: 'Q1 access review.pdf', fileType: 'application/pdf', fileSize: PDF.length, fileSha256: sha });
    expect(await ledgerCount()).toBe(before + 1);
    const entry = (await as(h, s.tokens.owner, { method: 'GET', url: `/api/ledger/entries/${before}` })).json();
    expect(JSON.stringify(entry)).toContain(sha);
    // on disk: one file, random name, no plaintext in it
    const stored = orgFiles();
    expect(stored.some((f) => /^[0-9a-f]{32}$/.test(f))).toBe(true);
    for (const f of stored) expect(readFileSync(join(dataDir, 'evidence', s.org.orgId, f)).includes(Buffer.from('/Catalog'))).toBe(false);

    const down = await as(h, s.tokens.auditor, { method: 'GET', url: `/api/evidence/${ev.id}/file` });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['content-disposition']).toMatch(/^attachment; filename="Q1 access review\.pdf"/);
    expect(down.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a forbidden type (415), a type/content mismatch (422) and a file over the limit (413), writing nothing', async () => {
    const ev = await fileEvidence();
    const filesBefore = orgFiles().length;
    const before = await ledgerCount();
    const exe = await upload(s.tokens.owner, ev.id, Buffer.from('MZ\x90\x00 not really'), 'application/x-msdownload', 'tool.exe');
    expect([exe.statusCode, exe.json().error, exe.json().field]).toEqual([415, 'unsupported_media_type', 'Content-Type']);
    const html = await upload(s.tokens.owner, ev.id, '<script>alert(1)</script>', 'text/html', 'page.html');
    expect(html.statusCode).toBe(415);
    const mismatch = await upload(s.tokens.owner, ev.id, PDF, 'image/png', 'shot.png');
    expect([mismatch.statusCode, mismatch.json().field]).toEqual([422, 'file']);
    expect(mismatch.json().message).toMatch(/looks like a PDF/);
    const fakePdf = await upload(s.tokens.owner, ev.id, PNG, 'application/pdf', 'report.pdf');
    expect([fakePdf.statusCode, fakePdf.json().field]).toEqual([422, 'file']);
    const wrongName = await upload(s.tokens.owner, ev.id, PDF, 'application/pdf', 'report.exe');
    expect([wrongName.statusCode, wrongName.json().field]).toEqual([422, 'name']);
    const big = await upload(s.tokens.owner, ev.id, Buffer.alloc(LIMIT + 1, 0x61), 'text/plain', 'big.txt');
    expect([big.statusCode, big.json().error, big.json().field]).toEqual([413, 'body_too_large', 'file']);
    // without a Content-Length (streamed), reading stops at the first chunk past the limit: of a 1 MB body only
    // what the stream machinery buffers ahead (its high-water marks) is ever produced
    let pulled = 0;
    const stream = new Readable({ read() { if (pulled >= 1024 * 1024) { this.push(null); return; } pulled += 512; this.push(Buffer.alloc(512, 0x61)); } });
    const streamed = await as(h, s.tokens.owner, { method: 'PUT', url: `/api/evidence/${ev.id}/file?name=big.txt`, payload: stream, headers: { 'content-type': 'text/plain' } });
    expect([streamed.statusCode, streamed.json().field]).toEqual([413, 'file']);
    expect(pulled).toBeLessThan(128 * 1024);
    const atLimit = await upload(s.tokens.owner, ev.id, Buffer.alloc(LIMIT, 0x61), 'text/plain', 'fits.txt');
    expect(atLimit.statusCode, atLimit.body).toBe(200);
    expect(orgFiles().length).toBe(filesBefore + 1);
    expect(await ledgerCount()).toBe(before + 1);
    // a link holds no file
    const link = await create(s.tokens.owner, { slug: unique('ln'), name: 'Link', kind: 'link', url: 'https://example.test', collectedOn: '2026-01-01', freshnessDays: 30 });
    const toLink = await upload(s.tokens.owner, link.json().id, PDF, 'application/pdf');
    expect([toLink.statusCode, toLink.json().field]).toEqual([422, 'kind']);
  });

  it('answers a tampered file with a clear error and never its bytes', async () => {
    const ev = await fileEvidence();
    const before = new Set(orgFiles());
    expect((await upload(s.tokens.owner, ev.id, 'line one\nsecret line two\n', 'text/plain', 'notes.txt')).statusCode).toBe(200);
    const name = orgFiles().find((f) => !before.has(f))!;
    const path = join(dataDir, 'evidence', s.org.orgId, name);
    const sealed = readFileSync(path);
    sealed[3] ^= 0x01;
    writeFileSync(path, sealed);
    const res = await as(h, s.tokens.owner, { method: 'GET', url: `/api/evidence/${ev.id}/file` });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toBe('evidence_integrity_failed');
    expect(res.body).not.toContain('secret');
  });

  it('replacing a file removes the old one from disk, and deleting the evidence removes its file', async () => {
    const ev = await fileEvidence();
    const before = new Set(orgFiles());
    expect((await upload(s.tokens.owner, ev.id, PDF, 'application/pdf')).statusCode).toBe(200);
    const first = orgFiles().find((f) => !before.has(f))!;
    expect((await upload(s.tokens.owner, ev.id, PNG, 'image/png', 'x.png')).statusCode).toBe(200);
    expect(orgFiles()).not.toContain(first);
    const second = orgFiles().find((f) => !before.has(f))!;
    expect(second).toBeDefined();
    const del = await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/evidence/${ev.id}` });
    expect(del.statusCode).toBe(204);
    expect(orgFiles()).not.toContain(second);
  });

  it('a tenant with evidence cannot be deleted until the evidence is changed (409 naming tenantId)', async () => {
    const tenant = (await as(h, s.tokens.owner, { method: 'POST', url: '/api/tenants', payload: { slug: unique('t'), name: 'Short-lived', tier: 'C', tenancyPattern: 'pooled' } })).json();
    const ev = await fileEvidence({ tenantId: tenant.id });
    const refused = await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/tenants/${tenant.id}` });
    expect([refused.statusCode, refused.json().error, refused.json().field]).toEqual([409, 'in_use', 'tenantId']);
    expect((await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/evidence/${ev.id}`, payload: { tenantId: null } })).statusCode).toBe(200);
    expect((await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/tenants/${tenant.id}` })).statusCode).toBe(204);
  });

  it('flags stale evidence and lists it at /api/evidence/stale', async () => {
    const old = await create(s.tokens.owner, { slug: unique('old'), name: 'Old scan', kind: 'link', url: 'https://example.test/scan', collectedOn: '2020-01-01', freshnessDays: 30 });
    expect(old.json()).toMatchObject({ currentUntil: '2020-01-31', stale: true, staleSince: '2020-02-01' });
    const fresh = await create(s.tokens.owner, { slug: unique('new'), name: 'New scan', kind: 'link', url: 'https://example.test/scan2', collectedOn: new Date().toISOString().slice(0, 10), freshnessDays: 30 });
    expect(fresh.json()).toMatchObject({ stale: false, staleSince: null });
    const list = (await as(h, s.tokens.auditor, { method: 'GET', url: '/api/evidence/stale' })).json();
    const ids = list.items.map((e: any) => e.id);
    expect(ids).toContain(old.json().id);
    expect(ids).not.toContain(fresh.json().id);
    expect(list.total).toBe(list.items.length);
  });

  it('an auditor and a tenant-viewer cannot upload; a tenant-viewer sees shared and its own evidence, never another tenant\u2019s', async () => {
    const shared = await fileEvidence();
    const ownA = await fileEvidence({ tenantId: s.ids.tenantA });
    const ofB = await fileEvidence({ tenantId: s.ids.tenantB });
    expect((await upload(s.tokens.owner, shared.id, PDF, 'application/pdf')).statusCode).toBe(200);
    expect((await upload(s.tokens.owner, ofB.id, PDF, 'application/pdf')).statusCode).toBe(200);
    for (const token of [s.tokens.auditor, s.tokens.viewerA]) {
      const r = await upload(token, shared.id, PDF, 'application/pdf');
      expect([r.statusCode, r.json().error]).toEqual([403, 'forbidden']);
    }
    const v = s.tokens.viewerA;
    const list = (await as(h, v, { method: 'GET', url: '/api/evidence?limit=200' })).json();
    const ids = list.items.map((e: any) => e.id);
    expect(ids).toEqual(expect.arrayContaining([shared.id, ownA.id]));
    expect(ids).not.toContain(ofB.id);
    expect(list.items.every((e: any) => e.tenantId === null || e.tenantId === s.ids.tenantA)).toBe(true);
    expect((await as(h, v, { method: 'GET', url: `/api/evidence/${ofB.id}` })).statusCode).toBe(404);
    expect((await as(h, v, { method: 'GET', url: `/api/evidence/${ofB.id}/file` })).statusCode).toBe(404);
    expect((await as(h, v, { method: 'GET', url: `/api/evidence/${shared.id}/file` })).statusCode).toBe(200);
    expect((await as(h, v, { method: 'GET', url: `/api/evidence?tenantId=${s.ids.tenantB}` })).json().total).toBe(0);
    expect((await as(h, v, { method: 'PATCH', url: `/api/evidence/${ownA.id}`, payload: { name: 'x' } })).statusCode).toBe(403);
  });

  it('the database alone: a tenant-A transaction sees shared and tenant-A evidence, and can write none', async () => {
    const ofB = await fileEvidence({ tenantId: s.ids.tenantB, systemIds: [s.ids.dedicatedB] });
    const shared = await fileEvidence();
    const ctx = { orgId: s.org.orgId, tenantId: s.ids.tenantA!, userId: null };
    const rows = await withContext(h.database.db, ctx, (trx) => trx.selectFrom('evidence').select(['id', 'tenant_id']).execute());
    expect(rows.some((r) => r.tenant_id === s.ids.tenantB)).toBe(false);
    expect(rows.map((r) => r.id)).toContain(shared.id);
    expect(rows.map((r) => r.id)).not.toContain(ofB.id);
    // shared evidence is visible to the viewer's transaction, but changing it is refused by the policy
    await expect(withContext(h.database.db, ctx, (trx) => trx.updateTable('evidence').set({ name: 'Hijacked' }).where('id', '=', shared.id).execute()))
      .rejects.toThrow(/row-level security/);
    const ofBUpdate = await withContext(h.database.db, ctx, (trx) => trx.updateTable('evidence').set({ name: 'Hijacked' }).where('id', '=', ofB.id).executeTakeFirst());
    expect(Number(ofBUpdate.numUpdatedRows)).toBe(0);
    const deleted = await withContext(h.database.db, ctx, (trx) => trx.deleteFrom('evidence').where('id', 'in', [shared.id, ofB.id]).executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    // the systems of tenant B's evidence are not visible either, and no link can be written
    const links = await withContext(h.database.db, ctx, (trx) => trx.selectFrom('evidence_systems').select('evidence_id').execute());
    expect(links.map((l) => l.evidence_id)).not.toContain(ofB.id);
    await expect(withContext(h.database.db, ctx, (trx) => trx.insertInto('evidence_systems').values({ org_id: s.org.orgId, evidence_id: shared.id, system_id: s.ids.shared }).execute()))
      .rejects.toThrow(/row-level security/);
    await expect(withContext(h.database.db, ctx, (trx) => trx.insertInto('evidence').values({
      org_id: s.org.orgId, id: crypto.randomUUID(), slug: unique('x'), name: 'x', kind: 'link', url: 'https://x.test', collected_on: '2026-01-01', freshness_days: 1, tenant_id: s.ids.tenantA,
    }).execute())).rejects.toThrow(/row-level security/);
    // without the tenant context the same transaction sees tenant B's evidence: the emptiness above is the policy's doing
    const all = await withContext(h.database.db, { ...ctx, tenantId: null }, (trx) => trx.selectFrom('evidence').select('id').where('id', '=', ofB.id).execute());
    expect(all).toHaveLength(1);
    const allLinks = await withContext(h.database.db, { ...ctx, tenantId: null }, (trx) => trx.selectFrom('evidence_systems').select('evidence_id').where('evidence_id', '=', ofB.id).execute());
    expect(allLinks).toHaveLength(1);
  });
});
