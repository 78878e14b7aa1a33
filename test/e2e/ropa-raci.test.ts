import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { as, seedOrg, unique, type SeededOrg } from '../support/harness.js';

/**
 * Records of processing and RACI in a real browser: an ISMS manager writes a processing activity through the generic
 * form (a transfer without a safeguard is refused beside its input), edits a service's RACI (a row without an
 * Accountable party is marked as you edit and blocks saving), and finds the Art. 30 downloads; a tenant-viewer sees
 * only its own processor record and no RACI.
 */
failWithoutChromiumInCi('records of processing and RACI in a browser');

describe.skipIf(!haveChromium)('records of processing and RACI in a browser', () => {
  let world: BrowserWorld;
  let s: SeededOrg;

  const login = (email: string): Promise<Page> => world.pageAs(email);
  const api = (url: string) => as(world.harness, s.tokens.owner, { method: 'GET', url });

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => { s = await seedOrg(h, 'web-ropa'); });
  }, 60_000);
  afterAll(async () => { await world?.close(); });

  it('a processing activity through the form: purposes one per line, a transfer needs its safeguard', async () => {
    const page = await login(s.emails['isms-manager']!);
    await page.getByRole('link', { name: 'Processing activities', exact: true }).click();
    await visible(page.getByRole('link', { name: 'Hosting operations' }));
    await page.getByRole('link', { name: 'New processing activity' }).click();
    const slug = unique('support');
    await page.getByLabel(/^Slug/).fill(slug);
    await page.getByLabel(/^Name/).fill('Support desk');
    await page.getByLabel(/^Role/).selectOption('processor');
    await page.getByLabel(/^Service/).selectOption({ label: 'Hosting (hosting)' });
    await page.getByLabel(/^Purposes/).fill('Answering tickets\nRemote support\n');
    await page.getByLabel(/^Annex A controls/).fill('5.15\n8.24');
    await page.getByRole('group', { name: /^Sub-processors/ }).getByLabel(/Cloud Co/).check();
    await page.getByRole('button', { name: 'Add transfer' }).click();
    await page.getByLabel('Transfers 1: Destination').fill('United States');
    await page.getByRole('button', { name: 'Create processing activity' }).click();
    await visible(page.locator('#field-transfers-error'));
    expect(await page.locator('#field-transfers-error').textContent()).toBe('The transfer to United States needs a safeguard: adequacy, scc, bcr, derogation or other.');
    expect(await page.getByLabel('Transfers 1: Safeguard').getAttribute('aria-invalid')).toBe('true');
    expect((await api(`/api/processing-activities?q=${slug}`)).json().total).toBe(0);
    await page.getByLabel('Transfers 1: Safeguard').selectOption('scc');
    await page.getByLabel('Transfers 1: Reference').fill('SCC 2021/914 module 3');
    await page.getByRole('button', { name: 'Create processing activity' }).click();
    await visible(page.getByRole('heading', { name: /Support desk/ }));
    const [created] = (await api(`/api/processing-activities?q=${slug}`)).json().items;
    expect(created).toMatchObject({
      role: 'processor', serviceId: s.ids.service, purposes: ['Answering tickets', 'Remote support'], securityMeasureControlIds: ['5.15', '8.24'],
      subProcessorVendorIds: [s.ids.vendor], transfers: [{ destination: 'United States', safeguard: 'scc', reference: 'SCC 2021/914 module 3' }],
    });
    await visible(page.getByText('United States · scc · SCC 2021/914 module 3'));
    expect(world.pageErrors).toEqual([]);
  }, 120_000);

  it('the RACI editor marks a row without an Accountable party, saves a valid matrix, and exports it', async () => {
    const page = await login(s.emails['isms-manager']!);
    await page.getByRole('link', { name: 'RACI', exact: true }).click();
    await page.getByRole('table', { name: 'Services' }).getByRole('link', { name: 'Hosting' }).click();
    await visible(page.getByRole('heading', { name: 'RACI: Hosting' }));
    expect(await page.getByLabel('Provisioning: Customer').inputValue()).toBe('A');
    expect(await page.getByLabel('Provisioning: Provider').inputValue()).toBe('R');
    await page.getByRole('button', { name: 'Logging', exact: true }).click();
    await visible(page.getByText('Exactly one party must be Accountable (A); none is.'));
    expect(await page.getByRole('button', { name: 'Save RACI' }).isDisabled()).toBe(true);
    await page.getByLabel('Logging: Provider').selectOption('A');
    await visible(page.getByText('At least one party must be Responsible (R).'));
    await page.getByLabel('Logging: Sub-processor / cloud provider').selectOption('R');
    await page.getByLabel('Custom activity').fill('Patch management');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByLabel('Patch management: Provider').selectOption('A');
    await page.getByLabel('Patch management: Customer').selectOption('R');
    await page.getByRole('button', { name: 'Save RACI' }).click();
    await visible(page.getByText('Saved.'));
    const matrix = (await api(`/api/services/${s.ids.service}/raci`)).json();
    expect(matrix.activities.map((a: any) => [a.activity, a.label, a.customer, a.provider, a.subProcessor])).toEqual([
      ['provisioning', 'Provisioning', 'A', 'R', null],
      ['logging', 'Logging', null, 'A', 'R'],
      ['patch-management', 'Patch management', 'R', 'A', null],
    ]);
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(`/api/services/${s.ids.service}/raci.csv`);
    // the service's own page links to its RACI
    await page.goto(`${world.base}/services/${s.ids.service}`);
    await page.getByRole('link', { name: 'RACI matrix of this service' }).click();
    await visible(page.getByRole('heading', { name: 'RACI: Hosting' }));
    // an auditor reads it without selects or a save button
    const auditor = await login(s.emails.auditor!);
    await auditor.goto(`${world.base}/raci/${s.ids.service}`);
    await visible(auditor.getByRole('heading', { name: 'RACI: Hosting' }));
    expect(await auditor.getByRole('combobox').count()).toBe(0);
    expect(await auditor.getByRole('button', { name: 'Save RACI' }).count()).toBe(0);
    expect(world.pageErrors).toEqual([]);
  }, 120_000);

  it('records of processing: the downloads for staff, and only its own processor record for a tenant-viewer', async () => {
    const page = await login(s.emails.auditor!);
    await page.getByRole('link', { name: 'Records of processing', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Records of processing' }));
    expect(await page.getByRole('link', { name: 'Download XLSX' }).first().getAttribute('href')).toBe('/api/ropa/controller.xlsx');
    await page.getByLabel('Customer (controller)').selectOption({ label: 'Tenant B' });
    expect(await page.getByRole('link', { name: 'Download CSV' }).last().getAttribute('href')).toBe(`/api/ropa/processor/${s.ids.tenantB}.csv`);

    const viewer = await login(s.emails.viewerA!);
    expect(await viewer.getByRole('link', { name: 'RACI', exact: true }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Records of processing', exact: true }).click();
    await visible(viewer.getByRole('heading', { name: 'Processor record (Art. 30(2))' }));
    expect(await viewer.getByRole('heading', { name: 'Controller record (Art. 30(1))' }).count()).toBe(0);
    expect(await viewer.getByLabel('Customer (controller)').locator('option').allInnerTexts()).toEqual(['Tenant A']);
    const href = await viewer.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toBe(`/api/ropa/processor/${s.ids.tenantA}.csv`);
    // the download itself, with the viewer's session cookie
    const csv = await viewer.evaluate(async (url) => (await fetch(url)).text(), href!);
    expect(csv).toContain('Tenant A');
    expect(csv).toContain('Hosting operations');
    expect(csv).not.toContain('Tenant B');
    await viewer.goto(`${world.base}/raci/${s.ids.service}`);
    await visible(viewer.getByRole('heading', { name: /not found/i }));
    expect(world.pageErrors).toEqual([]);
  }, 120_000);
});
