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
};

/** For each resource: an object of org A (and of tenant B, for the viewer) that its routes act on. */
const resourceIds: Record<string, { mine: string; tenantB: string; tenantA?: string }> = {
  services: { mine: 'service', tenantB: 'service2' },
  vendors: { mine: 'vendor', tenantB: 'vendor' },
  tenants: { mine: 'tenantA', tenantB: 'tenantB', tenantA: 'tenantA' },
  systems: { mine: 'dedicatedA', tenantB: 'dedicatedB' },
  'data-flows': { mine: 'flow', tenantB: 'flow' },
};

const id = (key: string) => (c: World): Params => ({ id: c.s.ids[key]! });

/**
 * Ledger positions of seedOrg's first entries (it creates the org, two services, a vendor, then tenant A and
 * tenant B, each recording one entry): the tenant-scoped entries a tenant-viewer may and may not see.
 */
const SEED_ENTRY = { org: 0, tenantA: 4, tenantB: 5 };

/** A well-formed checkpoint of `orgId` that its ledger never signed (unknown key, signature of zeros). */
const forgedCheckpoint = (orgId: string) => ({
  orgId, treeSize: 1, rootHash: '0'.repeat(64), signedAt: '2026-01-01T00:00:00.000Z',
  keyId: '00000000-0000-4000-8000-000000000000', signature: Buffer.alloc(64).toString('base64'),
});

function resourceRoutes(name: keyof typeof resourceBody): Record<string, RouteCase> {
  const ids = resourceIds[name]!;
  const viewerReads = name === 'tenants';
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
