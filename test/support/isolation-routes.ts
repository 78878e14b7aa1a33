import { unique, type SeededOrg } from './harness.js';

/**
 * How the generated isolation test (test/integration/isolation.test.ts) exercises every route of the
 * OpenAPI document. A route missing here fails that test ("teach the isolation test about METHOD PATH"),
 * so a new route cannot ship without saying how it keeps organizations and tenants apart.
 *
 * Every function receives the world of ONE organization (`c`): for the cross-org check it is org A's,
 * and org B's owner sends the request; for the tenant check it is org A's, and tenant A's viewer sends it.
 */
export interface World {
  s: SeededOrg;
  /** API token ids of this organization (the seed returns only the secrets). */
  tokenIds: { owner: string; viewerB: string };
}

type Params = Record<string, string>;

export interface RouteCase {
  /** Anyone may call it (login, reference data): not probed for isolation. */
  public?: true;
  /** Path parameters naming an object of `c` (org A's, when org B's owner tries them). */
  params?: (c: World) => Params;
  /** A valid body. For a create, references point at objects of `c`, so org B sending it names org A's objects. */
  body?: (c: World) => unknown;
  /** GET url of `c`'s data that the request must leave unchanged when sent by another organization. */
  reread?: (c: World) => string;
  /** The path parameters name no object (the same value means the same thing in every org): probed as a write, not as an id. */
  sharedParams?: true;
  /** The error code expected with a cross-org 422 (default reference_not_found). */
  crossOrgError?: string;
  /**
   * What org B's owner gets when sending `params`/`body` built from org A's world: 404 on any id of org A,
   * 422 when a body references org A's objects, 2xx when the request only touches org B's own data.
   */
  crossOrg: number;
  viewer: {
    /** Expected status for tenant A's viewer: on tenant B's object (`other`), or on the route itself. */
    status: number;
    /** Path parameters naming a tenant-B object of `c`. */
    other?: (c: World) => Params;
    /** Path parameters of the viewer's own tenant-A object; the 200 answer is searched for tenant B's ids. */
    own?: (c: World) => Params;
  };
}

const resourceBody: Record<string, (c: World) => Record<string, unknown>> = {
  services: () => ({ slug: unique('svc'), name: 'Probe service' }),
  vendors: () => ({ slug: unique('vnd'), name: 'Probe vendor', regions: ['eu-west-1'] }),
  tenants: (c) => ({ slug: unique('tnt'), name: 'Probe tenant', tier: 'C', tenancyPattern: 'pooled', serviceIds: [c.s.ids.service!] }),
  systems: (c) => ({
    slug: unique('sys'), name: 'Probe system', kind: 'application', environment: 'production', tenancy: 'multi-tenant',
    inScope: true, hostingVendorId: c.s.ids.vendor!, serviceIds: [c.s.ids.service!],
  }),
  'data-flows': (c) => ({ slug: unique('flow'), name: 'Probe flow', fromSystemId: c.s.ids.shared!, toVendorId: c.s.ids.vendor! }),
  evidence: (c) => ({ slug: unique('ev'), name: 'Probe evidence', kind: 'link', url: 'https://probe.example.test/', collectedOn: '2026-01-01', freshnessDays: 30, tenantId: c.s.ids.tenantA!, systemIds: [c.s.ids.shared!] }),
  'control-exceptions': (c) => ({
    slug: unique('exc'), name: 'Probe exception', controlId: '8.5', systemId: c.s.ids.shared!, reason: 'Probe.', compensatingMeasures: 'Probe.',
    residualRiskRationale: 'Probe.', expiresOn: '2099-12-31', reviewOn: '2099-06-30',
  }),
  'control-implementations': (c) => ({ slug: unique('impl'), name: 'Probe overlay', controlId: '5.15', layer: 'overlay', targetTenantIds: [c.s.ids.tenantA!], status: 'planned' }),
  'processing-activities': (c) => ({ slug: unique('pa'), name: 'Probe activity', role: 'processor', serviceId: c.s.ids.service!, purposes: ['Probe'] }),
  'interested-parties': (c) => ({ slug: unique('ip'), name: 'Probe party', kind: 'customer', tenantIds: [c.s.ids.tenantA!] }),
  risks: (c) => ({ slug: unique('risk'), name: 'Probe risk', likelihood: 2, impact: 2, systemIds: [c.s.ids.shared!], interestedPartyIds: [c.s.ids.interestedParty!] }),
};

