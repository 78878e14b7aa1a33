import type { Kysely } from 'kysely';
import type { ProposedStatementInput, ScopeChangeInput } from '../model/scope-statement.js';
import { resourceByName } from '../model/index.js';
import { findIdBySlug } from '../store/resource-store.js';
import { actorForMember, operatorActor, type OrgRef } from './provisioning.js';
import { asActor } from './resources.js';
import { approveChangeRequest, createChangeRequest, listChangeRequests, submitChangeRequest } from './scope-statement.js';

/**
 * The demo organization's scope: version 1 of Northwind's statement, proposed by the ISMS manager and signed
 * off by the owner, and one change waiting for sign-off (a new region, proposed by an engineer). Written
 * through the scope service, so the demo's ledger holds every step like a real organization's.
 */

type Proposal = Omit<ProposedStatementInput, 'serviceIds'> & { services: string[] };

const STATEMENT_V1: Proposal = {
  text: [
    'The information security management system of Northwind Managed Services covers the design, development, operation and support of the services Northwind provides to its customers:',
    '- Harbor, its client-records and workflow platform, as the shared multi-tenant Harbor Cloud and as dedicated and region-pinned Harbor Private deployments;',
    '- Managed Backup & Disaster Recovery;',
    '- Managed Microsoft 365 & Workplace;',
    '- 24/7 SOC & Managed Detection and Response.',
    'It includes the people, processes, platforms and suppliers that deliver these services, from Northwind\u2019s offices in Dublin and Manchester and from the hosting locations listed in this statement.',
    'Customer-specific configurations are delivered within these services; this statement describes services, not customers.',
  ].join('\n'),
  services: ['harbor-cloud', 'harbor-private', 'managed-backup-dr', 'managed-workplace', 'soc-monitoring'],
  locations: [
    'Head office, Dublin (IE)',
    'Service desk and SOC, Manchester (UK)',
    'AWS eu-west-1, Ireland (Harbor Cloud)',
    'AWS eu-central-1, Frankfurt (Harbor Private EU, backups, recovery site)',
    'AWS London (Harbor Private UK)',
    'AWS us-east-1 and us-east-2 (dedicated Harbor deployment for a US customer, and its backups)',
    'Coldvault, Netherlands (immutable off-site backup copies)',
    'Microsoft 365 EU Data Boundary (Netherlands, Ireland)',
  ],
  teams: [
    'Harbor Product Engineering', 'Harbor Platform Engineering', 'Backup & DR Services', 'Workplace Services', 'Service Desk',
    'Security Operations Centre', 'Information Security', 'Internal IT', 'People Operations',
  ],
  exclusions: [
    { subject: 'Internal analytics and BI (analytics warehouse, BI tool)', justification: 'Northwind\u2019s own product and service-desk reporting on pseudonymised extracts; not part of any customer-facing service and no path back into production.' },
    { subject: 'Finance system', justification: 'Holds billing contacts and invoices only, no customer content; governed by finance controls and the external financial audit.' },
    { subject: 'Sales demo environment', justification: 'Generated demo data only; trials are created in Harbor Cloud, not here; separate AWS account.' },
    { subject: 'Staging environment', justification: 'Synthetic test data only; separate AWS account with no access to production data.' },
    { subject: 'R&D sandbox', justification: 'Isolated sandbox without customer content or personal data; no network path to production; destroyed weekly.' },
  ],
};

const STOCKHOLM = 'AWS eu-north-1, Stockholm (Harbor Private Nordics)';

const REQUESTS: Array<{ requester: string; approver?: string; note?: string; input: Omit<ScopeChangeInput, 'proposed'>; proposed: Proposal }> = [
  {
    requester: 'isms@northwind.example',
    approver: 'owner@northwind.example',
    note: 'Approved at the management review; matches the services sold and the platform as built.',
    input: {
      title: 'Initial ISMS scope statement', kind: 'other',
      description: 'First scope statement for the certification audit, written from the service catalogue and the systems inventory.',
      impact: {
        assets: 'All production systems of the five services; corporate IT that supports them (identity, endpoints, password vault).',
        risks: 'Baseline: the risk register covers every in-scope service and location.',
        controls: 'Every Annex A control in the Statement of Applicability applies to the in-scope services.',
        tenants: 'None: the statement describes services; customers are told the certificate scope on request.',
      },
    },
    proposed: STATEMENT_V1,
  },
  {
    requester: 'engineer@northwind.example',
    input: {
      title: 'Harbor Private in AWS eu-north-1 (Stockholm)', kind: 'new-region',
      description: 'Nordic prospects in healthcare require in-country hosting; Harbor Private gets a region-pinned instance in Stockholm, built from the same Terraform modules as Frankfurt and London.',
      impact: {
        assets: 'New AWS account and VPC in eu-north-1: Harbor application, PostgreSQL (RDS), S3 and KMS keys for region-pinned tenants; backups to the Harbor Private backup vault; logs into the existing log pipeline.',
        risks: 'Residency: logs and error reports from the new region must stay in the EU (the error tracker is in us-east-1). A fourth region for the same platform team adds on-call load.',
        controls: 'A.5.23 cloud services (region enablement), A.8.13 backup, A.8.14 redundancy, A.5.34 privacy and PII (residency), A.8.15 logging.',
        tenants: 'No existing tenant moves. New Nordic tenants are offered the region; the sub-processor list (AWS regions) is updated and customers are notified 30 days ahead as the DPA requires.',
      },
    },
    proposed: {
      ...STATEMENT_V1,
      text: STATEMENT_V1.text.replace('dedicated and region-pinned Harbor Private deployments;', 'dedicated and region-pinned Harbor Private deployments (Frankfurt, London and Stockholm);'),
      locations: [...STATEMENT_V1.locations.slice(0, 5), STOCKHOLM, ...STATEMENT_V1.locations.slice(5)],
    },
  },
];

/** Create what is missing of the demo scope (resumable, like the demo's members: a load interrupted here completes next time). */
export async function loadDemoScope(db: Kysely<any>, org: OrgRef): Promise<void> {
  const operator = operatorActor(org.orgId);
  const existing = (await listChangeRequests(db, operator, { limit: 200 })).items;
  for (const [i, request] of REQUESTS.entries()) {
    let cr = existing.find((c) => c.number === i + 1);
    const requester = await actorForMember(db, org, request.requester);
    if (!cr) {
      const serviceIds = await asActor(db, operator, async (trx) => {
        const ids: string[] = [];
        for (const slug of request.proposed.services) {
          const id = await findIdBySlug(trx, resourceByName('services'), slug);
          if (id) ids.push(id);
        }
        return ids;
      });
      const { services: _slugs, ...proposed } = request.proposed;
      cr = await createChangeRequest(db, requester, { ...request.input, proposed: { ...proposed, serviceIds } });
    }
    if (cr.status === 'draft') cr = await submitChangeRequest(db, requester, cr.id);
    if (cr.status === 'submitted' && request.approver) {
      await approveChangeRequest(db, await actorForMember(db, org, request.approver), cr.id, { note: request.note ?? '' });
    }
  }
}
