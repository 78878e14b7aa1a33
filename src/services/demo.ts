import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { AppError } from '../api/errors.js';
import type { Config } from '../config.js';
import type { Role } from '../model/member.js';
import { DEMO_BUNDLE_PATH } from '../paths.js';
import { applyBundle, type ApplyReport } from './bundle.js';
import { addMember, listMembers } from './members.js';
import { findOrg, operatorActor, type OrgRef } from './provisioning.js';
import { findIdBySlug } from '../store/resource-store.js';
import { resourceByName } from '../model/index.js';
import { asActor } from './resources.js';
import { loadDemoScope } from './demo-scope.js';

export const DEMO_ORG_SLUG = 'northwind-msp';
/** The demo password. It exists only in the demo organization, and the demo is refused in production mode. */
export const DEMO_PASSWORD = 'tenantproof-demo';

export interface DemoUser { email: string; displayName: string; role: Role; tenant?: string }

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'owner@northwind.example', displayName: 'Olivia Owner', role: 'owner' },
  { email: 'isms@northwind.example', displayName: 'Ines ISMS-Manager', role: 'isms-manager' },
  { email: 'engineer@northwind.example', displayName: 'Erik Engineer', role: 'engineer' },
  { email: 'auditor@northwind.example', displayName: 'Aisha Auditor', role: 'auditor' },
  { email: 'viewer@brightwater.example', displayName: 'Brightwater security officer', role: 'tenant-viewer', tenant: 'brightwater-insurance' },
  { email: 'viewer@cobaltfinch.example', displayName: 'Cobalt & Finch security officer', role: 'tenant-viewer', tenant: 'cobalt-finch-retail' },
];

export interface DemoResult { org: OrgRef; created: boolean; report: ApplyReport | null; users: readonly DemoUser[] }

/**
 * Load the demo organization (examples/northwind-msp.yaml) with one member of every role, once.
 * Refused in production mode, so that no known password can exist on a production server.
 */
export async function loadDemo(db: Kysely<any>, config: Pick<Config, 'mode'>, bundlePath = DEMO_BUNDLE_PATH): Promise<DemoResult> {
  if (config.mode === 'production') {
    throw new AppError('forbidden', 'The demo organization has a published password and is refused in production mode (TENANTPROOF_MODE=production).');
  }
  let org = await findOrg(db, DEMO_ORG_SLUG);
  if (org && !org.isDemo) throw new AppError('conflict', `An organization "${DEMO_ORG_SLUG}" exists and is not the demo; the demo was not loaded.`);
  let report: ApplyReport | null = null;
  if (!org) {
    // The organization and its whole model are created in one transaction: a failed load leaves nothing behind.
    const text = await readFile(bundlePath, 'utf8');
    report = await applyBundle(db, operatorActor(randomUUID()), text, { file: bundlePath, createOrganization: { isDemo: true } });
    org = (await findOrg(db, DEMO_ORG_SLUG))!;
  }
  // Members are added one by one, and only those missing: a load interrupted here completes on the next start.
  const operator = operatorActor(org.orgId);
  const members = new Set((await listMembers(db, operator)).map((m) => m.email));
  for (const user of DEMO_USERS.filter((u) => !members.has(u.email))) {
    const tenantId = user.tenant
      ? await asActor(db, operator, (trx) => findIdBySlug(trx, resourceByName('tenants'), user.tenant!))
      : null;
    await addMember(db, operator, { email: user.email, displayName: user.displayName, role: user.role, tenantId: tenantId ?? null, password: DEMO_PASSWORD });
  }
  // The scope statement and a change waiting for sign-off, by the demo's own members (it needs them).
  await loadDemoScope(db, org);
  return { org, created: report !== null, report, users: DEMO_USERS };
}
