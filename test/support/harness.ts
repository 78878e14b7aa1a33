import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { LedgerVerificationRunner, type VerificationRunnerOptions } from '../../src/services/ledger-verification.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Role } from '../../src/access/actor.js';
import { openDatabase, withContext, type Database } from '../../src/store/database.js';
import { addMember } from '../../src/services/members.js';
import { actorForMember, createOrg, operatorActor, type OrgRef } from '../../src/services/provisioning.js';
import { createToken } from '../../src/services/tokens.js';
import { createObject, updateObject } from '../../src/services/resources.js';
import { createHold } from '../../src/services/retention.js';
import { evidenceFiles, uploadEvidenceFile } from '../../src/services/evidence.js';
import { masterKeySource } from '../../src/services/ledger.js';
import { approveSoa, decide } from '../../src/services/soa.js';
import { addFramework } from '../../src/services/frameworks.js';
import { putRaci } from '../../src/services/raci.js';
import { listVendorReviews } from '../../src/services/vendor-review.js';
import { resourceByName } from '../../src/model/index.js';
import { VERIFY_WORKER } from './cli.js';

/** Which database this run uses: PostgreSQL when the global setup made one, else PGlite in memory. */
export const DB_KIND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A migrated database for one test file. */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL ?? null;
  const db = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: 4 }, { memory: true });
  if (!url) await db.migrate();
  return db;
}

/** An organization row and nothing else (no ledger entry): for tests that count ledger entries from zero. */
export async function bareOrg(database: Database, slug: string): Promise<string> {
  const orgId = randomUUID();
  await withContext(database.db, { orgId, tenantId: null, userId: null }, (trx) =>
    trx.insertInto('orgs').values({ org_id: orgId, slug, name: slug }).execute());
  return orgId;
}

export interface Harness {
  database: Database;
  app: FastifyInstance;
  config: Config;
  /** The app's background ledger verifications (tests wait for a run with `settled`). */
  verifications: LedgerVerificationRunner;
  close(): Promise<void>;
}

/**
 * A server on a test database. Files it writes (evidence) go to a temporary data dir removed on close, unless the
 * test names its own TENANTPROOF_DATA.
 */