/** For each resource: an object of org A (and of tenant B, for the viewer) that its routes act on. */
const resourceIds: Record<string, { mine: string; tenantB: string; tenantA?: string }> = {
  services: { mine: 'service', tenantB: 'service2' },
  vendors: { mine: 'vendor', tenantB: 'vendor' },
  tenants: { mine: 'tenantA', tenantB: 'tenantB', tenantA: 'tenantA' },
  systems: { mine: 'dedicatedA', tenantB: 'dedicatedB' },
  'data-flows': { mine: 'flow', tenantB: 'flow' },
  evidence: { mine: 'evidenceA', tenantB: 'evidenceB', tenantA: 'evidenceA' },
  'control-exceptions': { mine: 'exception', tenantB: 'exceptionB' },
  'control-implementations': { mine: 'controlImpl', tenantB: 'overlayB' },
  'processing-activities': { mine: 'activity', tenantB: 'activityB' },
  'interested-parties': { mine: 'interestedParty', tenantB: 'interestedParty' },
  risks: { mine: 'risk', tenantB: 'risk' },
};

const id = (key: string) => (c: World): Params => ({ id: c.s.ids[key]! });

/**
 * Ledger positions of seedOrg's first entries (it creates the org, two services, a vendor and the review task the
 * new sub-processor opens, then tenant A and tenant B, each recording one entry): the tenant-scoped entries a
 * tenant-viewer may and may not see.
 */
const SEED_ENTRY = { org: 0, tenantA: 5, tenantB: 6 };

/** A well-formed checkpoint of `orgId` that its ledger never signed (unknown key, signature of zeros). */
const forgedCheckpoint = (orgId: string) => ({
  orgId, treeSize: 1, rootHash: '0'.repeat(64), signedAt: '2026-01-01T00:00:00.000Z',
  keyId: '00000000-0000-4000-8000-000000000000', signature: Buffer.alloc(64).toString('base64'),
});

function resourceRoutes(name: keyof typeof resourceBody): Record<string, RouteCase> {
  const ids = resourceIds[name]!;
  // a tenant-viewer reads its own tenant (and, for evidence, the shared core evidence too)
  const viewerReads = name === 'tenants' || name === 'evidence';
  const list = `/api/${name}`;
  const item = `/api/${name}/{id}`;
  const reread = (c: World) => `/api/${name}/${c.s.ids[ids.mine]}`;
  const patch = name === 'systems' ? { name: 'Hijacked', inScope: false, exclusionJustification: 'hijacked' } : { name: 'Hijacked' };
  return {
    [`GET ${list}`]: { crossOrg: 200, viewer: { status: viewerReads ? 200 : 403 } },
    [`POST ${list}`]: {
      body: resourceBody[name]!,
      reread: () => `${list}?limit=200`,
      // A body naming org A's objects is refused as a missing reference; services and vendors name none,
      // so org B simply creates one of its own (and org A's list must not change).
      crossOrg: name === 'services' || name === 'vendors' ? 201 : 422,
      viewer: { status: 403 },
    },
    [`GET ${item}`]: {
      params: id(ids.mine), crossOrg: 404,
      viewer: viewerReads ? { status: 404, other: id(ids.tenantB), own: id(ids.tenantA!) } : { status: 403, other: id(ids.tenantB) },
    },
    [`PATCH ${item}`]: { params: id(ids.mine), body: () => patch, reread, crossOrg: 404, viewer: { status: 403, other: id(ids.tenantB) } },
    [`DELETE ${item}`]: { params: id(ids.mine), reread, crossOrg: 404, viewer: { status: 403, other: id(ids.tenantB) } },
  };
}

