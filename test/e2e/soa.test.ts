import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { seedOrg, type SeededOrg } from '../support/harness.js';

/**
 * The Statement of Applicability in a real browser: an ISMS manager filters the SoA, is told beside the field that an
 * excluded control needs a justification, decides it, and approves a version; an auditor sees no Decide button and no
 * approve form; tenant A's viewer reads its own SoA (tenant B's override absent) and nothing else of the SoA.
 */
failWithoutChromiumInCi('SoA pages in a browser');

describe.skipIf(!haveChromium)('SoA pages in a browser', () => {
  let world: BrowserWorld;
  let s: SeededOrg;

  const login = (email: string): Promise<Page> => world.pageAs(email);

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => { s = await seedOrg(h, 'web-soa'); });
  }, 60_000);
  afterAll(async () => { await world?.close(); });

  it('an ISMS manager decides and approves; an auditor only reads; a tenant-viewer sees its own SoA', async () => {
    const manager = await login(s.emails['isms-manager']!);
    await visible(manager.getByRole('heading', { name: 'Statement of Applicability' }));
    await manager.getByRole('link', { name: 'Statement of Applicability' }).first().click();
    await visible(manager.getByRole('heading', { name: 'Statement of Applicability', level: 1 }));
    await manager.getByLabel('Theme').selectOption('physical');
    await manager.waitForURL(/theme=physical/);
    expect(await manager.getByRole('button', { name: /^Decide 8\./ }).count()).toBe(0);
    await manager.getByRole('button', { name: /^Decide 7\.5 / }).click();
    await manager.getByLabel('No, it is excluded').check();
    await manager.getByRole('button', { name: 'Save decision' }).click();
    const fieldError = manager.locator('#decision-7\\.5-justification-error');
    await visible(fieldError);
    expect(await fieldError.textContent()).toMatch(/justification/);
    await manager.getByLabel(/^Justification/).fill('No premises of our own.');
    await manager.getByRole('button', { name: 'Save decision' }).click();
    await visible(manager.getByText('Control 7.5 is now not applicable.'));

    await manager.getByRole('link', { name: 'Approved versions' }).click();
    await manager.getByLabel('What this approval covers').fill('Browser test approval');
    await manager.getByRole('button', { name: 'Approve the current SoA as a new version' }).click();
    await visible(manager.getByRole('heading', { name: 'SoA version 2' }));
    await visible(manager.getByText(/7\.5.*applicable “undecided” → “no”/).first());
    await manager.close();

    const auditor = await login(s.emails.auditor!);
    await auditor.goto(`${world.base}/soa`);
    await visible(auditor.getByRole('heading', { name: 'Statement of Applicability', level: 1 }));
    expect(await auditor.getByRole('button', { name: /^Decide / }).count()).toBe(0);
    await auditor.goto(`${world.base}/soa/versions`);
    await visible(auditor.getByRole('link', { name: 'Version 2' }));
    expect(await auditor.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    await auditor.close();

    const viewer = await login(s.emails.viewerA!);
    await viewer.getByRole('link', { name: 'Our SoA' }).click();
    await visible(viewer.getByRole('heading', { name: 'Statement of Applicability for Tenant A' }));
    await visible(viewer.getByText('Row-level security between tenants').first());
    const text = await viewer.locator('main').textContent();
    expect(text).not.toContain('Tenant B');
    expect(text).not.toContain(s.ids.tenantB);
    await viewer.goto(`${world.base}/soa`);
    await visible(viewer.getByRole('heading', { name: 'Not found' }));
    await viewer.close();
    expect(world.pageErrors).toEqual([]);
  });
});
