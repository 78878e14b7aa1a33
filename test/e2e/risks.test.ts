import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { as, seedOrg, type SeededOrg } from '../support/harness.js';

/**
 * The risk register in a real browser: the dashboard tile leads to the register filtered by level; a heat-map cell
 * filters the table (in the URL) and a second click clears it; an ISMS manager accepts a risk with a rationale (a
 * refusal is shown beside the field); a suggestion from the blast radius is adopted; an engineer sees no accept
 * control and cannot change the method; a tenant-viewer has no register.
 */
failWithoutChromiumInCi('risk register in a browser');

describe.skipIf(!haveChromium)('risk register in a browser', () => {
  let world: BrowserWorld;
  let s: SeededOrg;

  const login = (email: string): Promise<Page> => world.pageAs(email);
  const api = (url: string) => as(world.harness, s.tokens.owner, { method: 'GET', url });

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => { s = await seedOrg(h, 'web-risk'); });
  }, 60_000);
  afterAll(async () => { await world?.close(); });

  it('dashboard tile → register; a heat-map cell filters and clears; an ISMS manager accepts a risk', async () => {
    const page = await login(s.emails['isms-manager']!);
    const tile = page.getByRole('list', { name: 'Open risks by residual level' });
    await visible(tile);
    // the seeded risk: likelihood 3, impact 3 + 2 (tier A) → inherent 15 high; residual 1 × 3 = 3 low
    await tile.getByRole('link', { name: /low/ }).click();
    await visible(page.getByRole('heading', { name: 'Risk register' }));
    expect(page.url()).toContain('level=low');
    const table = page.getByRole('table', { name: 'Risks', exact: true });
    await visible(table.getByRole('link', { name: 'Cross-tenant leak in the shared database' }));

    await page.goto(`${world.base}/risk-register`);
    const cell = page.getByRole('button', { name: /^1 risk at likelihood 3, impact 5 \(high\)/ }).first();
    await visible(cell);
    await page.getByRole('table', { name: /^Inherent risk heat map/ }).getByRole('button', { name: /at likelihood 3, impact 5/ }).click();
    await page.waitForURL(/map=inherent&likelihood=3&impact=5/);
    expect(await page.getByRole('table', { name: /^Inherent risk heat map/ }).getByRole('button', { name: /at likelihood 3, impact 5/ }).getAttribute('aria-pressed')).toBe('true');
    await visible(table.getByRole('link', { name: 'Cross-tenant leak in the shared database' }));
    await page.getByRole('table', { name: /^Inherent risk heat map/ }).getByRole('button', { name: /at likelihood 3, impact 5/ }).click();
    await page.waitForURL((u) => !u.search.includes('likelihood'));

    await table.getByRole('button', { name: 'Accept…' }).first().click();
    await page.getByRole('button', { name: 'Accept residual risk' }).click();
    // an empty rationale never reaches the server: the browser asks for it (required)
    expect((await api('/api/risks/register')).json().items.find((e: any) => e.risk.id === s.ids.risk).acceptance).toBeNull();
    await page.getByLabel(/^Why the residual risk is acceptable/).fill('Row-level security is tested on every release.');
    await page.getByRole('button', { name: 'Accept residual risk' }).click();
    await visible(page.getByRole('status').getByText(/^Accepted Cross-tenant leak in the shared database at residual level low/));
    await visible(table.getByText(/accepted by .* \(low\)/));
    const entry = (await api('/api/risks/register')).json().items.find((e: any) => e.risk.id === s.ids.risk);
    expect(entry.acceptance).toMatchObject({ acceptedBy: s.emails['isms-manager'], rationale: 'Row-level security is tested on every release.' });
    expect(world.pageErrors).toEqual([]);
  }, 120_000);

  it('a suggestion from the blast radius is adopted and opens the new risk', async () => {
    const page = await login(s.emails.engineer!);
    // a mistyped page under a resource's path is "Not found", not an empty risk
    await page.goto(`${world.base}/risks/register`);
    await visible(page.getByRole('heading', { name: 'Not found' }));
    await page.goto(`${world.base}/risk-register`);
    const suggestions = page.getByRole('table', { name: 'Suggested risks' });
    await visible(suggestions);
    const vendorRow = suggestions.getByRole('row').filter({ hasText: 'Breach at the supplier Cloud Co' });
    await visible(vendorRow.getByText('no risk yet'));
    // an engineer may create risks but not accept them
    expect(await page.getByRole('button', { name: 'Accept…' }).count()).toBe(0);
    await vendorRow.getByRole('button', { name: 'Adopt' }).click();
    await visible(page.getByRole('heading', { name: /Breach at the supplier Cloud Co/ }));
    // the risk's page shows its assessment: the vendor hosts the shared database, which holds tier-A data
    await visible(page.getByRole('heading', { name: 'Assessment' }));
    await visible(page.getByText('A (impact +2)'));
    const adopted = (await api('/api/risks?vendorId=' + s.ids.vendor)).json().items;
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toMatchObject({ suggestedFrom: 'vendor/cloud', vendorIds: [s.ids.vendor] });
    // the method page is read-only for an engineer
    await page.goto(`${world.base}/risk-method`);
    await visible(page.getByRole('heading', { name: 'Risk method' }));
    expect(await page.getByRole('button', { name: 'Save method' }).count()).toBe(0);
    expect(world.pageErrors).toEqual([]);
  }, 120_000);

  it('an interested party leads to the risks that threaten it, filtered in the list', async () => {
    const page = await login(s.emails.auditor!);
    await page.goto(`${world.base}/interested-parties/${s.ids.interestedParty}`);
    await page.getByRole('link', { name: /Risks that threaten this party/ }).click();
    await page.waitForURL(/\/risks\?interestedPartyId=/);
    await visible(page.getByRole('link', { name: 'Cross-tenant leak in the shared database' }));
    // the risk adopted above threatens no party: the list is filtered, not everything
    expect(await page.getByRole('link', { name: /Breach at the supplier Cloud Co/ }).count()).toBe(0);
    expect((await api('/api/risks?limit=200')).json().items.some((r: any) => r.name.startsWith('Breach at the supplier Cloud Co'))).toBe(true);
    expect(world.pageErrors).toEqual([]);
  }, 120_000);

  it('the method page refuses thresholds that do not ascend, beside the field', async () => {
    const page = await login(s.emails.owner!);
    await page.goto(`${world.base}/risk-method`);
    await page.getByLabel(/^high/).fill('4');
    await page.getByRole('button', { name: 'Save method' }).click();
    await visible(page.locator('#rm-high-error'));
    expect((await api('/api/risk-method')).json().isDefault).toBe(true);
    await page.getByLabel(/^high/).fill('10');
    await page.getByRole('button', { name: 'Save method' }).click();
    await visible(page.getByRole('status').getByText(/^Saved/));
    expect((await api('/api/risk-method')).json().method.thresholds.high).toBe(10);
  }, 120_000);

  it('a tenant-viewer has no risk register', async () => {
    const page = await login(s.emails.viewerA!);
    expect(await page.getByRole('link', { name: 'Risk register' }).count()).toBe(0);
    await page.goto(`${world.base}/risk-register`);
    await visible(page.getByRole('heading', { name: /not found/i }));
  }, 120_000);
});
