import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, WEB_DIST } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/store/database.js';
import { openTestDatabase, PASSWORD, seedOrg, unique, type SeededOrg } from '../support/harness.js';

/**
 * The web app in a real browser (Debian's Chromium driven by playwright-core; never a downloaded browser),
 * against the real server and database. Without /usr/bin/chromium the test is skipped on a workstation and
 * FAILS in CI, so a missing browser can never pass as green.
 */
const CHROMIUM = '/usr/bin/chromium';
/** Wait until the element is visible; fails the test after 10 s. */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  describe('web app in a browser', () => {
    it('needs Chromium', () => { throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`); });
  });
}

describe.skipIf(!haveChromium)('web app in a browser', () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let s: SeededOrg;

  const login = async (page: Page, email: string) => {
    await page.goto(base);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('web/dist is not built: run `npm run build:web` (npm test does it first)');
    database = await openTestDatabase();
    const config = loadConfig({});
    app = await buildApp({ db: database.db, config });
    // seedOrg needs the harness shape: the database and the app
    s = await seedOrg({ database, app, config, close: async () => {} }, 'web');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it('an ISMS manager logs in, creates a tenant through the form and sees it listed; a taken slug is shown at its field', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, s.emails['isms-manager']!);
    await visible(page.getByRole('heading', { name: 'Org web' }));

    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await page.getByRole('link', { name: 'New tenant' }).click();
    const slug = unique('acme');
    await page.getByLabel(/^Slug/).fill(slug);
    await page.getByLabel(/^Name/).fill('Acme Health Trust');
    await page.getByLabel(/^Tier(?! exceptions)/).selectOption('A');
    await page.getByLabel(/^Tenancy pattern/).selectOption('region-pinned');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await visible(page.getByRole('heading', { name: /Acme Health Trust/ }));
    await visible(page.getByRole('heading', { name: 'What touches this tenant' }));

    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await visible(page.getByRole('link', { name: 'Acme Health Trust' }));

    // the same slug again: the API's message appears beside the slug field, and nothing is created
    await page.getByRole('link', { name: 'New tenant' }).click();
    await page.getByLabel(/^Slug/).fill(slug);
    await page.getByLabel(/^Name/).fill('Acme again');
    await page.getByLabel(/^Tier(?! exceptions)/).selectOption('B');
    await page.getByLabel(/^Tenancy pattern/).selectOption('pooled');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await visible(page.locator('.has-error #field-slug'));
    expect(await page.getByRole('alert').first().textContent()).toMatch(/slug/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('link', { name: 'Acme again' }).count()).toBe(0);

    // the dashboard verifies the ledger, which now holds the tenant just created
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('button', { name: 'Verify the whole ledger now' }).click();
    await visible(page.getByText(/Verified: \d+ entries/));

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
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a tenant-viewer lands on its tenant, lists only it, and gets "Not found" for another tenant', async () => {
    const page = await browser.newPage();
    await login(page, s.emails.viewerA!);
    await visible(page.getByRole('heading', { name: /Tenant A/ }));
    expect(page.url()).toContain(`/tenants/${s.ids.tenantA}`);
    await visible(page.getByRole('link', { name: 'My tenant' }));
    expect(await page.getByRole('link', { name: 'Systems', exact: true }).count()).toBe(0);

    await page.goto(`${base}/tenants`);
    await visible(page.getByRole('link', { name: 'Tenant A' }));
    expect(await page.getByText('Tenant B').count()).toBe(0);

    await page.goto(`${base}/tenants/${s.ids.tenantB}`);
    await visible(page.getByRole('heading', { name: 'Not found' }));
    expect(await page.content()).not.toContain('Tenant B');
    await page.close();
  }, 60_000);

  it('logging out ends the session', async () => {
    const page = await browser.newPage();
    await login(page, s.emails.auditor!);
    await page.getByRole('button', { name: 'Log out' }).click();
    await visible(page.getByRole('button', { name: 'Log in' }));
    await page.goto(`${base}/systems`);
    await visible(page.getByRole('button', { name: 'Log in' }));
    const me = await page.request.get(`${base}/api/auth/me`);
    expect(me.status()).toBe(401);
    await page.close();
  }, 60_000);
});
