import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBundle, BundleInvalidError, exportBundle } from '../../src/services/bundle.js';
import { loadDemo } from '../../src/services/demo.js';
import { processorRecordOf, controllerRecordOf } from '../../src/services/ropa.js';
import { getRaci } from '../../src/services/raci.js';
import { resourceByName } from '../../src/model/index.js';
import { allResources } from '../../src/store/resource-store.js';
import { operatorActor } from '../../src/services/provisioning.js';
import { withContext } from '../../src/store/database.js';
import { as, seedOrg, startHarness, unique, type Harness, type SeededOrg } from '../support/harness.js';

/** RFC 4180 parser: quoted fields, doubled quotes, CRLF records; strict about what it accepts. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (ch === '\n' || ch === '\r' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}: not RFC 4180`);
    field += ch; i++;
  }
  if (field !== '' || row.length) throw new Error('the last record does not end with CRLF');
  return rows;
}

/** The first sheet of an XLSX workbook as rows of strings. */
async function parseXlsx(body: Buffer): Promise<{ rows: string[][]; sheets: string[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as any);
  const sheet = workbook.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (r) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) {
      const v = r.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : String(v));
    }
    rows.push(cells);
  });
  return { rows, sheets: workbook.worksheets.map((w) => w.name) };
}

/** Rows as objects keyed by header. */
const records = (rows: string[][]) => rows.slice(1).map((r) => Object.fromEntries(rows[0]!.map((h, i) => [h, r[i] ?? ''])));

