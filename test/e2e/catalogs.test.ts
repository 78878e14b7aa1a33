import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { seedOrg, type SeededOrg } from '../support/harness.js';

/**
 * The catalog journey in a real browser: an ISMS manager finds Annex A controls by searching for a GDPR article,
 * pastes a framework with a duplicate control id and is told the line, fixes it and lands on the new framework;
 * an auditor sees the catalogs but no "Add a framework"; a tenant-viewer has no Catalogs at all.
 */
failWithoutChromiumInCi('catalog pages in a browser');

describe.skipIf(!haveChromium)('catalog pages in a browser', () => {
  let world: BrowserWorld;
  let s: SeededOrg;

  const login = (email: string): Promise<Page> => world.pageAs(email);

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => { s = await seedOrg(h, 'web-catalogs'); });
  }, 60_000);

  afterAll(async () => { await world?.close(); });

  it('searching Annex A by GDPR article, adding a framework (a duplicate id names its line), roles', async () => {
    const manager = await login(s.emails['isms-manager']!);
    await manager.getByRole('link', { name: 'Catalogs', exact: true }).click();
    await visible(manager.getByRole('heading', { name: 'Catalogs' }));
    await expect(manager.getByRole('link', { name: 'Component definition' }).getAttribute('href')).resolves.toBe('/api/oscal/component-definition');
    await manager.getByRole('link', { name: 'ISO/IEC 27001:2022 Annex A and clauses 4–10' }).click();
    await visible(manager.getByRole('heading', { name: 'Organizational controls' }));
    await manager.getByLabel('Search controls and GDPR articles').fill('Art. 33(5)');
    await visible(manager.getByText(/of 93 shown/));
    const shown = await manager.locator('.catalog-control dt').allInnerTexts();
    expect(shown).toContain('A.5.27 Learning from information security incidents');
    expect(shown).not.toContain('A.5.15 Access control');

    await manager.getByRole('link', { name: '← Catalogs' }).click();
    await manager.getByRole('link', { name: 'Add a framework' }).click();
    await visible(manager.getByRole('heading', { name: 'Add a framework' }));
    const yaml = (dup: boolean) => `framework:\n  id: web-baseline\n  name: Web baseline\n  version: "1"\n  provenance: Typed in the browser\ncontrols:\n  - { id: W-1, title: First }\n  - { id: ${dup ? 'W-1' : 'W-2'}, title: Second }\n`;
    await manager.getByLabel('Or paste the YAML').fill(yaml(true));
    await manager.getByRole('button', { name: 'Add framework' }).click();
    const alert = manager.getByRole('alert');
    await visible(alert);
    await expect(alert.innerText()).resolves.toContain('line 8:11: controls[1].id: duplicate control id "W-1" (first defined at line 7)');
    await manager.getByLabel('Or paste the YAML').fill(yaml(false));
    await manager.getByRole('button', { name: 'Add framework' }).click();
    await visible(manager.getByRole('heading', { name: 'Web baseline' }));
    await visible(manager.getByText('W-2 Second'));

    const auditor = await login(s.emails.auditor!);
    await auditor.getByRole('link', { name: 'Catalogs', exact: true }).click();
    await visible(auditor.getByRole('link', { name: 'Web baseline' }));
    expect(await auditor.getByRole('link', { name: 'Add a framework' }).count()).toBe(0);
    expect(await auditor.getByRole('button', { name: /Delete/ }).count()).toBe(0);

    const viewer = await login(s.emails.viewerA!);
    expect(await viewer.getByRole('link', { name: 'Catalogs', exact: true }).count()).toBe(0);
    await viewer.goto(`${world.base}/catalogs`);
    await visible(viewer.getByRole('heading', { name: /not found/i }));
    expect(world.pageErrors).toEqual([]);
  }, 120_000);
});
