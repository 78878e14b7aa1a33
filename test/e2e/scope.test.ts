import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { seedOrg, type SeededOrg } from '../support/harness.js';

/**
 * The scope journey in a real browser (test/support/browser.ts: Debian's Chromium, skipped without it on a
 * workstation, failed in CI): an engineer proposes the first scope statement, is told beside the field that an
 * exclusion needs its justification, submits, and cannot approve; the ISMS manager signs it off; a tenant's
 * viewer then reads the statement and nothing of the change requests.
 */
failWithoutChromiumInCi('scope pages in a browser');

describe.skipIf(!haveChromium)('scope pages in a browser', () => {
  let world: BrowserWorld;
  let base: string;
  let s: SeededOrg;
  let pageErrors: string[];

  const login = (email: string): Promise<Page> => world.pageAs(email);

  beforeAll(async () => {
    world = await startBrowserWorld(async (h) => { s = await seedOrg(h, 'web-scope'); });
    base = world.base;
    pageErrors = world.pageErrors;
  }, 60_000);

  afterAll(async () => { await world?.close(); });

  it('an engineer proposes, an ISMS manager signs off, a tenant-viewer reads the statement only', async () => {
    const engineer = await login(s.emails.engineer!);
    await engineer.getByRole('link', { name: 'Scope statement' }).click();
    await visible(engineer.getByText('No scope statement has been approved yet.'));
    await engineer.getByRole('link', { name: 'Propose a scope change' }).click();
    await visible(engineer.getByRole('heading', { name: 'Propose a scope change' }));
    await engineer.getByLabel('Title').fill('Initial scope');
    await engineer.getByLabel('Kind of change').selectOption('other');
    await engineer.getByLabel('Statement text').fill('The ISMS covers hosting, operated from Dublin.');
    await engineer.getByLabel('Hosting', { exact: true }).check();
    await engineer.getByLabel('Locations').fill('Dublin office\nAWS eu-west-1');
    await engineer.getByRole('button', { name: 'Add an exclusion' }).click();
    await engineer.getByLabel('Exclusion 1: what is excluded').fill('Corporate finance');
    await engineer.getByRole('button', { name: 'Save as draft' }).click();
    // The refusal shows beside the field at fault, and the summary takes the focus and links to it.
    const fieldError = engineer.locator('#cr-proposed-exclusions-0-justification-error');
    await visible(fieldError);
    expect(await fieldError.textContent()).toMatch(/justification/);
    expect(await engineer.evaluate(() => document.activeElement?.className)).toBe('error-banner');
    await engineer.getByRole('link', { name: 'Go to the field' }).click();
    expect(await engineer.evaluate(() => document.activeElement?.id)).toBe('cr-proposed-exclusions-0-justification');
    await engineer.keyboard.type('Billing contacts only.');
    for (const [label, text] of [['Affected assets and systems', 'Shared DB.'], ['Risks', 'None new.'], ['Controls', 'A.5.23.'], ['Tenants affected', 'None.']]) {
      await engineer.getByLabel(label!, { exact: true }).fill(text!);
    }
    await engineer.getByRole('button', { name: 'Save as draft' }).click();
    await visible(engineer.getByRole('heading', { name: 'SCR-1 Initial scope' }));
    await engineer.getByRole('button', { name: 'Submit for sign-off' }).click();
    await visible(engineer.getByText('Submitted for sign-off.'));
    expect(await engineer.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    expect(await engineer.getByRole('button', { name: 'Withdraw' }).count()).toBe(1);
    await engineer.close();

    const manager = await login(s.emails['isms-manager']!);
    await manager.getByRole('link', { name: 'Scope changes' }).click();
    await manager.getByLabel('Status').selectOption('submitted');
    await manager.getByRole('link', { name: 'SCR-1 Initial scope' }).click();
    await manager.getByLabel('Decision note').fill('Matches the platform.');
    await manager.getByRole('button', { name: /Approve/ }).click();
    await visible(manager.getByText('Approved: the new version of the scope statement is current.'));
    await manager.getByRole('link', { name: 'Scope statement' }).click();
    await visible(manager.getByText(/Version 1 \(current\)/));
    await visible(manager.getByRole('heading', { name: 'Compare two versions' }));
    await manager.close();

    const viewer = await login(s.emails.viewerA!);
    await viewer.getByRole('link', { name: 'Scope statement' }).click();
    await visible(viewer.getByText('The ISMS covers hosting, operated from Dublin.'));
    await visible(viewer.getByRole('cell', { name: 'Billing contacts only.' }));
    expect(await viewer.getByRole('link', { name: 'Scope changes' }).count()).toBe(0);
    expect(await viewer.getByRole('heading', { name: 'Versions' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Propose a scope change' }).count()).toBe(0);
    await viewer.goto(`${base}/scope/changes`);
    await visible(viewer.getByRole('heading', { name: 'Not found' }));
    await viewer.close();
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