describe('records of processing (GDPR Art. 30) and RACI per service', () => {
  let h: Harness;
  let s: SeededOrg;
  let other: SeededOrg;

  const ledgerCount = (org = s) => withContext(h.database.db, { orgId: org.org.orgId, tenantId: null, userId: null },
    async (trx) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ledger_entries`.execute(trx)).rows[0]!.n));
  const activityCount = async () => (await as(h, s.tokens.owner, { method: 'GET', url: '/api/processing-activities?limit=200' })).json().total as number;
  const post = (body: Record<string, unknown>, token = s.tokens.owner) => as(h, token, { method: 'POST', url: '/api/processing-activities', payload: body });
  const valid = (extra: Record<string, unknown> = {}) => ({ slug: unique('pa'), name: 'Support desk', role: 'processor', serviceId: s.ids.service, purposes: ['Support tickets'], ...extra });

  beforeAll(async () => {
    h = await startHarness();
    s = await seedOrg(h, 'ropa');
    other = await seedOrg(h, 'ropa-other');
  }, 60_000);
  afterAll(async () => { await h?.close(); });

  describe('processing activities: bad input is a 422 naming the field, and nothing is written', () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['a joint controller without the arrangement', { role: 'joint-controller', serviceId: null, jointControllers: 'Partner Ltd' }, 'jointArrangement', /Art\. 26/],
      ['a joint controller whose arrangement is blank', { role: 'joint-controller', jointArrangement: '   ' }, 'jointArrangement', /arrangement/],
      ['a transfer without a safeguard', { transfers: [{ destination: 'EU' }, { destination: 'United States' }] }, 'transfers.0.safeguard', /EU needs a safeguard/],
      ['a derogation with no documentation', { transfers: [{ destination: 'India', safeguard: 'derogation' }] }, 'transfers.0.reference', /documented/],
      ['an Annex A id that does not exist', { securityMeasureControlIds: ['5.15', '5.99'] }, 'securityMeasureControlIds.1', /not an ISO\/IEC 27001:2022 Annex A control/],
      ['a control written as A.x.y', { securityMeasureControlIds: ['A.8.24'] }, 'securityMeasureControlIds.0', /"8\.24"/],
      ['a processor activity for nobody', { serviceId: null }, 'serviceId', /service/],
      ['no purpose', { purposes: [] }, 'purposes', /purpose/],
    ];
    for (const [what, extra, field, message] of cases) {
      it(what, async () => {
        const before = { n: await activityCount(), ledger: await ledgerCount() };
        const res = await post(valid(extra));
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json()).toMatchObject({ error: 'invalid_value', field });
        expect(res.json().message).toMatch(message);
        expect({ n: await activityCount(), ledger: await ledgerCount() }).toEqual(before);
      });
    }

    it('a transfer safeguard outside the list is a 400 from the schema', async () => {
      const res = await post(valid({ transfers: [{ destination: 'US', safeguard: 'trust-us' }] }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('validation_failed');
    });

    it('a service, tenant or sub-processor of another organization is not found', async () => {
      for (const [extra, field] of [[{ serviceId: other.ids.service }, 'serviceId'], [{ tenantId: other.ids.tenantA }, 'tenantId'], [{ subProcessorVendorIds: [other.ids.vendor] }, 'subProcessorVendorIds']] as const) {
        const res = await post(valid(extra));
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json()).toMatchObject({ error: 'reference_not_found', field });
      }
    });

    it('a patch that breaks a rule is refused and leaves the activity as it was', async () => {
      const created = (await post(valid({ role: 'controller', serviceId: null }))).json();
      const res = await as(h, s.tokens.owner, { method: 'PATCH', url: `/api/processing-activities/${created.id}`, payload: { role: 'joint-controller' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().field).toBe('jointArrangement');
      expect((await as(h, s.tokens.owner, { method: 'GET', url: `/api/processing-activities/${created.id}` })).json().role).toBe('controller');
      expect((await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/processing-activities/${created.id}` })).statusCode).toBe(204);
    });

    it('an engineer and an auditor read activities but cannot write them; a tenant-viewer cannot list them', async () => {
      expect((await post(valid(), s.tokens.engineer)).statusCode).toBe(403);
      expect((await post(valid(), s.tokens.auditor)).statusCode).toBe(403);
      expect((await as(h, s.tokens.auditor, { method: 'GET', url: '/api/processing-activities' })).statusCode).toBe(200);
      expect((await as(h, s.tokens.viewerA, { method: 'GET', url: '/api/processing-activities' })).statusCode).toBe(403);
    });
  });

  it('a full activity round-trips through the API, with a ledger entry naming its tenant', async () => {
    const before = await ledgerCount();
    const body = valid({
      name: 'Tenant A mailbox migration', tenantId: s.ids.tenantA, description: 'One-off migration.',
      controllerName: '', dpo: 'dpo@provider.example', representative: '', lawfulBasis: '',
      dataSubjectCategories: ['Customer staff'], personalDataCategories: ['Contact details', 'E-mail content'],
      specialCategories: ['health-data'], recipients: ['Support engineers'], subProcessorVendorIds: [s.ids.vendor],
      transfers: [{ destination: 'United States', safeguard: 'scc', reference: 'SCC 2021/914 module 3' }],
      retention: '30 days after the migration', securityMeasureControlIds: ['8.24', '5.15'], securityMeasures: 'Encrypted in transit.',
      owner: 'Migration team', reviewedOn: '2026-10-01',
    });
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ ...body, subProcessorVendorIds: [s.ids.vendor] });
    expect(await ledgerCount()).toBe(before + 1);
    const entry = await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
      trx.selectFrom('ledger_entries').select(['object_type', 'tenant_id']).where('object_id', '=', created.id).executeTakeFirstOrThrow());
    expect(entry).toEqual({ object_type: 'processing-activity', tenant_id: s.ids.tenantA });
    await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/processing-activities/${created.id}` });
  });

  it('a service or tenant that processing activities name cannot be deleted from under them (409 in_use naming the field)', async () => {
    const svc = (await as(h, s.tokens.owner, { method: 'POST', url: '/api/services', payload: { slug: unique('svc'), name: 'Short-lived' } })).json();
    const tnt = (await as(h, s.tokens.owner, { method: 'POST', url: '/api/tenants', payload: { slug: unique('tnt'), name: 'Short-lived tenant', tier: 'C', tenancyPattern: 'pooled' } })).json();
    const pa = (await post(valid({ serviceId: svc.id, tenantId: tnt.id }))).json();
    const delService = await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/services/${svc.id}` });
    expect(delService.statusCode).toBe(409);
    expect(delService.json()).toMatchObject({ error: 'in_use', field: 'serviceId' });
    const delTenant = await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/tenants/${tnt.id}` });
    expect(delTenant.statusCode).toBe(409);
    expect(delTenant.json()).toMatchObject({ error: 'in_use', field: 'tenantId' });
    expect((await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/processing-activities/${pa.id}` })).statusCode).toBe(204);
    expect((await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/tenants/${tnt.id}` })).statusCode).toBe(204);
    expect((await as(h, s.tokens.owner, { method: 'DELETE', url: `/api/services/${svc.id}` })).statusCode).toBe(204);
  });

  describe('exports', () => {
    let csvNasty: string;
    beforeAll(async () => {
      // A joint-controller activity, a controller activity with a transfer and controls, and one whose name is a formula.
      const joint = await post(valid({ slug: 'joint-marketing', name: 'Joint marketing events', role: 'joint-controller', serviceId: null, jointControllers: 'Partner GmbH, privacy@partner.example', jointArrangement: 'Arrangement of 2026-01-10: partner answers data subjects.', purposes: ['Event invitations'] }));
      expect(joint.statusCode, joint.body).toBe(201);
      const billing = await post(valid({
        slug: 'billing', name: 'Customer billing', role: 'controller', serviceId: null, purposes: ['Invoicing', 'Collections'],
        lawfulBasis: 'Art. 6(1)(b) contract', dataSubjectCategories: ['Customer contacts'], personalDataCategories: ['Name', 'Billing address'],
        recipients: ['Tax authorities'], transfers: [{ destination: 'Switzerland', safeguard: 'adequacy' }, { destination: 'Brazil', safeguard: 'derogation', reference: 'Assessment 2026-03 under Art. 49(1) second subparagraph' }],
        retention: '10 years (tax law)', securityMeasureControlIds: ['8.24'], securityMeasures: 'Billing system with MFA.',
      }));
      expect(billing.statusCode, billing.body).toBe(201);
      csvNasty = `=HYPERLINK("http://evil.example","x")`;
      expect((await post(valid({ slug: 'nasty', name: csvNasty, role: 'controller', serviceId: null, purposes: ['+1 test', '@SUM(1)'] }))).statusCode).toBe(201);
    });

    it('the controller record (CSV) has the Art. 30(1) columns and only controller and joint-controller activities', async () => {
      const res = await as(h, s.tokens.auditor, { method: 'GET', url: '/api/ropa/controller.csv' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="ropa-controller.csv"/);
      const rows = parseCsv(res.body);
      const header = rows[0]!;
      for (const ref of ['30(1)(a)', '30(1)(b)', '30(1)(c)', '30(1)(d)', '30(1)(e)', '30(1)(f)', '30(1)(g)']) {
        expect(header.some((col) => col.startsWith(`Art. ${ref}`)), ref).toBe(true);
      }
      expect(header).toContain('Art. 30(1)(a) Name and contact details of the controller');
      expect(header).toContain('Art. 30(1)(a) Name and contact details of each joint controller');
      const byName = new Map(records(rows).map((r) => [r['Processing activity'], r]));
      expect([...byName.keys()].sort()).toEqual(['Customer billing', 'Joint marketing events', 'Staff payroll', `'${csvNasty}`].sort());
      const billing = byName.get('Customer billing')!;
      expect(billing['Art. 30(1)(a) Name and contact details of the controller']).toBe('Org ropa');
      expect(billing['Art. 30(1)(b) Purposes of the processing']).toBe('Invoicing; Collections');
      expect(billing['Art. 30(1)(e) Transfers to a third country or an international organisation']).toBe(
        'Switzerland: adequacy decision (Art. 45); Brazil: derogation (Art. 49), Assessment 2026-03 under Art. 49(1) second subparagraph');
      expect(billing['Art. 30(1)(e) Documentation of suitable safeguards (Art. 49(1), second subparagraph)']).toBe('Brazil: Assessment 2026-03 under Art. 49(1) second subparagraph');
      expect(billing['Art. 30(1)(f) Envisaged time limits for erasure']).toBe('10 years (tax law)');
      expect(billing['Art. 30(1)(g) General description of the technical and organisational security measures (Art. 32(1))']).toBe(
        'Billing system with MFA.\nISO/IEC 27001:2022 Annex A: 8.24 Use of cryptography');
      const joint = byName.get('Joint marketing events')!;
      expect(joint['Art. 30(1)(a) Name and contact details of each joint controller']).toBe('Partner GmbH, privacy@partner.example');
      expect(joint['Joint controller arrangement (Art. 26)']).toMatch(/partner answers data subjects/);
      // formula injection: every cell that a spreadsheet would evaluate starts with an apostrophe
      const nasty = byName.get(`'${csvNasty}`)!;
      expect(nasty['Art. 30(1)(b) Purposes of the processing']).toBe('+1 test; @SUM(1)'.replace(/^/, "'"));
      for (const row of rows) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+\-@]/);
    });

    it('the controller record (XLSX) has the same header and rows, and an About sheet', async () => {
      const csv = parseCsv((await as(h, s.tokens.owner, { method: 'GET', url: '/api/ropa/controller.csv' })).body);
      const res = await as(h, s.tokens.owner, { method: 'GET', url: '/api/ropa/controller.xlsx' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const { rows, sheets } = await parseXlsx(res.rawPayload);
      expect(sheets).toEqual(['Art. 30(1) controller', 'About']);
      expect(rows[0]).toEqual(csv[0]);
      // the XLSX keeps text as text (no apostrophe needed: string cells are never formulas)
      expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(csv.slice(1).map((r) => r[0]!.replace(/^'/, '')).sort());
    });

    it('the processor record per customer has the Art. 30(2) columns, that customer as controller and its activities only', async () => {
      const a = records(parseCsv((await as(h, s.tokens.owner, { method: 'GET', url: `/api/ropa/processor/${s.ids.tenantA}.csv` })).body));
      const b = records(parseCsv((await as(h, s.tokens.owner, { method: 'GET', url: `/api/ropa/processor/${s.ids.tenantB}.csv` })).body));
      const header = Object.keys(a[0]!);
      for (const ref of ['30(2)(a)', '30(2)(b)', '30(2)(c)', '30(2)(d)']) expect(header.some((col) => col.startsWith(`Art. ${ref}`)), ref).toBe(true);
      const controller = 'Art. 30(2)(a) Name and contact details of the controller on behalf of which the processor is acting';
      expect(a.map((r) => [r[controller], r['Processing activity'], r['Sub-processors (Art. 28(2), (4))']])).toEqual([['Tenant A', 'Hosting operations', 'Cloud Co']]);
      expect(b.map((r) => r['Processing activity']).sort()).toEqual(['Hosting operations', 'Tenant B extra processing']);
      expect(b.every((r) => r[controller] === 'Tenant B')).toBe(true);
      expect(a[0]!['Art. 30(2)(a) Name and contact details of the processor']).toBe('Org ropa');
      expect(a[0]!['Art. 30(2)(b) Categories of processing carried out on behalf of the controller']).toBe('Hosting');
      // every customer at once
      const all = records(parseCsv((await as(h, s.tokens.owner, { method: 'GET', url: '/api/ropa/processor.csv' })).body));
      expect(all.map((r) => `${r[controller]}/${r['Processing activity']}`)).toEqual(
        ['Tenant A/Hosting operations', 'Tenant B/Hosting operations', 'Tenant B/Tenant B extra processing']);
      // and as XLSX, the same
      const x = await parseXlsx((await as(h, s.tokens.owner, { method: 'GET', url: `/api/ropa/processor/${s.ids.tenantB}.xlsx` })).rawPayload);
      expect(x.sheets[0]).toBe('Art. 30(2) processor');
      expect(records(x.rows).map((r) => r['Processing activity']).sort()).toEqual(['Hosting operations', 'Tenant B extra processing']);
    });

    it('a tenant-viewer downloads its own processor record only; another tenant or org answers 404, the controller record 403', async () => {
      const own = await as(h, s.tokens.viewerA, { method: 'GET', url: `/api/ropa/processor/${s.ids.tenantA}.csv` });
      expect(own.statusCode).toBe(200);
      expect(own.body).not.toContain('Tenant B');
      const mine = await as(h, s.tokens.viewerA, { method: 'GET', url: '/api/ropa/processor.csv' });
      expect(mine.statusCode).toBe(200);
      expect(records(parseCsv(mine.body)).map((r) => r['Processing activity'])).toEqual(['Hosting operations']);
      expect(mine.body).not.toMatch(/Tenant B/);
      const bView = records(parseCsv((await as(h, s.tokens.viewerB, { method: 'GET', url: '/api/ropa/processor.csv' })).body));
      expect(bView.map((r) => r['Processing activity']).sort()).toEqual(['Hosting operations', 'Tenant B extra processing']);
      for (const url of [`/api/ropa/processor/${s.ids.tenantB}.csv`, `/api/ropa/processor/${s.ids.tenantB}.xlsx`, `/api/ropa/processor/${other.ids.tenantA}.csv`]) {
        const res = await as(h, s.tokens.viewerA, { method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json().error).toBe('not_found');
      }
      expect((await as(h, s.tokens.viewerA, { method: 'GET', url: '/api/ropa/controller.csv' })).statusCode).toBe(403);
      expect((await as(h, s.tokens.owner, { method: 'GET', url: `/api/ropa/processor/${other.ids.tenantA}.csv` })).statusCode).toBe(404);
    });

    it('the database alone shows a tenant-viewer context its own and its services\u2019 processor activities only', async () => {
      const seen = await withContext(h.database.db, { orgId: s.org.orgId, tenantId: s.ids.tenantA!, userId: null }, (trx) =>
        trx.selectFrom('processing_activities').select('slug').orderBy('slug').execute());
      expect(seen.map((r) => r.slug)).toEqual(['hosting-ops']);
      await expect(withContext(h.database.db, { orgId: s.org.orgId, tenantId: s.ids.tenantA!, userId: null }, (trx) =>
        trx.updateTable('processing_activities').set({ name: 'Hijacked' }).where('slug', '=', 'hosting-ops').execute())).rejects.toThrow(/row-level security/);
    });
  });

  describe('RACI per service', () => {
    const url = () => `/api/services/${s.ids.service}/raci`;
    const put = (activities: unknown[], token = s.tokens.owner) => as(h, token, { method: 'PUT', url: url(), payload: { activities } });

    it('reads the seeded matrix, and an empty one for a service without', async () => {
      const res = await as(h, s.tokens.auditor, { method: 'GET', url: url() });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        service: { id: s.ids.service, slug: 'hosting', name: 'Hosting' },
        activities: [{ activity: 'provisioning', label: 'Provisioning', standard: true, customer: 'A', provider: 'R', subProcessor: null }],
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const empty = (await as(h, s.tokens.auditor, { method: 'GET', url: `/api/services/${s.ids.service2}/raci` })).json();
      expect(empty).toMatchObject({ activities: [], digest: null });
    });

    const bad: Array<[string, unknown[], string, RegExp]> = [
      ['two Accountable parties', [{ activity: 'logging', provider: 'A', subProcessor: 'R' }, { activity: 'backup-configuration', customer: 'A', provider: 'A', subProcessor: 'R' }], 'activities.1', /Backup configuration: exactly one party must be Accountable \(A\); 2 are/],
      ['no Accountable party', [{ activity: 'incident-triage', provider: 'R', customer: 'I' }], 'activities.0', /Incident triage: exactly one party must be Accountable \(A\); none is/],
      ['no Responsible party', [{ activity: 'breach-notification', provider: 'A', customer: 'I' }], 'activities.0', /Breach notification: at least one party must be Responsible/],
      ['the same activity twice', [{ activity: 'logging', provider: 'A', subProcessor: 'R' }, { activity: 'logging', provider: 'A', subProcessor: 'R' }], 'activities.1.activity', /listed twice/],
      ['a custom activity named by its label', [{ activity: 'patching', label: 'Patch management', provider: 'C' }], 'activities.0', /^Patch management: exactly one/],
    ];
    for (const [what, activities, field, message] of bad) {
      it(`refuses ${what} with a 422 naming the activity, writing nothing`, async () => {
        const before = { body: (await as(h, s.tokens.owner, { method: 'GET', url: url() })).body, ledger: await ledgerCount() };
        const res = await put(activities);
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json()).toMatchObject({ error: 'invalid_value', field });
        expect(res.json().message).toMatch(message);
        expect({ body: (await as(h, s.tokens.owner, { method: 'GET', url: url() })).body, ledger: await ledgerCount() }).toEqual(before);
      });
    }

    it('refuses a value other than R, A, C or I, and an activity that is not a slug (400)', async () => {
      expect((await put([{ activity: 'logging', provider: 'X' }])).statusCode).toBe(400);
      expect((await put([{ activity: 'Logging!', provider: 'A', customer: 'R' }])).statusCode).toBe(400);
      expect((await put([{ activity: 'logging', provider: 'A', customer: 'R', auditor: 'I' }])).statusCode).toBe(400);
    });

    it('replaces the whole matrix with a ledger entry carrying the before and after digests; the same matrix again writes nothing', async () => {
      const before = (await as(h, s.tokens.owner, { method: 'GET', url: url() })).json();
      const ledger = await ledgerCount();
      const matrix = [
        { activity: 'provisioning', customer: 'A', provider: 'R', subProcessor: 'I' },
        { activity: 'patching', label: 'Patch management', provider: 'A', subProcessor: 'R', customer: 'I' },
        { activity: 'data-subject-requests', customer: 'A', provider: 'R', subProcessor: 'C' },
      ];
      const res = await put(matrix, s.tokens['isms-manager']);
      expect(res.statusCode, res.body).toBe(200);
      const after = res.json();
      expect(after.activities.map((a: any) => [a.activity, a.label, a.standard, a.customer, a.provider, a.subProcessor])).toEqual([
        ['provisioning', 'Provisioning', true, 'A', 'R', 'I'],
        ['patching', 'Patch management', false, 'I', 'A', 'R'],
        ['data-subject-requests', 'Data-subject requests', true, 'A', 'R', 'C'],
      ]);
      expect((await as(h, s.tokens.owner, { method: 'GET', url: url() })).json()).toEqual(after);
      expect(await ledgerCount()).toBe(ledger + 1);
      const entry = await withContext(h.database.db, { orgId: s.org.orgId, tenantId: null, userId: null }, (trx) =>
        trx.selectFrom('ledger_entries').select(['object_type', 'object_id', 'action', 'payload']).where('object_type', '=', 'raci').orderBy('idx', 'desc').executeTakeFirstOrThrow());
      expect(entry).toMatchObject({ object_type: 'raci', object_id: s.ids.service, action: 'update' });
      const details = JSON.parse(entry.payload as string).details;
      expect(details.before).toBe(before.digest);
      expect(details.after).toBe(after.digest);
      expect(details.after).not.toBe(details.before);
      // the same matrix again: unchanged, no entry
      expect((await put(matrix)).statusCode).toBe(200);
      expect(await ledgerCount()).toBe(ledger + 1);
    });

    it('concurrent saves of one matrix all succeed, and the result is one of them whole', async () => {
      const one = [{ activity: 'logging', provider: 'A', subProcessor: 'R' }];
      const two = [{ activity: 'incident-triage', customer: 'I', provider: 'A', subProcessor: 'R' }, { activity: 'logging', provider: 'R', customer: 'A' }];
      const service = (await as(h, s.tokens.owner, { method: 'POST', url: '/api/services', payload: { slug: unique('svc'), name: 'Contended' } })).json();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        as(h, s.tokens.owner, { method: 'PUT', url: `/api/services/${service.id}/raci`, payload: { activities: i % 2 ? one : two } })));
      expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
      const final = (await as(h, s.tokens.owner, { method: 'GET', url: `/api/services/${service.id}/raci` })).json();
      expect([1, 2]).toContain(final.activities.length);
      expect(final.activities.map((a: any) => a.activity)).toEqual(final.activities.length === 1 ? ['logging'] : ['incident-triage', 'logging']);
    });

    it('exports CSV and XLSX: activities × customer, provider, sub-processor', async () => {
      const csv = await as(h, s.tokens.engineer, { method: 'GET', url: `${url()}.csv` });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(/filename="raci-hosting.csv"/);
      expect(parseCsv(csv.body)).toEqual([
        ['Activity', 'Customer', 'Provider', 'Sub-processor / cloud provider'],
        ['Provisioning', 'A', 'R', 'I'],
        ['Patch management', 'I', 'A', 'R'],
        ['Data-subject requests', 'A', 'R', 'C'],
      ]);
      const xlsx = await parseXlsx((await as(h, s.tokens.engineer, { method: 'GET', url: `${url()}.xlsx` })).rawPayload);
      expect(xlsx.rows.slice(0, 4)).toEqual(parseCsv(csv.body));
    });

    it('an engineer or auditor cannot change it; another org\u2019s service is not found', async () => {
      expect((await put([{ activity: 'logging', provider: 'A', subProcessor: 'R' }], s.tokens.engineer)).statusCode).toBe(403);
      expect((await put([{ activity: 'logging', provider: 'A', subProcessor: 'R' }], s.tokens.auditor)).statusCode).toBe(403);
      const res = await as(h, other.tokens.owner, { method: 'PUT', url: url(), payload: { activities: [] } });
      expect(res.statusCode).toBe(404);
    });

    it('is part of the bundle: exported by service slug, applied back unchanged, and a bad matrix names its place', async () => {
      const actor = operatorActor(s.org.orgId);
      const text = await exportBundle(h.database.db, actor);
      expect(text).toMatch(/^raci:\n {2}- service: hosting\n {4}activities:\n {6}- activity: provisioning\n {8}customer: A\n/m);
      expect(text).toMatch(/^processingActivities:\n/m);
      const again = await applyBundle(h.database.db, actor, text);
      expect(again.objects.filter((o) => o.outcome !== 'unchanged')).toEqual([]);
      // change one cell through the bundle
      const edited = text.replace(/(- activity: data-subject-requests\n\s+customer: A\n\s+provider: R\n\s+subProcessor: )C/, '$1I');
      expect(edited).not.toBe(text);
      const report = await applyBundle(h.database.db, actor, edited);
      expect(report.objects.filter((o) => o.outcome !== 'unchanged')).toEqual([{ section: 'raci', slug: 'hosting', outcome: 'updated' }]);
      expect((await as(h, s.tokens.owner, { method: 'GET', url: `${url()}.csv` })).body).toContain('Data-subject requests,A,R,I');
      // two A's in the bundle: refused, nothing written
      const broken = edited.replace(/(- activity: data-subject-requests\n\s+customer: A\n\s+provider: )R/, '$1A');
      const error = await applyBundle(h.database.db, actor, broken).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(BundleInvalidError);
      const problem = (error as BundleInvalidError).sourceProblems[0]!;
      expect(problem.message).toMatch(/Data-subject requests: exactly one party must be Accountable/);
      expect(problem.field).toMatch(/^raci\[0\]\.activities\[2\]|raci\.0\.activities\.2/);
      expect(broken.split('\n')[problem.line - 1]).toMatch(/activity: data-subject-requests|- service: hosting/);
      expect((await as(h, s.tokens.owner, { method: 'GET', url: `${url()}.csv` })).body).toContain('Data-subject requests,A,R,I');
      // a service the organization does not have, and the same service twice: refused, naming the item
      for (const [bad, message] of [
        [edited.replace(/^raci:\n {2}- service: hosting\n/m, 'raci:\n  - service: nope\n'), /No service with slug "nope"/],
        [edited.replace(/^raci:\n/m, 'raci:\n  - service: hosting\n    activities: []\n'), /RACI of service "hosting" is given twice/],
      ] as const) {
        const e = await applyBundle(h.database.db, actor, bad).then(() => null, (x: unknown) => x);
        expect(e).toBeInstanceOf(BundleInvalidError);
        expect((e as BundleInvalidError).sourceProblems[0]!.message).toMatch(message);
      }
    });
  });

  it('the demo organization shows records of processing and a valid RACI for every service', async () => {
    const { org } = await loadDemo(h.database.db, { mode: 'development' });
    const actor = operatorActor(org.orgId);
    const tenants = await withContext(h.database.db, { orgId: org.orgId, tenantId: null, userId: null }, (trx) => allResources(trx, resourceByName('tenants')));
    const mercy = tenants.find((t) => t.slug === 'mercy-valley-clinics')!;
    const record = await processorRecordOf(h.database.db, actor, mercy.id as string);
    const activity = record.columns.findIndex((c) => c.id === 'activity');
    expect(record.rows.map((r) => r[activity])).toEqual([
      'Harbor Private & In-Region: client records and workflow', 'Managed Backup & DR: backups and recovery', 'Mercy Valley Clinics: patient-record migration',
    ]);
    const controller = await controllerRecordOf(h.database.db, actor);
    expect(controller.rows.length).toBeGreaterThanOrEqual(3);
    const services = await withContext(h.database.db, { orgId: org.orgId, tenantId: null, userId: null }, (trx) => allResources(trx, resourceByName('services')));
    for (const service of services) {
      const matrix = await getRaci(h.database.db, actor, service.id as string);
      expect(matrix.activities.length, service.slug as string).toBeGreaterThanOrEqual(7);
    }
  }, 120_000);
});
