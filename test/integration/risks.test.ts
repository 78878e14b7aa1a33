import ExcelJS from 'exceljs';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, type Harness, type SeededOrg } from '../support/harness.js';

/** The risk register through the HTTP API: method, scoring with the tier uplift, acceptance, suggestions, exports. */

const TABLES = ['risks', 'risk_systems', 'risk_vendors', 'risk_tenants', 'risk_interested_parties', 'risk_methods', 'interested_parties', 'interested_party_tenants', 'ledger_entries'];

/** RFC 4180 parser, enough for the export (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('risk register', () => {
  let h: Harness;
  let a: SeededOrg;
  let b: SeededOrg;

  const call = (token: string, options: InjectOptions) => as(h, token, options);
  const owner = (options: InjectOptions) => call(a.tokens.owner, options);
  const counts = async (s: SeededOrg) => withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, async (trx) => {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(trx)).rows[0]!.n);
    return out;
  });
  /** The request fails with the status, code and field, and neither organization changed. */
  async function refused(token: string, options: InjectOptions, status: number, error: string, field?: string) {
    const before = [await counts(a), await counts(b)];
    const res = await call(token, options);
    const label = `${options.method} ${options.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    expect(res.statusCode, label).toBe(status);
    expect(res.json().error, label).toBe(error);
    if (field !== undefined) expect(res.json().field, label).toBe(field);
    expect([await counts(a), await counts(b)], `${label}: something was written`).toEqual(before);
    return res.json();
  }
  const register = async (token = a.tokens.owner, query = '') => {
    const res = await call(token, { method: 'GET', url: `/api/risks/register${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const entryOf = async (slug: string) => (await register()).items.find((e: any) => e.risk.slug === slug);
  const newRisk = async (body: Record<string, unknown>, token = a.tokens.owner) => {
    const res = await call(token, { method: 'POST', url: '/api/risks', payload: { likelihood: 3, impact: 3, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    h = await startHarness();
    a = await seedOrg(h, 'risk-a');
    b = await seedOrg(h, 'risk-b');
  });
  afterAll(async () => { await h?.close(); });

  describe('bad input', () => {
    it('a risk with likelihood 9 → 400 naming likelihood, nothing written', async () => {
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'nine', name: 'Nine', likelihood: 9, impact: 3 } }, 400, 'validation_failed', 'likelihood');
      await refused(a.tokens.owner, { method: 'PATCH', url: `/api/risks/${a.ids.risk}`, payload: { likelihood: 9 } }, 400, 'validation_failed', 'likelihood');
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'zero', name: 'Zero', likelihood: 3, impact: 0 } }, 400, 'validation_failed', 'impact');
    });

    it('an unknown Annex A control, a half residual pair, another org\u2019s system → 4xx naming the field', async () => {
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'c', name: 'C', likelihood: 2, impact: 2, controlIds: ['5.99'] } }, 422, 'invalid_value', 'controlIds');
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'c', name: 'C', likelihood: 2, impact: 2, controlIds: ['A.5.15'] } }, 400, 'validation_failed', 'controlIds.0');
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'r', name: 'R', likelihood: 2, impact: 2, residualLikelihood: 1 } }, 422, 'invalid_value', 'residualImpact');
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'x', name: 'X', likelihood: 2, impact: 2, systemIds: [b.ids.shared] } }, 422, 'reference_not_found', 'systemIds');
    });

    it('an interested party: a customer tier without its tier, a bad requirement, an unknown control', async () => {
      await refused(a.tokens.owner, { method: 'POST', url: '/api/interested-parties', payload: { slug: 'p', name: 'P', kind: 'customer-tier' } }, 422, 'invalid_value', 'tier');
      await refused(a.tokens.owner, { method: 'POST', url: '/api/interested-parties', payload: { slug: 'p', name: 'P', kind: 'regulator', tier: 'A' } }, 422, 'invalid_value', 'tier');
      const bad = await refused(a.tokens.owner, { method: 'POST', url: '/api/interested-parties', payload: { slug: 'p', name: 'P', kind: 'regulator', requirements: [{ kind: 'whim', description: 'x' }] } }, 400, 'validation_failed');
      expect(bad.field).toMatch(/^requirements\.0/);
      await refused(a.tokens.owner, { method: 'POST', url: '/api/interested-parties', payload: { slug: 'p', name: 'P', kind: 'regulator', controlIds: ['8.99'] } }, 422, 'invalid_value', 'controlIds');
    });

    it('an engineer cannot mark a risk accepted without the owner\u2019s sign-off', async () => {
      const r = await newRisk({ slug: 'self-accepted', name: 'Self accepted', residualLikelihood: 1, residualImpact: 1 }, a.tokens.engineer);
      await refused(a.tokens.engineer, { method: 'PATCH', url: `/api/risks/${r.id}`, payload: { status: 'accepted' } }, 422, 'invalid_value', 'status');
      await refused(a.tokens.owner, { method: 'POST', url: '/api/risks', payload: { slug: 'born-accepted', name: 'B', likelihood: 1, impact: 1, status: 'accepted' } }, 422, 'invalid_value', 'status');
      expect((await call(a.tokens.owner, { method: 'GET', url: `/api/risks/${r.id}` })).json().status).toBe('open');
    });
  });

  describe('the method', () => {
    it('serves the default until one is set; refuses thresholds that do not ascend; only owners and ISMS managers set it', async () => {
      const first = (await owner({ method: 'GET', url: '/api/risk-method' })).json();
      expect(first.isDefault).toBe(true);
      expect(first.method.thresholds).toEqual({ medium: 5, high: 12, critical: 20 });
      const method = { ...first.method, thresholds: { medium: 12, high: 10, critical: 20 } };
      await refused(a.tokens.owner, { method: 'PUT', url: '/api/risk-method', payload: method }, 422, 'invalid_value', 'thresholds.high');
      await refused(a.tokens.owner, { method: 'PUT', url: '/api/risk-method', payload: { ...first.method, tierUplift: { A: 9, B: 1, C: 0 } } }, 400, 'validation_failed');
      await refused(a.tokens.engineer, { method: 'PUT', url: '/api/risk-method', payload: first.method }, 403, 'forbidden');
      await refused(a.tokens.auditor, { method: 'PUT', url: '/api/risk-method', payload: first.method }, 403, 'forbidden');
      await refused(a.tokens['tenant-viewer'], { method: 'GET', url: '/api/risk-method' }, 403, 'forbidden');
    });
  });

  describe('scoring', () => {
    it('raises the impact by the highest tier reached: linked tenants, and tenants exposed by linked systems', async () => {
      // seeded: likelihood 3, impact 3, tenant A (tier A) linked → impact 5, score 15 high; residual 1 × 3 = 3 low
      const seeded = await entryOf('shared-db-leak');
      expect(seeded.score.highestTier).toBe('A');
      expect(seeded.score.inherent).toMatchObject({ effectiveImpact: 5, score: 15, level: 'high' });
      expect(seeded.score.residual).toMatchObject({ effectiveImpact: 3, score: 3, level: 'low' });
      // only the system dedicated to tenant B (tier B): +1
      await newRisk({ slug: 'tier-b-only', name: 'Tier B only', systemIds: [a.ids.dedicatedB] });
      expect((await entryOf('tier-b-only')).score).toMatchObject({ highestTier: 'B', uplift: 1, inherent: { effectiveImpact: 4, score: 12, level: 'high' } });
      // the shared database holds tenant A's data (a flow brings it): tier A reached through the graph
      await newRisk({ slug: 'via-shared', name: 'Via shared', systemIds: [a.ids.shared] });
      expect((await entryOf('via-shared')).score.highestTier).toBe('A');
      // an interested party standing for tier-A customers
      await newRisk({ slug: 'via-party', name: 'Via party', interestedPartyIds: [a.ids.interestedParty] });
      expect((await entryOf('via-party')).score).toMatchObject({ highestTier: 'A', uplift: 2 });
      // nothing linked: no uplift
      await newRisk({ slug: 'internal', name: 'Internal only' });
      expect((await entryOf('internal')).score).toMatchObject({ highestTier: null, uplift: 0, inherent: { score: 9, level: 'medium' } });
    });

    it('follows the method: new thresholds and uplifts change levels, with a ledger entry', async () => {
      const before = await counts(a);
      const m = (await owner({ method: 'GET', url: '/api/risk-method' })).json().method;
      const res = await owner({ method: 'PUT', url: '/api/risk-method', payload: { ...m, thresholds: { medium: 4, high: 9, critical: 16 }, tierUplift: { A: 1, B: 0, C: 0 } } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().isDefault).toBe(false);
      expect((await counts(a)).ledger_entries).toBe(before.ledger_entries + 1);
      expect((await entryOf('internal')).score.inherent.level).toBe('high');
      expect((await entryOf('shared-db-leak')).score.inherent).toMatchObject({ effectiveImpact: 4, score: 12, level: 'high' });
      expect((await entryOf('tier-b-only')).score.uplift).toBe(0);
      // org B is untouched
      expect((await call(b.tokens.owner, { method: 'GET', url: '/api/risk-method' })).json().isDefault).toBe(true);
      expect((await owner({ method: 'PUT', url: '/api/risk-method', payload: m })).statusCode).toBe(200);
    });

    it('filters by status, level and heat-map cell; the heat maps count risks not closed', async () => {
      const all = await register();
      const sum = (m: number[][]) => m.flat().reduce((x, y) => x + y, 0);
      const live = all.items.filter((e: any) => e.risk.status !== 'closed').length;
      expect(sum(all.heatMap.inherent)).toBe(live);
      expect(sum(all.heatMap.residual)).toBe(live);
      const cell = await register(a.tokens.owner, '?map=inherent&likelihood=3&impact=5');
      expect(cell.items.map((e: any) => e.risk.slug)).toContain('shared-db-leak');
      expect(cell.items.every((e: any) => e.score.inherent.likelihood === 3 && e.score.inherent.effectiveImpact === 5)).toBe(true);
      expect(cell.total).toBe(all.heatMap.inherent[2][4]);
      const low = await register(a.tokens.owner, '?level=low');
      expect(low.items.every((e: any) => e.score.residual.level === 'low')).toBe(true);
      expect((await call(a.tokens.owner, { method: 'GET', url: '/api/risks/register?impact=6' })).statusCode).toBe(400);
    });

    it('org B sees none of org A\u2019s risks; a tenant-viewer reads no register', async () => {
      const theirs = await register(b.tokens.owner);
      expect(theirs.items.map((e: any) => e.risk.id)).not.toContain(a.ids.risk);
      expect(JSON.stringify(theirs)).not.toContain(a.ids.tenantA);
      expect((await call(a.tokens['tenant-viewer'], { method: 'GET', url: '/api/risks/register' })).statusCode).toBe(403);
      expect((await call(a.tokens['tenant-viewer'], { method: 'GET', url: '/api/risks/summary' })).statusCode).toBe(403);
    });
  });

  describe('acceptance', () => {
    it('only owners and ISMS managers accept; a rationale is required', async () => {
      const url = `/api/risks/${a.ids.risk}/accept`;
      await refused(a.tokens.engineer, { method: 'POST', url, payload: { rationale: 'Fine.' } }, 403, 'forbidden');
      await refused(a.tokens.auditor, { method: 'POST', url, payload: { rationale: 'Fine.' } }, 403, 'forbidden');
      await refused(a.tokens.owner, { method: 'POST', url, payload: {} }, 400, 'validation_failed', 'rationale');
      await refused(a.tokens.owner, { method: 'POST', url, payload: { rationale: '   ' } }, 422, 'invalid_value', 'rationale');
      await refused(b.tokens.owner, { method: 'POST', url, payload: { rationale: 'Fine.' } }, 404, 'not_found');
    });

    it('refuses a residual level above the method\u2019s threshold, naming the field', async () => {
      // tier A, residual not assessed: the inherent 15 (high) stands, above "medium"
      const r = await newRisk({ slug: 'too-high', name: 'Too high', tenantIds: [a.ids.tenantA] });
      const body = await refused(a.tokens.owner, { method: 'POST', url: `/api/risks/${r.id}/accept`, payload: { rationale: 'We can live with it.' } }, 422, 'invalid_value', 'residualLikelihood');
      expect(body.message).toContain('high');
    });

    it('records the sign-off with a ledger entry; changing the scores voids it', async () => {
      const before = await counts(a);
      const res = await call(a.tokens['isms-manager'], { method: 'POST', url: `/api/risks/${a.ids.risk}/accept`, payload: { rationale: 'Row-level security is tested every release; residual is low.' } });
      expect(res.statusCode, res.body).toBe(200);
      const entry = res.json();
      expect(entry.risk.status).toBe('accepted');
      expect(entry.acceptance).toMatchObject({ acceptedBy: a.emails['isms-manager'], level: 'low', rationale: 'Row-level security is tested every release; residual is low.' });
      expect((await counts(a)).ledger_entries).toBe(before.ledger_entries + 1);
      // an unrelated edit keeps the acceptance
      expect((await owner({ method: 'PATCH', url: `/api/risks/${a.ids.risk}`, payload: { owner: 'Platform lead' } })).json().status).toBe('accepted');
      expect((await entryOf('shared-db-leak')).acceptance).not.toBeNull();
      // a new residual assessment voids it: the owner accepted a level, not whatever comes later
      const changed = await call(a.tokens.engineer, { method: 'PATCH', url: `/api/risks/${a.ids.risk}`, payload: { residualLikelihood: 4, residualImpact: 3 } });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json().status).toBe('open');
      expect((await entryOf('shared-db-leak')).acceptance).toBeNull();
      await owner({ method: 'PATCH', url: `/api/risks/${a.ids.risk}`, payload: { residualLikelihood: 1, residualImpact: 1 } });
    });
  });

  describe('suggestions from the blast radius', () => {
    it('suggests risks for the top components, counted per tier, with controls and the risks covering them', async () => {
      const res = await owner({ method: 'GET', url: '/api/risks/suggestions' });
      expect(res.statusCode, res.body).toBe(200);
      const shared = res.json().items.find((s: any) => s.component.id === a.ids.shared);
      expect(shared).toBeDefined();
      expect(shared.byTier).toEqual({ A: 1, B: 1, C: 0 });
      expect(shared.title).toContain('Shared DB');
      expect(shared.description).toContain('2 tenants (1 tier-A, 1 tier-B)');
      expect(shared.controlIds).toEqual(expect.arrayContaining(['5.15', '8.2', '8.16']));
      expect(shared.coveredBy.map((r: any) => r.slug)).toContain('shared-db-leak');
      expect(res.json().items.some((s: any) => s.component.id === a.ids.vendor && s.component.kind === 'vendor')).toBe(true);
      expect((await call(a.tokens['tenant-viewer'], { method: 'GET', url: '/api/risks/suggestions' })).statusCode).toBe(403);
      expect(JSON.stringify((await call(b.tokens.owner, { method: 'GET', url: '/api/risks/suggestions' })).json())).not.toContain(a.ids.shared);
    });

    it('adopts a suggestion as a risk linked to the component; again gets a fresh slug; unknown components 404', async () => {
      const url = `/api/risks/suggestions/${a.ids.vendor}/adopt`;
      const first = await call(a.tokens.engineer, { method: 'POST', url, payload: { owner: 'Vendor manager' } });
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({ vendorIds: [a.ids.vendor], systemIds: [], suggestedFrom: 'vendor/cloud', owner: 'Vendor manager', status: 'open' });
      const second = await owner({ method: 'POST', url, payload: {} });
      expect(second.statusCode, second.body).toBe(201);
      expect(second.json().slug).toBe(`${first.json().slug}-2`);
      const covered = (await owner({ method: 'GET', url: '/api/risks/suggestions' })).json().items.find((s: any) => s.component.id === a.ids.vendor);
      expect(covered.coveredBy).toHaveLength(2);
      await refused(a.tokens.owner, { method: 'POST', url: `/api/risks/suggestions/${a.ids.dedicatedA}/adopt`, payload: {} }, 404, 'not_found');
      await refused(b.tokens.owner, { method: 'POST', url, payload: {} }, 404, 'not_found');
      await refused(a.tokens.auditor, { method: 'POST', url, payload: {} }, 403, 'forbidden');
      await refused(a.tokens['tenant-viewer'], { method: 'POST', url, payload: {} }, 403, 'forbidden');
    });
  });

  describe('exports', () => {
    it('CSV parses back, one row per risk, with formula-looking cells defused', async () => {
      await newRisk({ slug: 'hostile', name: '=HYPERLINK("http://evil.example","click")', owner: '+cmd', description: 'line one\r\nline "two", three' });
      const res = await owner({ method: 'GET', url: '/api/risks/export.csv' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const rows = parseCsv(res.body);
      const all = await register();
      expect(rows.length).toBe(all.total + 1);
      expect(rows[0]![0]).toBe('Slug');
      const hostile = rows.find((r) => r[0] === 'hostile')!;
      expect(hostile[1]).toBe('\'=HYPERLINK("http://evil.example","click")');
      expect(hostile[2]).toBe('\'+cmd');
      expect(hostile[rows[0]!.indexOf('Description')]).toBe('line one\r\nline "two", three');
      const seeded = rows.find((r) => r[0] === 'shared-db-leak')!;
      expect(seeded[rows[0]!.indexOf('Inherent level')]).toBe('high');
      expect(seeded[rows[0]!.indexOf('Tenants')]).toBe('tenant-a');
      expect(seeded[rows[0]!.indexOf('Interested parties')]).toBe('tier-a-customers');
    });

    it('XLSX opens with the register and the method; text stays text', async () => {
      const res = await owner({ method: 'GET', url: '/api/risks/export.xlsx' });
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as any);
      const sheet = wb.getWorksheet('Risk register')!;
      expect(sheet.getRow(1).getCell(1).value).toBe('Slug');
      const all = await register();
      expect(sheet.rowCount).toBe(all.total + 1);
      let hostile: ExcelJS.Row | undefined;
      sheet.eachRow((row) => { if (row.getCell(1).value === 'hostile') hostile = row; });
      expect(hostile!.getCell(2).type).toBe(ExcelJS.ValueType.String);
      expect(hostile!.getCell(2).value).toBe('=HYPERLINK("http://evil.example","click")');
      expect(wb.getWorksheet('Method')).toBeDefined();
      expect((await call(a.tokens['tenant-viewer'], { method: 'GET', url: '/api/risks/export.xlsx' })).statusCode).toBe(403);
    });
  });

  it('dashboard summary: risks not closed by level', async () => {
    const res = await owner({ method: 'GET', url: '/api/risks/summary' });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    const all = await register();
    const live = all.items.filter((e: any) => e.risk.status !== 'closed');
    expect(s.open).toBe(live.length);
    expect(Object.values(s.residual as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(live.length);
    expect(s.aboveThreshold).toBe(live.filter((e: any) => !e.score.acceptable).length);
  });

  it('bundle: the method, risks, interested parties and acceptances round-trip', async () => {
    const m = (await owner({ method: 'GET', url: '/api/risk-method' })).json().method;
    expect((await owner({ method: 'PUT', url: '/api/risk-method', payload: { ...m, tierUplift: { A: 2, B: 1, C: 1 } } })).statusCode).toBe(200);
    const accept = await owner({ method: 'POST', url: `/api/risks/${a.ids.risk}/accept`, payload: { rationale: 'Tested every release.' } });
    expect(accept.statusCode, accept.body).toBe(200);
    const exported = await owner({ method: 'GET', url: '/api/bundle' });
    expect(exported.statusCode, exported.body.slice(0, 300)).toBe(200);
    const text = exported.body;
    expect(text).toContain('riskAcceptances');
    expect(text).toContain('shared-db-leak');
    expect(text).toContain('tier-a-customers');
    const before = await counts(a);
    const applied = await owner({ method: 'POST', url: '/api/bundle/apply', payload: { yaml: text.startsWith('{') ? JSON.stringify(JSON.parse(text)) : text } });
    expect(applied.statusCode, applied.body.slice(0, 600)).toBe(200);
    expect((await counts(a)).risks).toBe(before.risks);
    // every object of the risk sections comes back unchanged: nothing is rewritten on a round trip
    const mine = applied.json().objects.filter((o: any) => ['risks', 'interestedParties', 'riskMethod', 'riskAcceptances'].includes(o.section));
    expect(new Set(mine.map((o: any) => o.section))).toEqual(new Set(['risks', 'interestedParties', 'riskMethod', 'riskAcceptances']));
    expect(mine.filter((o: any) => o.outcome !== 'unchanged')).toEqual([]);
    expect((await counts(a)).ledger_entries).toBe(before.ledger_entries);
    expect((await entryOf('shared-db-leak')).acceptance).toMatchObject({ rationale: 'Tested every release.' });
  });
});
