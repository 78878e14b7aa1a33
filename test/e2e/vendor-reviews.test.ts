import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/services/provisioning.js';
import { createObject, updateObject } from '../../src/services/resources.js';
import { resourceByName } from '../../src/model/index.js';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { as, seedOrg, type SeededOrg } from '../support/harness.js';

/**
 * Vendor reviews in a real browser: a sub-processor newly fed by tenant A's data has an open review; an engineer
 * finds it from the dashboard tile, sees tenant A with the notice its DPA requires, is told beside the field that
 * an outcome is needed, completes it, and the vendor's page shows the tenants reached. A tenant-viewer has none of it.
 */
failWithoutChromiumInCi('vendor reviews in a browser');

describe.skipIf(!haveChromium)('vendor reviews in a browser', () => {
  let world: BrowserWorld;
  let s: SeededOrg;
  let mailer: string;

  const login = (email: string): Promise<Page> => world.pageAs(email);

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => {
      s = await seedOrg(h, 'web-vendors');
      const op = operatorActor(s.org.orgId);
      const db = h.database.db;
      await updateObject(db, op, resourceByName('tenants'), s.ids.tenantA!, { subProcessorNoticeDays: 30, subProcessorObjectionRight: true });
      const v = await createObject(db, op, resourceByName('vendors'), { slug: 'mailer', name: 'Mailer Inc', regions: ['eu-west-1'] });
      mailer = v.id as string;
      await createObject(db, op, resourceByName('data-flows'), { slug: 'a-to-mailer', name: 'A to mailer', fromSystemId: s.ids.dedicatedA, toVendorId: mailer, dataCategories: ['personal-data'] });
      await updateObject(db, op, resourceByName('vendors'), mailer, { subProcessor: true });
    });
  }, 120_000);
  afterAll(async () => { await world?.close(); });

  it('from the dashboard tile to a completed review, with the tenants reached and their notice', async () => {
    const page = await login(s.emails.engineer!);
    const tile = page.getByRole('region', { name: 'Vendor reviews' });
    await visible(tile.getByRole('link', { name: /open/ }));
    await tile.getByRole('link', { name: /open/ }).click();
    await visible(page.getByRole('heading', { name: 'Vendor reviews', level: 1 }));
    await page.getByRole('table', { name: 'Vendor reviews' }).getByRole('link', { name: 'Mailer Inc' }).click();
    await visible(page.getByRole('heading', { name: /New sub-processor: Mailer Inc/ }));
    const tenants = page.getByRole('table', { name: 'Tenants whose data reaches Mailer Inc' });
    await visible(tenants.getByRole('cell', { name: 'notify 30 days before; may object' }));
    expect(await tenants.getByRole('row').count()).toBe(2); // the header and tenant A: tenant B's data never reaches it

    await page.getByRole('button', { name: 'Complete', exact: true }).click();
    await visible(page.locator('#vr-outcome-error'));
    expect(await page.getByLabel(/^Outcome/).getAttribute('aria-invalid')).toBe('true');
    const still = (await as(world.harness, s.tokens.owner, { method: 'GET', url: `/api/vendor-reviews?vendor=${mailer}` })).json().items[0];
    expect(still.status).toBe('open');

    await page.getByLabel(/^Result/).selectOption('approved-with-conditions');
    await page.getByLabel(/^Outcome/).fill('DPA signed; EU region only; tenant A notified on day 0.');
    await page.getByRole('button', { name: 'Complete', exact: true }).click();
    await visible(page.getByText('Review completed; the vendor\u2019s review status is updated.'));
    const vendor = (await as(world.harness, s.tokens.owner, { method: 'GET', url: `/api/vendors/${mailer}` })).json();
    expect(vendor.reviewStatus).toBe('approved-with-conditions');

    await page.getByRole('link', { name: 'Mailer Inc' }).first().click();
    await visible(page.getByRole('heading', { name: 'Tenants whose data reaches this vendor' }));
    await visible(page.getByRole('table', { name: 'Tenants whose data reaches this vendor' }).getByRole('link', { name: 'Tenant A' }));
    expect(world.pageErrors).toEqual([]);
  }, 120_000);

  it('a tenant-viewer has no vendor reviews', async () => {
    const page = await login(s.emails.viewerA!);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Vendor reviews' }).count()).toBe(0);
    await page.goto(`${world.base}/vendor-reviews`);
    await visible(page.getByRole('heading', { name: 'Not found' }));
  }, 60_000);
});
