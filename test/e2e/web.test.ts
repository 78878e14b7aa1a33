import type { FastifyInstance } from 'fastify';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { seedOrg, unique, type SeededOrg } from '../support/harness.js';

/**
 * The web app in a real browser (test/support/browser.ts: Debian's Chromium, the real server and database).
 * Without /usr/bin/chromium the test is skipped on a workstation and FAILS in CI.
 */
failWithoutChromiumInCi('web app in a browser');

/** The text of the first cell of every row of a table (the object's name). */
const firstCells = (table: Locator) => table.locator('tbody tr td:first-child').allTextContents();
/** The id or class of the focused element. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || document.activeElement?.tagName);

describe.skipIf(!haveChromium)('web app in a browser', () => {
  let world: BrowserWorld;
  let app: FastifyInstance;
  let base: string;
  let s: SeededOrg;
  let pageErrors: string[];

  const newPage = () => world.newPage();
  /** Log in through the form, submitting it with Enter. */
  const login = (page: Page, email: string) => world.login(page, email);
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${s.tokens.owner}` } });

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => {
      app = h.app;
      // seedOrg adds a member of every role, each with the harness PASSWORD, and tenants A and B
      s = await seedOrg(h, 'web');
      // one event per tenant, so the tenant-viewer's ledger list has something of tenant B's to leak
      const now = new Date().toISOString();
      const event = (tenant: string, actor: string, target: string) =>
        ({ time: now, source: 'rmm', sourceEventId: `${tenant}-1`, tenant, actor, actorType: 'internal', action: 'admin-action', target, outcome: 'success' });
      const ingested = await api('POST', '/api/events', [event('tenant-a', 'tech-a@provider.test', 'dedicated-a'), event('tenant-b', 'tech-b@provider.test', 'dedicated-b')]);
      expect(ingested.statusCode, ingested.body).toBeLessThan(300);
    });
    base = world.base;
    pageErrors = world.pageErrors;
  }, 60_000);

  afterAll(async () => { await world?.close(); });

  it('an ISMS manager logs in, creates a tenant through the form and sees it listed; a taken slug is shown at its field', async () => {
    const page = await newPage();
    await login(page, s.emails['isms-manager']!);
    await visible(page.getByRole('heading', { name: 'Org web' }));
    await visible(page.getByRole('heading', { name: 'Recent changes' }));

    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await page.getByRole('link', { name: 'New tenant' }).click();
    const slug = unique('acme');
    await page.getByLabel(/^Slug/).fill(slug);
    await page.getByLabel(/^Name/).fill('Acme Health Trust');
    await page.getByLabel(/^Tier(?! exceptions)/).selectOption('A');
    await page.getByLabel(/^Tenancy pattern/).selectOption('region-pinned');
    await page.getByRole('group', { name: /^Allowed regions/ }).getByLabel(/^EU /).check();
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await visible(page.getByRole('heading', { name: /Acme Health Trust/ }));
    await visible(page.getByRole('heading', { name: 'What touches this tenant' }));
    expect(page.url()).toMatch(/\/tenants\/[0-9a-f-]{36}$/);
    const created = (await api('GET', `/api/tenants?q=${slug}`)).json();
    expect(created.items).toMatchObject([{ slug, name: 'Acme Health Trust', tier: 'A', tenancyPattern: 'region-pinned', allowedRegions: ['EU'] }]);

    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    const table = page.getByRole('table', { name: 'Tenants' });
    await visible(table.getByRole('link', { name: 'Acme Health Trust' }));

    // sorted by the server: Name descending, announced with aria-sort; the order is in the URL
    await expect.poll(() => firstCells(table)).toEqual(['Acme Health Trust', 'Tenant A', 'Tenant B']);
    await table.getByRole('button', { name: /^Name/ }).click();
    await expect.poll(() => firstCells(table)).toEqual(['Tenant B', 'Tenant A', 'Acme Health Trust']);
    expect(await table.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    expect(page.url()).toContain('order=desc');
    // filtered by the server: tier A only
    await page.getByLabel('Tier', { exact: true }).selectOption('A');
    await expect.poll(() => firstCells(table)).toEqual(['Tenant A', 'Acme Health Trust']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => firstCells(table)).toHaveLength(3);

    // the same slug again, submitted with Enter: the API's message sits beside the slug field, the error
    // summary takes the focus and links to the field, and nothing is created
    await page.getByRole('link', { name: 'New tenant' }).click();
    await page.getByLabel(/^Slug/).fill(slug);
    await page.getByLabel(/^Name/).fill('Acme again');
    await page.getByLabel(/^Tier(?! exceptions)/).selectOption('B');
    await page.getByLabel(/^Tenancy pattern/).selectOption('pooled');
    await page.getByLabel(/^Name/).press('Enter');
    await visible(page.locator('#field-slug-error'));
    expect(await page.locator('#field-slug-error').textContent()).toBe(`Another tenant already has the slug "${slug}".`);
    expect(await page.locator('#field-slug').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#field-slug').getAttribute('aria-describedby')).toContain('field-slug-error');
    expect(await focused(page)).toBe('error-banner');
    await page.getByRole('link', { name: 'Go to Slug' }).click();
    expect(await focused(page)).toBe('field-slug');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await visible(table.getByRole('link', { name: 'Acme Health Trust' }));
    expect(await page.getByRole('link', { name: 'Acme again' }).count()).toBe(0);
    expect((await api('GET', '/api/tenants?q=Acme%20again')).json().items).toEqual([]);

    // the dashboard verifies the ledger, which now holds the tenant just created: the run goes on in the server's
    // background and the dashboard shows its result once it ends
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const runsBefore = (await api('GET', '/api/ledger/verifications?limit=1')).json().total as number;
    await page.getByRole('button', { name: 'Verify the whole ledger now' }).click();
    await expect.poll(async () => {
      const runs = (await api('GET', '/api/ledger/verifications?limit=1')).json();
      return runs.total === runsBefore + 1 ? runs.items[0].status : 'not started';
    }, { timeout: 20_000 }).toBe('passed');
    const run = (await api('GET', '/api/ledger/verifications?limit=1')).json().items[0];
    await visible(page.getByText(`Verified: ${run.treeSize} entries (0 expired by retention), ${run.checkpointsChecked} ${run.checkpointsChecked === 1 ? 'checkpoint' : 'checkpoints'}, nothing altered.`));
    await page.getByRole('link', { name: 'all verifications' }).click();
    await visible(page.getByRole('heading', { name: 'Ledger verifications' }));
    await visible(page.getByRole('cell', { name: run.requestedBy }).first());
    expect(await page.getByRole('row').filter({ hasText: 'passed' }).count()).toBe(runsBefore + 1);
    await page.getByRole('link', { name: 'Dashboard' }).click();

    // a checkpoint kept earlier is confirmed; the same with another root is not
    await page.getByRole('link', { name: 'all checkpoints' }).click();
    await visible(page.getByRole('heading', { name: 'Ledger checkpoints' }));
    const kept = await (await page.request.get(`${base}/api/ledger/checkpoints/latest`)).json();
    await page.getByLabel('Checkpoint (JSON)').fill(JSON.stringify(kept));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await visible(page.getByText(/Genuine, and the ledger still extends it/));
    const forged = { ...kept, rootHash: kept.rootHash.replace(/^./, (c: string) => (c === 'a' ? 'b' : 'a')) };
    await page.getByLabel('Checkpoint (JSON)').fill(JSON.stringify(forged));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await visible(page.getByText(/Not confirmed/));
    await page.close();
  }, 60_000);

  it('a tenant-viewer lands on its tenant, sees tenant B in no list, and gets "Not found" for tenant B', async () => {
    const page = await newPage();
    await login(page, s.emails.viewerA!);
    await visible(page.getByRole('heading', { name: /Tenant A/ }));
    expect(page.url()).toBe(`${base}/tenants/${s.ids.tenantA}`);
    await visible(page.getByRole('heading', { name: 'What touches this tenant' }));
    await visible(page.getByRole('table', { name: 'Systems touching this tenant' }).getByText('Dedicated A'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['My tenant', 'Our SoA', 'Ledger', 'Evidence', 'Records of processing', 'Scope statement', 'API tokens']);
    expect(await page.getByText('Dedicated B').count()).toBe(0);

    await page.goto(`${base}/tenants`);
    const tenants = page.getByRole('table', { name: 'Tenants' });
    await visible(tenants.getByRole('link', { name: 'Tenant A' }));
    expect(await firstCells(tenants)).toEqual(['Tenant A']);

    await page.goto(`${base}/ledger`);
    const events = page.getByRole('table', { name: 'Events' });
    await visible(events.getByText(/tech-a@provider\.test/));
    expect(await events.locator('tbody tr').count()).toBe(1);
    expect(await page.getByText(/tech-b@provider\.test/).count()).toBe(0);

    await page.goto(`${base}/tokens`);
    const tokens = page.getByRole('table', { name: 'API tokens' });
    await visible(tokens.getByText(s.emails.viewerA!));
    expect(await tokens.getByText(s.emails.viewerB!).count()).toBe(0);

    for (const path of [`/tenants/${s.ids.tenantB}`, `/tenants/${s.ids.tenantB}/edit`, '/systems', `/systems/${s.ids.dedicatedB}`, '/members']) {
      await page.goto(`${base}${path}`);
      await visible(page.getByRole('heading', { name: 'Not found' }));
      const html = await page.content();
      expect(html, path).not.toContain('Tenant B');
      expect(html, path).not.toContain('tenant-b');
    }
    await page.close();
  }, 60_000);

  it('logging out ends the session', async () => {
    const page = await newPage();
    await login(page, s.emails.auditor!);
    // an auditor reads but may not create
    await page.getByRole('link', { name: 'Systems', exact: true }).click();
    await visible(page.getByRole('table', { name: 'Systems' }).getByRole('link', { name: 'Shared DB' }));
    expect(await page.getByRole('link', { name: 'New system' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Log out' }).click();
    await visible(page.getByRole('button', { name: 'Log in' }));
    expect(await page.getByText('Shared DB').count()).toBe(0);
    await page.goto(`${base}/systems`);
    await visible(page.getByRole('button', { name: 'Log in' }));
    const me = await page.request.get(`${base}/api/auth/me`);
    expect(me.status()).toBe(401);
    await page.close();
  }, 60_000);

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
