import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/services/provisioning.js';
import { createObject } from '../../src/services/resources.js';
import { resourceByName } from '../../src/model/index.js';
import { failWithoutChromiumInCi, haveChromium, startBrowserWorld, visible, type BrowserWorld } from '../support/browser.js';
import { as, seedOrg, type SeededOrg } from '../support/harness.js';

/**
 * Evidence and exceptions in a real browser: an engineer uploads a file to evidence from its page and sees it
 * stored with its digest; a stale link is flagged; an ISMS manager finds an overdue exception from the dashboard
 * and approves a proposed one from its page; a tenant-viewer sees shared and its own evidence and no upload control.
 */
failWithoutChromiumInCi('evidence and exceptions in a browser');

describe.skipIf(!haveChromium)('evidence and exceptions in a browser', () => {
  let world: BrowserWorld;
  let s: SeededOrg;
  let fileEvidence: string;
  let staleLink: string;
  let proposed: string;
  let dir: string;

  const login = (email: string): Promise<Page> => world.pageAs(email);
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-e2e-evidence-'));
    world = await startBrowserWorld(async (h) => {
      s = await seedOrg(h, 'web-evidence');
      const op = operatorActor(s.org.orgId);
      const create = (name: Parameters<typeof resourceByName>[0], input: Record<string, unknown>) => createObject(h.database.db, op, resourceByName(name), input);
      fileEvidence = (await create('evidence', { slug: 'access-review-q1', name: 'Access review Q1', kind: 'file', collectedOn: inDays(-3), freshnessDays: 90, controlIds: ['5.18'] })).id as string;
      staleLink = (await create('evidence', { slug: 'old-scan', name: 'Old vulnerability scan', kind: 'link', url: 'https://scans.example.test/2020', collectedOn: '2020-01-01', freshnessDays: 30 })).id as string;
      proposed = (await create('control-exceptions', {
        slug: 'legacy-console', name: 'Legacy console without MFA', controlId: '8.5', systemId: s.ids.shared, reason: 'No second factor.',
        compensatingMeasures: 'Bastion with MFA.', residualRiskRationale: 'Bastion first.', expiresOn: inDays(200), reviewOn: inDays(100),
      })).id as string;
    });
    // an exception approved long ago whose review date has passed: the dashboard's overdue count
    const late = await as(world.harness, s.tokens.engineer, { method: 'POST', url: '/api/control-exceptions', payload: {
      slug: 'late-review', name: 'Review overdue', controlId: '8.15', tier: 'C', reason: 'r', compensatingMeasures: 'c', residualRiskRationale: 'k',
      expiresOn: inDays(100), reviewOn: inDays(-2),
    } });
    expect((await as(world.harness, s.tokens.owner, { method: 'POST', url: `/api/control-exceptions/${late.json().id}/approve` })).statusCode).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an engineer uploads a file from the evidence page; a stale link is flagged', async () => {
    const page = await login(s.emails.engineer!);
    await page.goto(`${world.base}/evidence/${fileEvidence}`);
    await visible(page.getByRole('heading', { name: /Access review Q1/ }));
    await visible(page.getByText('No file uploaded yet.'));
    const file = join(dir, 'review.csv');
    writeFileSync(file, 'account,decision\nalice,keep\nbob,remove\n');
    await page.getByLabel('Upload the file').setInputFiles(file);
    await visible(page.getByRole('status').filter({ hasText: 'Stored review.csv' }));
    await visible(page.getByRole('link', { name: 'review.csv' }));
    const stored = (await as(world.harness, s.tokens.owner, { method: 'GET', url: `/api/evidence/${fileEvidence}` })).json();
    expect(stored).toMatchObject({ fileName: 'review.csv', fileType: 'text/csv' });
    await visible(page.getByText(stored.fileSha256));

    await page.goto(`${world.base}/evidence/${staleLink}`);
    await visible(page.getByText('Stale since 2020-02-01'));
    await page.goto(`${world.base}/stale-evidence`);
    await visible(page.getByRole('table', { name: 'Stale evidence' }).getByRole('link', { name: 'Old vulnerability scan' }));
    // an engineer proposes but does not decide: no approve button
    await page.goto(`${world.base}/control-exceptions/${proposed}`);
    await visible(page.getByRole('heading', { name: 'Decision' }));
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
  });

  it('an ISMS manager follows the dashboard tile to the overdue exception and approves a proposed one', async () => {
    const page = await login(s.emails['isms-manager']!);
    const tile = page.getByRole('region', { name: 'Evidence and exceptions' });
    await visible(tile.getByRole('link', { name: /overdue exceptions/ }));
    expect(await tile.getByRole('link', { name: /overdue exceptions/ }).textContent()).toMatch(/^1\s/);
    await tile.getByRole('link', { name: /overdue exceptions/ }).click();
    await visible(page.getByRole('table', { name: 'Overdue exceptions' }).getByRole('link', { name: 'Review overdue' }));

    await page.goto(`${world.base}/control-exceptions/${proposed}`);
    await page.getByLabel(/^Note/).fill('Until the console is replaced.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await visible(page.getByText(/Status: approved/));
    expect((await as(world.harness, s.tokens.owner, { method: 'GET', url: `/api/control-exceptions/${proposed}` })).json().status).toBe('approved');
  });

  it('a tenant-viewer sees shared and its own evidence, not another tenant\u2019s, and cannot upload', async () => {
    const page = await login(s.emails.viewerA!);
    await page.goto(`${world.base}/evidence`);
    await visible(page.getByRole('link', { name: 'Tenant A restore test' }));
    await visible(page.getByRole('link', { name: 'Annual penetration test' }));
    expect(await page.getByRole('link', { name: 'Tenant B restore test' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Tenant A restore test' }).click();
    await visible(page.getByRole('link', { name: 'tenant-a-restore-test.txt' }));
    expect(await page.getByLabel(/Upload the file|Replace the file/).count()).toBe(0);
    expect(world.pageErrors).toEqual([]);
  });
});
