import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { buildApp, WEB_DIST } from '../../src/api/app.js';
import { LedgerVerificationRunner } from '../../src/services/ledger-verification.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/store/database.js';
import { VERIFY_WORKER } from './cli.js';
import { openTestDatabase, PASSWORD, type Harness } from './harness.js';

/**
 * What every browser test shares: Debian's Chromium driven by playwright-core (never a downloaded browser), the real
 * server on a free port of 127.0.0.1 and the real database (PGlite, or PostgreSQL when the run has one).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/**
 * Without Chromium a browser test is skipped on a workstation but FAILS in CI, so a missing browser never passes as
 * green. Call at the top level of the test file, with the name of its suite.
 */
export function failWithoutChromiumInCi(suite: string): void {
  if (haveChromium || !process.env.CI) return;
  describe(suite, () => {
    it('needs Chromium', () => { throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`); });
  });
}

/** Wait until the element is visible; fails the test after `timeout` ms. */
export const visible = (locator: Locator, timeout = 10_000) => locator.waitFor({ state: 'visible', timeout });

export interface BrowserWorld {
  database: Database;
  app: FastifyInstance;
  config: Config;
  /** The same app and database as a test harness, for the seeding helpers of test/support/harness.ts. */
  harness: Harness;
  browser: Browser;
  /** http://127.0.0.1:PORT of the running server. */
  base: string;
  /** Uncaught errors of every page opened with `newPage` or `login` (a test can require it to stay empty). */
  pageErrors: string[];
  newPage(): Promise<Page>;
  /** Log in through the form, submitting it with Enter, and wait for the signed-in header. */
  login(page: Page, email: string): Promise<void>;
  /** A new page, logged in as `email`. */
  pageAs(email: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Open a test database, build the app, let `prepare` seed it (before the server listens), listen, and launch
 * Chromium. Needs the built web app (`npm test` builds it first).
 */
export async function startBrowserWorld(prepare: (h: Harness) => Promise<void>): Promise<BrowserWorld> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('web/dist is not built: run `npm run build:web` (npm test does it first)');
  const database = await openTestDatabase();
  // Files the server writes (evidence) go to a temporary data dir, removed on close.
  const dataDir = await mkdtemp(join(tmpdir(), 'tenantproof-e2e-'));
  const config = loadConfig({ TENANTPROOF_DATA: dataDir });
  const verifications = new LedgerVerificationRunner(database.db, { workerDatabaseUrl: process.env.TEST_DATABASE_URL ?? null, workerEntry: VERIFY_WORKER });
  const app = await buildApp({ db: database.db, config, verifications });
  const harness: Harness = { database, app, config, verifications, close: async () => {} };
  await prepare(harness);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const pageErrors: string[] = [];
  const newPage = async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  };
  const login = async (page: Page, email: string) => {
    await page.goto(base);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await visible(page.getByRole('button', { name: 'Log out' }));
  };
  const pageAs = async (email: string) => {
    const page = await newPage();
    await login(page, email);
    return page;
  };
  const close = async () => {
    await browser.close();
    await app.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { database, app, config, harness, browser, base, pageErrors, newPage, login, pageAs, close };
}