export const ISOLATION_ROUTES: Record<string, RouteCase> = {
  'POST /api/auth/login': { public: true, crossOrg: 0, viewer: { status: 0 } },
  'GET /api/meta': { public: true, crossOrg: 0, viewer: { status: 0 } },

  // The caller's own session and organization.
  'POST /api/auth/logout': { reread: () => '/api/auth/me', crossOrg: 204, viewer: { status: 204 } },
  'GET /api/auth/me': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/org': { crossOrg: 200, viewer: { status: 200 } },
  'PATCH /api/org': { body: () => ({ name: 'Renamed by someone' }), reread: () => '/api/org', crossOrg: 200, viewer: { status: 403 } },
  'GET /api/dashboard': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/tenants/{id}/footprint': { params: id('tenantA'), crossOrg: 404, viewer: { status: 404, other: id('tenantB'), own: id('tenantA') } },

  // Scope analyses: org-wide ones name every tenant (a tenant-viewer gets 403); a tenant's own data map,
  // residency and diagram are the viewer's, and another tenant's answer 404 like a missing one.
  'GET /api/scope/rules': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/scope/findings': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/scope/blast-radius': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/scope/residency': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/tenants/{id}/data-map': { params: id('tenantA'), crossOrg: 404, viewer: { status: 404, other: id('tenantB'), own: id('tenantA') } },
  'GET /api/tenants/{id}/residency': { params: id('tenantA'), crossOrg: 404, viewer: { status: 404, other: id('tenantB'), own: id('tenantA') } },
  'GET /api/diagrams/tenants/{id}.svg': { params: id('tenantA'), crossOrg: 404, viewer: { status: 404, other: id('tenantB'), own: id('tenantA') } },
  'GET /api/diagrams/tenants/{id}.dot': { params: id('tenantA'), crossOrg: 404, viewer: { status: 404, other: id('tenantB'), own: id('tenantA') } },
  'GET /api/diagrams/services/{id}.svg': { params: id('service'), crossOrg: 404, viewer: { status: 403, other: id('service2') } },
  'GET /api/diagrams/services/{id}.dot': { params: id('service'), crossOrg: 404, viewer: { status: 403, other: id('service2') } },

  ...resourceRoutes('services'),
  ...resourceRoutes('vendors'),
  ...resourceRoutes('tenants'),
  ...resourceRoutes('systems'),
  ...resourceRoutes('data-flows'),
  ...resourceRoutes('control-implementations'),

  // Statement of Applicability. The whole SoA, a tier's view and the versions are the provider's own (a
  // tenant-viewer gets 403); a tenant's view is that tenant's alone (another tenant answers 404, like a missing
  // one). A control id, a tier and a version number mean the same in every org: org B deciding 5.1 or approving
  // decides and approves in org B. Version 1 exists in every seeded org (test/support/harness.ts).
  'GET /api/soa': { crossOrg: 200, viewer: { status: 403 } },
  'PUT /api/soa/decisions/{controlId}': {
    params: () => ({ controlId: '5.1' }), sharedParams: true, body: () => ({ applicable: true, reasons: ['risk-assessment'] }),
    reread: () => '/api/soa', crossOrg: 200, viewer: { status: 403, other: () => ({ controlId: '5.1' }) },
  },
  'GET /api/soa/tiers/{tier}': { params: () => ({ tier: 'A' }), sharedParams: true, crossOrg: 200, viewer: { status: 403, other: () => ({ tier: 'B' }) } },
  'GET /api/soa/tenants/{id}': { params: id('tenantA'), crossOrg: 404, viewer: { status: 404, other: id('tenantB'), own: id('tenantA') } },
  'POST /api/soa/versions': { body: () => ({ note: 'Probe approval.' }), reread: () => '/api/soa/versions', crossOrg: 201, viewer: { status: 403 } },
  'GET /api/soa/versions': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/soa/versions/{version}': { params: () => ({ version: '1' }), sharedParams: true, crossOrg: 200, viewer: { status: 403, other: () => ({ version: '1' }) } },
  'GET /api/soa/versions/{version}/diff': { params: () => ({ version: '1' }), sharedParams: true, crossOrg: 200, viewer: { status: 403, other: () => ({ version: '1' }) } },
  'GET /api/soa/export.xlsx': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/soa/export.csv': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/soa/export.pdf': { crossOrg: 200, viewer: { status: 403 } },
  ...resourceRoutes('processing-activities'),
  ...resourceRoutes('interested-parties'),
  ...resourceRoutes('risks'),

  // Risks: the method is the organization's own (org B setting one leaves org A's alone); the register, its
  // exports and the suggestions name every tenant, so a tenant-viewer gets 403. Accepting and adopting name an
  // object of org A: 404 for org B.
  'GET /api/risk-method': { crossOrg: 200, viewer: { status: 403 } },
  'PUT /api/risk-method': {
    body: () => ({ thresholds: { medium: 4, high: 10, critical: 18 }, tierUplift: { A: 2, B: 1, C: 0 }, acceptanceThreshold: 'low' }),
    reread: () => '/api/risk-method', crossOrg: 200, viewer: { status: 403 },
  },
  'GET /api/risks/register': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/risks/summary': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/risks/suggestions': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/risks/export.csv': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/risks/export.xlsx': { crossOrg: 200, viewer: { status: 403 } },
  'POST /api/risks/{id}/accept': {
    params: id('risk'), body: () => ({ rationale: 'Probe acceptance.' }), reread: () => '/api/risks/register',
    crossOrg: 404, viewer: { status: 403, other: id('risk') },
  },
  'POST /api/risks/suggestions/{componentId}/adopt': {
    params: (c) => ({ componentId: c.s.ids.shared! }), body: () => ({}), reread: () => '/api/risks?limit=200',
    crossOrg: 404, viewer: { status: 403, other: (c) => ({ componentId: c.s.ids.shared! }) },
  },

  // Records of processing: the controller record is the provider's own (a tenant-viewer gets 403); the processor
  // record is per customer, and a tenant-viewer downloads its own tenant's (without a tenant, it gets only its own).
  'GET /api/ropa/controller.csv': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/ropa/controller.xlsx': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/ropa/processor.csv': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/ropa/processor.xlsx': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/ropa/processor/{tenantId}.csv': {
    params: (c) => ({ tenantId: c.s.ids.tenantA! }), crossOrg: 404,
    viewer: { status: 404, other: (c) => ({ tenantId: c.s.ids.tenantB! }), own: (c) => ({ tenantId: c.s.ids.tenantA! }) },
  },
  'GET /api/ropa/processor/{tenantId}.xlsx': {
    // an XLSX says when it was generated (so its bytes differ each time); the same record as CSV is what must not change
    params: (c) => ({ tenantId: c.s.ids.tenantA! }), reread: (c) => `/api/ropa/processor/${c.s.ids.tenantA}.csv`, crossOrg: 404,
    viewer: { status: 404, other: (c) => ({ tenantId: c.s.ids.tenantB! }), own: (c) => ({ tenantId: c.s.ids.tenantA! }) },
  },
  // RACI per service: org-internal (a tenant-viewer gets 403).
  'GET /api/services/{id}/raci': { params: id('service'), crossOrg: 404, viewer: { status: 403, other: id('service2') } },
  'GET /api/services/{id}/raci.csv': { params: id('service'), crossOrg: 404, viewer: { status: 403, other: id('service2') } },
  // an XLSX carries its creation time: the matrix itself is what must not change
  'GET /api/services/{id}/raci.xlsx': { params: id('service'), reread: (c) => `/api/services/${c.s.ids.service}/raci`, crossOrg: 404, viewer: { status: 403, other: id('service2') } },
  'PUT /api/services/{id}/raci': {
    params: id('service'), body: () => ({ activities: [{ activity: 'logging', provider: 'A', subProcessor: 'R' }] }),
    reread: (c) => `/api/services/${c.s.ids.service}/raci`, crossOrg: 404, viewer: { status: 403, other: id('service2') },
  },

  // Vendor reviews name every tenant a sub-processor reaches: none of it is for a tenant-viewer.
  'GET /api/vendors/{id}/tenants-reached': { params: id('vendor'), crossOrg: 404, viewer: { status: 403, other: id('vendor') } },
  'GET /api/vendor-reviews': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/vendor-reviews/due': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/vendor-reviews/counts': { crossOrg: 200, viewer: { status: 403 } },
  'POST /api/vendor-reviews/schedule': { body: () => ({}), reread: () => '/api/vendor-reviews?limit=200', crossOrg: 200, viewer: { status: 403 } },
  'GET /api/vendor-reviews/{id}': { params: id('vendorReview'), crossOrg: 404, viewer: { status: 403, other: id('vendorReview') } },
  'POST /api/vendor-reviews/{id}/complete': {
    params: id('vendorReview'), body: () => ({ result: 'approved', outcome: 'Probe.' }), reread: (c) => `/api/vendor-reviews/${c.s.ids.vendorReview}`,
    crossOrg: 404, viewer: { status: 403, other: id('vendorReview') },
  },
  'POST /api/vendor-reviews/{id}/cancel': {
    params: id('vendorReviewChanged'), body: () => ({ outcome: 'Probe.' }), reread: (c) => `/api/vendor-reviews/${c.s.ids.vendorReviewChanged}`,
    crossOrg: 404, viewer: { status: 403, other: id('vendorReviewChanged') },
  },

  // Evidence: a tenant-viewer reads its own tenant's and the shared core evidence (RLS), files included, and
  // writes none; another tenant's evidence answers 404 like a missing one. Exceptions are the provider's own.
  ...resourceRoutes('evidence'),
  'GET /api/evidence/stale': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/evidence/{id}/file': { params: id('evidenceA'), crossOrg: 404, viewer: { status: 404, other: id('evidenceB'), own: id('evidenceA') } },
  'PUT /api/evidence/{id}/file': {
    // a JSON body is a JSON evidence file (application/json is an allowed type)
    params: id('evidenceA'), body: () => ({ probe: 'isolation' }), reread: (c) => `/api/evidence/${c.s.ids.evidenceA}`,
    crossOrg: 404, viewer: { status: 403, other: id('evidenceB') },
  },
  ...resourceRoutes('control-exceptions'),
  'GET /api/control-exceptions/overdue': { crossOrg: 200, viewer: { status: 403 } },
  'POST /api/control-exceptions/{id}/approve': {
    params: id('exception'), body: () => ({ note: 'Probe.' }), reread: (c) => `/api/control-exceptions/${c.s.ids.exception}`,
    crossOrg: 404, viewer: { status: 403, other: id('exceptionB') },
  },
  'POST /api/control-exceptions/{id}/reject': {
    params: id('exceptionB'), body: () => ({ note: 'Probe.' }), reread: (c) => `/api/control-exceptions/${c.s.ids.exceptionB}`,
    crossOrg: 404, viewer: { status: 403, other: id('exceptionB') },
  },

  'GET /api/members': { crossOrg: 200, viewer: { status: 403 } },
  'POST /api/members': {
    // Binding a new member to org A's tenant is refused: that tenant does not exist in org B.
    body: (c) => ({ email: `${unique('new')}@example.test`, displayName: 'New person', role: 'tenant-viewer', tenantId: c.s.ids.tenantA!, password: 'a long enough password' }),
    reread: () => '/api/members', crossOrg: 422, viewer: { status: 403 },
  },
  'GET /api/members/{userId}': { params: (c) => ({ userId: c.s.ids.viewerAUser! }), crossOrg: 404, viewer: { status: 403, other: (c) => ({ userId: c.s.ids.viewerBUser! }) } },
  'PATCH /api/members/{userId}': {
    params: (c) => ({ userId: c.s.ids.viewerAUser! }), body: (c) => ({ role: 'tenant-viewer', tenantId: c.s.ids.tenantA! }),
    reread: (c) => `/api/members/${c.s.ids.viewerAUser}`, crossOrg: 404, viewer: { status: 403, other: (c) => ({ userId: c.s.ids.viewerBUser! }) },
  },
  'DELETE /api/members/{userId}': {
    params: (c) => ({ userId: c.s.ids.viewerAUser! }),
    reread: (c) => `/api/members/${c.s.ids.viewerAUser}`, crossOrg: 404, viewer: { status: 403, other: (c) => ({ userId: c.s.ids.viewerBUser! }) },
  },

  'GET /api/bundle': { crossOrg: 200, viewer: { status: 403 } },
  'POST /api/bundle/apply': {
    // A bundle naming org A (by its slug) sent by org B is refused as a whole, and org A is untouched.
    body: (c) => ({ yaml: `apiVersion: tenantproof.dev/v1\nkind: IsmsBundle\norganization: { slug: ${c.s.org.slug}, name: Hijacked }\nservices:\n  - { slug: hosting, name: Hijacked }\n` }),
    reread: () => '/api/bundle', crossOrg: 422, crossOrgError: 'bundle_invalid', viewer: { status: 403 },
  },

  // Events: org B naming "tenant-a" (a slug both seeds use) lands in org B's own ledger; org A's log is unchanged.
  'POST /api/events': {
    body: () => [{ time: new Date().toISOString(), source: 'probe', sourceEventId: unique('evt'), tenant: 'tenant-a', actor: 'probe@example.test', actorType: 'external', action: 'data-access', outcome: 'success' }],
    reread: () => '/api/events?limit=500', crossOrg: 200, viewer: { status: 403 },
  },
  'GET /api/events': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/events.csv': { crossOrg: 200, viewer: { status: 200 } },

  'GET /api/retention': { crossOrg: 200, viewer: { status: 403 } },
  'PUT /api/retention/policies/{actionClass}': {
    params: () => ({ actionClass: 'export' }), sharedParams: true, body: () => ({ retentionDays: 30, rationale: 'Probe.' }),
    reread: () => '/api/retention', crossOrg: 200, viewer: { status: 403, other: () => ({ actionClass: 'export' }) },
  },
  'DELETE /api/retention/policies/{actionClass}': {
    // org A keeps a policy for 'restore' (set by the isolation test); org B has none to delete
    params: () => ({ actionClass: 'restore' }), sharedParams: true,
    reread: () => '/api/retention', crossOrg: 404, viewer: { status: 403, other: () => ({ actionClass: 'restore' }) },
  },
  'POST /api/retention/holds': {
    body: (c) => ({ tenantId: c.s.ids.tenantA!, reason: 'Probe hold.' }), reread: () => '/api/retention', crossOrg: 422, viewer: { status: 403 },
  },
  'POST /api/retention/holds/{id}/release': {
    params: id('hold'), reread: () => '/api/retention', crossOrg: 404, viewer: { status: 403, other: id('hold') },
  },
  'POST /api/retention/sweep': { reread: () => '/api/retention', crossOrg: 200, viewer: { status: 403 } },

  // The ledger. An index is a position in the caller's own org's ledger (entry 0 exists in every org), not an id
  // of org A: org B asking for entry N gets its own entry N (test/integration/ledger-api.test.ts checks that
  // nothing of org A comes back). A tenant-viewer sees only its tenant's entries (RLS); checkpoints, public keys
  // and proofs are hashes of salted leaves and reveal no other tenant's entries.
  'GET /api/ledger/entries/{index}': {
    params: () => ({ index: String(SEED_ENTRY.org) }), sharedParams: true, crossOrg: 200,
    viewer: { status: 404, other: () => ({ index: String(SEED_ENTRY.tenantB) }), own: () => ({ index: String(SEED_ENTRY.tenantA) }) },
  },
  'GET /api/ledger/consistency': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/ledger/checkpoints': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/ledger/checkpoints/latest': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/ledger/public-keys': { crossOrg: 200, viewer: { status: 200 } },
  'POST /api/ledger/checkpoints/verify': {
    // Checking a checkpoint is a read: org B sending one that names org A is told only that it names another org.
    body: (c) => forgedCheckpoint(c.s.org.orgId), reread: () => '/api/ledger/checkpoints/latest', crossOrg: 200, viewer: { status: 200 },
  },
  'POST /api/ledger/verify': { reread: () => '/api/ledger/checkpoints/latest', crossOrg: 200, viewer: { status: 403 } },
  // Background verifications: org B starting one starts its own (org A's list is unchanged); a run is an object of
  // its org (another org's id answers 404). The whole ledger is every tenant's: a tenant-viewer gets 403.
  'POST /api/ledger/verifications': { reread: () => '/api/ledger/verifications?limit=200', crossOrg: 202, viewer: { status: 403 } },
  'GET /api/ledger/verifications': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/ledger/verifications/{id}': { params: id('verification'), crossOrg: 404, viewer: { status: 403, other: id('verification') } },

  // The scope statement: a version number is a position in the caller's own history (versions 1 and 2 exist in
  // every seeded org, test/support/scope-seed.ts), like a ledger index. A tenant-viewer reads the current
  // statement only, and without service ids (tenant B's service is in it); nothing of the change requests.
  'GET /api/scope/statement': { crossOrg: 200, viewer: { status: 200 } },
  'GET /api/scope/statements': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/scope/statements/{version}': { params: () => ({ version: '1' }), sharedParams: true, crossOrg: 200, viewer: { status: 403, other: () => ({ version: '1' }) } },
  'GET /api/scope/statements/{version}/diff': { params: () => ({ version: '2' }), sharedParams: true, crossOrg: 200, viewer: { status: 403, other: () => ({ version: '2' }) } },
  'GET /api/scope/change-requests': { crossOrg: 200, viewer: { status: 403 } },
  'POST /api/scope/change-requests': {
    // Proposing org A's service from org B is a missing reference.
    body: (c) => ({ title: 'Probe change', kind: 'new-service', proposed: { text: 'Probe scope.', serviceIds: [c.s.ids.service!], locations: [], teams: [], exclusions: [] } }),
    reread: () => '/api/scope/change-requests?limit=200', crossOrg: 422, viewer: { status: 403 },
  },
  'GET /api/scope/change-requests/{id}': { params: id('scopeDraft'), crossOrg: 404, viewer: { status: 403, other: id('scopeDraft') } },
  'PATCH /api/scope/change-requests/{id}': {
    params: id('scopeDraft'), body: () => ({ title: 'Hijacked' }), reread: (c) => `/api/scope/change-requests/${c.s.ids.scopeDraft}`, crossOrg: 404,
    viewer: { status: 403, other: id('scopeDraft') },
  },
  'POST /api/scope/change-requests/{id}/submit': {
    params: id('scopeToSubmit'), reread: (c) => `/api/scope/change-requests/${c.s.ids.scopeToSubmit}`, crossOrg: 404, viewer: { status: 403, other: id('scopeToSubmit') },
  },
  'POST /api/scope/change-requests/{id}/approve': {
    params: id('scopeToApprove'), body: () => ({ note: 'Probe.' }), reread: () => '/api/scope/statements', crossOrg: 404, viewer: { status: 403, other: id('scopeToApprove') },
  },
  'POST /api/scope/change-requests/{id}/reject': {
    params: id('scopeToReject'), body: () => ({ note: 'Probe.' }), reread: (c) => `/api/scope/change-requests/${c.s.ids.scopeToReject}`, crossOrg: 404, viewer: { status: 403, other: id('scopeToReject') },
  },
  'POST /api/scope/change-requests/{id}/withdraw': {
    params: id('scopeToWithdraw'), reread: (c) => `/api/scope/change-requests/${c.s.ids.scopeToWithdraw}`, crossOrg: 404, viewer: { status: 403, other: id('scopeToWithdraw') },
  },

  // Catalogs: the shipped ones are the same for everyone (a control id names no object); an organization's own
  // framework is found by its key, which another organization's request answers 404 like a missing one.
  // A tenant-viewer reads no catalog and no OSCAL export (they describe the provider's whole ISMS).
  'GET /api/catalogs': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/catalogs/{framework}': {
    params: (c) => ({ framework: c.s.ids.frameworkKey! }), crossOrg: 404, viewer: { status: 403, other: (c) => ({ framework: c.s.ids.frameworkKey! }) },
  },
  'GET /api/catalogs/iso27001-2022/controls/{id}': {
    params: () => ({ id: '5.15' }), sharedParams: true, crossOrg: 200, viewer: { status: 403, other: () => ({ id: '5.15' }) },
  },
  'POST /api/frameworks': {
    // A framework names no other object: org B adds one of its own, and org A's catalogs are unchanged.
    body: () => ({ framework: { id: unique('fw'), name: 'Probe framework', version: '1', provenance: 'Probe.' }, controls: [{ id: 'P-1', title: 'Probe control' }] }),
    reread: () => '/api/catalogs', crossOrg: 201, viewer: { status: 403 },
  },
  'DELETE /api/frameworks/{id}': {
    params: id('framework'), reread: () => '/api/catalogs', crossOrg: 404, viewer: { status: 403, other: id('framework') },
  },
  'GET /api/oscal/catalog': { crossOrg: 200, viewer: { status: 403 } },
  'GET /api/oscal/component-definition': { crossOrg: 200, viewer: { status: 403 } },

  'GET /api/tokens': { crossOrg: 200, viewer: { status: 200 } },
  'POST /api/tokens': { body: () => ({ name: 'probe' }), reread: () => '/api/tokens', crossOrg: 201, viewer: { status: 201 } },
  'POST /api/tokens/{id}/revoke': {
    params: (c) => ({ id: c.tokenIds.owner }), reread: () => '/api/tokens', crossOrg: 404,
    // Every role manages its own tokens; another person's token (tenant B's viewer's) is not found.
    viewer: { status: 404, other: (c) => ({ id: c.tokenIds.viewerB }) },
  },
};

/** `/api/systems/{id}` with `{ id }` → `/api/systems/<id>`. */
export function fillPath(path: string, params: Params = {}): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}
