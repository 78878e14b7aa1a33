import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Role } from '../../src/access/actor.js';
import { openDatabase, withContext, type Database } from '../../src/store/database.js';
import { addMember } from '../../src/services/members.js';
import { actorForMember, createOrg, operatorActor, type OrgRef } from '../../src/services/provisioning.js';
import { createToken } from '../../src/services/tokens.js';
import { createObject } from '../../src/services/resources.js';
import { createHold } from '../../src/services/retention.js';
import { resourceByName } from '../../src/model/index.js';

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
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const database = await openTestDatabase();
  const config = loadConfig({ ...env });
  const app = await buildApp({ db: database.db, config });
  await app.ready();
  return { database, app, config, close: async () => { await app.close(); await database.close(); } };
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
  };
  return { org, ids, tokens, emails };
}

/** `app.inject` with a bearer token. */
export function as(h: Harness, token: string, options: InjectOptions) {
  return h.app.inject({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
}