export async function startHarness(env: Record<string, string> = {}, options: { verifications?: VerificationRunnerOptions } = {}): Promise<Harness> {
  const database = await openTestDatabase();
  const tempDir = env.TENANTPROOF_DATA ? null : await mkdtemp(join(tmpdir(), 'tenantproof-test-'));
  const config = loadConfig({ ...(tempDir ? { TENANTPROOF_DATA: tempDir } : {}), ...env });
  // on PostgreSQL, runs go to a worker thread with its own connections, as in the server
  const verifications = new LedgerVerificationRunner(database.db, { workerDatabaseUrl: process.env.TEST_DATABASE_URL ?? null, workerEntry: VERIFY_WORKER, ...options.verifications });
  const app = await buildApp({ db: database.db, config, verifications });
  await app.ready();
  return {
    database, app, config, verifications,
    close: async () => {
      await app.close();
      await database.close();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export const PASSWORD = 'correct horse battery staple';

/** Add a member with a role and return an API token for them. */
export async function memberToken(h: Harness, org: OrgRef, role: Role, tenantId: string | null = null): Promise<{ email: string; token: string; userId: string }> {
  const email = `${unique(role)}@example.test`;
  const member = await addMember(h.database.db, operatorActor(org.orgId), { email, displayName: `${role} user`, role, tenantId, password: PASSWORD });
  const actor = await actorForMember(h.database.db, org, email);
  const { token } = await createToken(h.database.db, actor, { name: 'test' });
  return { email, token, userId: member.userId };
}

export interface SeededOrg {
  org: OrgRef;
  ids: Record<string, string>;
  tokens: Record<Role | 'viewerA' | 'viewerB', string>;
  emails: Record<string, string>;
}

/**
 * An organization with two services, a vendor, two tenants (A and B), a shared system, a system dedicated to
 * each tenant, a flow, and one member of every role, each with an API token (a tenant-viewer per tenant).
 */
export async function seedOrg(h: Harness, label = 'org'): Promise<SeededOrg> {
  const org = await createOrg(h.database.db, { slug: unique(label), name: `Org ${label}` });
  const op = operatorActor(org.orgId);
  const db = h.database.db;
  const create = (name: Parameters<typeof resourceByName>[0], input: Record<string, unknown>) => createObject(db, op, resourceByName(name), input);
  const service = await create('services', { slug: 'hosting', name: 'Hosting' });
  const service2 = await create('services', { slug: 'backup', name: 'Backup' });
  const vendor = await create('vendors', { slug: 'cloud', name: 'Cloud Co', regions: ['eu-west-1'], subProcessor: true });
  const tenantA = await create('tenants', { slug: 'tenant-a', name: 'Tenant A', tier: 'A', tenancyPattern: 'dedicated', allowedRegions: ['EU'], serviceIds: [service.id] });
  const tenantB = await create('tenants', { slug: 'tenant-b', name: 'Tenant B', tier: 'B', tenancyPattern: 'pooled', allowedRegions: ['UK'], serviceIds: [service.id, service2.id] });
  const shared = await create('systems', { slug: 'shared-db', name: 'Shared DB', kind: 'database', environment: 'production', tenancy: 'multi-tenant', inScope: true, serviceIds: [service.id], hostingVendorId: vendor.id, dataCategories: ['personal-data'] });
  const dedicatedA = await create('systems', { slug: 'dedicated-a', name: 'Dedicated A', kind: 'application', environment: 'production', tenancy: 'dedicated', tenantIds: [tenantA.id], inScope: true });
  const dedicatedB = await create('systems', { slug: 'dedicated-b', name: 'Dedicated B', kind: 'application', environment: 'production', tenancy: 'dedicated', tenantIds: [tenantB.id], inScope: true });
  const flow = await create('data-flows', { slug: 'a-to-shared', name: 'A to shared', fromSystemId: dedicatedA.id, toSystemId: shared.id, dataCategories: ['personal-data'] });
  const hold = await createHold(db, op, { incidentReference: 'INC-0001', reason: 'Seeded incident: keep its evidence.' });
  // An organization framework with a key of its own: another org asking for it by key must get 404.
  const framework = await addFramework(db, op, { framework: { id: `fw-${randomBytes(4).toString('hex')}`, name: 'Seeded framework', version: '1', provenance: 'Seeded by the test harness.' }, controls: [{ id: 'SF-1', title: 'Seeded control' }] });
  // Records of processing: a processor activity for every customer of "hosting", one for tenant B alone, and
  // the provider's own (controller) activity; and a RACI for "hosting".
  const activity = await create('processing-activities', { slug: 'hosting-ops', name: 'Hosting operations', role: 'processor', serviceId: service.id, purposes: ['Hosting'], subProcessorVendorIds: [vendor.id] });
  const activityB = await create('processing-activities', { slug: 'tenant-b-extra', name: 'Tenant B extra processing', role: 'processor', serviceId: service.id, tenantId: tenantB.id, purposes: ['Extra for B'] });
  const controllerActivity = await create('processing-activities', { slug: 'staff-payroll', name: 'Staff payroll', role: 'controller', purposes: ['Payroll'] });
  await putRaci(db, op, service.id as string, { activities: [{ activity: 'provisioning', customer: 'A', provider: 'R' }] });
  // Interested parties and risks: tier-A customers, and a risk on the shared database that reaches them.
  const interestedParty = await create('interested-parties', { slug: 'tier-a-customers', name: 'Tier-A customers', kind: 'customer-tier', tier: 'A', tenantIds: [tenantA.id], requirements: [{ kind: 'sla', description: 'Breach notice within 24 hours.' }], controlIds: ['5.24'] });
  const risk = await create('risks', { slug: 'shared-db-leak', name: 'Cross-tenant leak in the shared database', likelihood: 3, impact: 3, systemIds: [shared.id], tenantIds: [tenantA.id], interestedPartyIds: [interestedParty.id], controlIds: ['8.3'], residualLikelihood: 1, residualImpact: 1 });
  // the sub-processor "cloud" opened a review task when it was created, and another when its access changed
  await updateObject(db, op, resourceByName('vendors'), vendor.id as string, { accessLevel: 'read' });
  const reviews = (await listVendorReviews(db, op, { vendor: vendor.id as string, limit: 2 })).items;
  const vendorReview = reviews.find((r) => r.reason === 'new-sub-processor')!;
  const vendorReviewChanged = reviews.find((r) => r.reason === 'sub-processor-changed')!;
  // Statement of Applicability: a common implementation, an overlay (an override) for tenant B alone that tenant A's
  // viewer must never see, one decision and an approved version 1 (a version number is a position, like a ledger index).
  const controlImpl = await create('control-implementations', { slug: 'tenant-isolation', name: 'Row-level security between tenants', controlId: '8.3', layer: 'common', status: 'operating', owner: 'Platform team', systemIds: [shared.id] });
  const overlayB = await create('control-implementations', { slug: 'tenant-b-overlay', name: 'Customer-managed keys for Tenant B', controlId: '8.24', layer: 'overlay', targetTenantIds: [tenantB.id], overrides: true, status: 'implemented' });
  await decide(db, op, '7.4', { applicable: false, reasons: ['business'], justification: 'No premises of our own: the platform runs in the cloud provider\u2019s data centres.' });
  await approveSoa(db, op, 'Seeded approval');
  // Evidence: shared core evidence, and a file of tenant A and of tenant B (each uploaded, sealed on disk); a
  // proposed exception on the shared system (to approve) and one for tenant B (to reject).
  const files = evidenceFiles(h.config, masterKeySource(h.config));
  const evidenceShared = await create('evidence', { slug: 'pen-test-2026', name: 'Annual penetration test', kind: 'link', url: 'https://reports.example.test/pentest-2026', collectedOn: '2026-01-15', freshnessDays: 365, controlIds: ['8.8'] });
  const evidenceA = await create('evidence', { slug: 'tenant-a-restore-test', name: 'Tenant A restore test', kind: 'file', collectedOn: '2026-01-20', freshnessDays: 180, controlIds: ['8.13'], tenantId: tenantA.id });
  const evidenceB = await create('evidence', { slug: 'tenant-b-restore-test', name: 'Tenant B restore test', kind: 'file', collectedOn: '2026-01-20', freshnessDays: 180, controlIds: ['8.13'], tenantId: tenantB.id });
  for (const ev of [evidenceA, evidenceB]) {
    await uploadEvidenceFile(db, op, files, ev.id as string, { contentType: 'text/plain', name: `${ev.slug as string}.txt`, declaredLength: undefined, body: `Restore test of ${ev.slug as string}: passed.\n` });
  }
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const exceptionBase = { controlId: '8.5', reason: 'The legacy console has no second factor.', compensatingMeasures: 'Reachable only through the MFA bastion.', residualRiskRationale: 'The bastion is the only path in.', expiresOn: inAYear, reviewOn: inAMonth };
  const exception = await create('control-exceptions', { ...exceptionBase, slug: 'shared-db-console', name: 'Shared DB console without MFA', systemId: shared.id });
  const exceptionB = await create('control-exceptions', { ...exceptionBase, slug: 'tenant-b-sso', name: 'Tenant B without SSO', tenantId: tenantB.id });
  // A finished verification of the whole ledger (its id is a secret of this org, like any object's).
  const verification = (await h.verifications.start(op)).run;
  await h.verifications.settled(verification.id);
  const tokens = {} as SeededOrg['tokens'];
  const emails: Record<string, string> = {};
  for (const role of ['owner', 'isms-manager', 'engineer', 'auditor'] as const) {
    const m = await memberToken(h, org, role);
    tokens[role] = m.token;
    emails[role] = m.email;
  }
  const viewerA = await memberToken(h, org, 'tenant-viewer', tenantA.id as string);
  const viewerB = await memberToken(h, org, 'tenant-viewer', tenantB.id as string);
  tokens['tenant-viewer'] = viewerA.token;
  tokens.viewerA = viewerA.token;
  tokens.viewerB = viewerB.token;
  emails.viewerA = viewerA.email;
  emails.viewerB = viewerB.email;
  const ids: Record<string, string> = {
    service: service.id as string, service2: service2.id as string, vendor: vendor.id as string,
    tenantA: tenantA.id as string, tenantB: tenantB.id as string, shared: shared.id as string,
    dedicatedA: dedicatedA.id as string, dedicatedB: dedicatedB.id as string, flow: flow.id as string,
    viewerAUser: viewerA.userId, viewerBUser: viewerB.userId, hold: hold.id,
    evidenceShared: evidenceShared.id as string, evidenceA: evidenceA.id as string, evidenceB: evidenceB.id as string,
    exception: exception.id as string, exceptionB: exceptionB.id as string, framework: framework.frameworkId!, frameworkKey: framework.id, vendorReview: vendorReview.id, vendorReviewChanged: vendorReviewChanged.id,
    activity: activity.id as string, activityB: activityB.id as string, controllerActivity: controllerActivity.id as string,
    interestedParty: interestedParty.id as string, risk: risk.id as string,
    controlImpl: controlImpl.id as string, overlayB: overlayB.id as string, verification: verification.id,
  };
  return { org, ids, tokens, emails };
}

/** `app.inject` with a bearer token. */
export function as(h: Harness, token: string, options: InjectOptions) {
  return h.app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
}
