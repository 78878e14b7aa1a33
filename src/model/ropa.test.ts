import { describe, expect, it } from 'vitest';
import { checkProcessingActivity, type ProcessingActivity } from './processing-activity.js';
import { activitiesForTenant, controllerRecord, CONTROLLER_COLUMNS, processorRecord, PROCESSOR_COLUMNS, type RopaData } from './ropa.js';

const base: ProcessingActivity = {
  id: 'p1', slug: 'hosting', name: 'Hosting', description: '', serviceId: 's1', tenantId: null, role: 'processor',
  jointControllers: '', jointArrangement: '', controllerName: '', controllerContact: '', representative: '', dpo: '',
  purposes: ['Hosting'], lawfulBasis: '', dataSubjectCategories: [], personalDataCategories: [], specialCategories: [], recipients: [],
  subProcessorVendorIds: [], transfers: [], retention: '', securityMeasureControlIds: [], securityMeasures: '', owner: '', reviewedOn: null,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
};
const act = (p: Partial<ProcessingActivity>): ProcessingActivity => ({ ...base, ...p });

const data: RopaData = {
  orgName: 'Provider Ltd',
  services: [{ id: 's1', slug: 'm365', name: 'Managed M365' }, { id: 's2', slug: 'erp', name: 'Hosted ERP' }],
  tenants: [
    { id: 't2', slug: 'b', name: 'Beta AG', serviceIds: ['s1', 's2'], contacts: [{ name: 'Bea', email: 'bea@beta.example', role: 'DPO' }], dpaReference: 'DPA-2' },
    { id: 't1', slug: 'a', name: 'Alpha BV', serviceIds: ['s1'], contacts: [] },
  ],
  vendors: [{ id: 'v1', name: 'Azure' }, { id: 'v2', name: 'Backblaze' }],
  activities: [
    act({ id: 'p1', slug: 'm365-admin', name: 'M365 administration', serviceId: 's1', subProcessorVendorIds: ['v2', 'v1'], securityMeasureControlIds: ['5.15'] }),
    act({ id: 'p2', slug: 'erp-hosting', name: 'ERP hosting', serviceId: 's2', transfers: [{ destination: 'United States', safeguard: 'scc', reference: 'SCC 2021' }] }),
    act({ id: 'p3', slug: 'beta-extra', name: 'Beta archive', serviceId: 's1', tenantId: 't2' }),
    act({ id: 'p4', slug: 'hr', name: 'HR', serviceId: null, role: 'controller', purposes: ['Payroll', 'Recruiting'], retention: '7 years' }),
    act({ id: 'p5', slug: 'events', name: 'Events', serviceId: null, role: 'joint-controller', jointControllers: 'Partner', jointArrangement: 'Arr.' }),
  ],
};

describe('records of processing (Art. 30)', () => {
  it('a tenant gets the processor activities of its services plus its own, never another tenant\u2019s or a controller one', () => {
    expect(activitiesForTenant(data.activities, data.tenants[1]!).map((a) => a.slug)).toEqual(['m365-admin']);
    expect(activitiesForTenant(data.activities, data.tenants[0]!).map((a) => a.slug)).toEqual(['m365-admin', 'erp-hosting', 'beta-extra']);
  });

  it('the controller record holds controller and joint-controller activities, the provider as controller', () => {
    const r = controllerRecord(data);
    expect(r.columns).toBe(CONTROLLER_COLUMNS);
    const col = (id: string) => CONTROLLER_COLUMNS.findIndex((c) => c.id === id);
    expect(r.rows.map((row) => row[col('activity')])).toEqual(['Events', 'HR']);
    expect(r.rows[1]![col('controller')]).toBe('Provider Ltd');
    expect(r.rows[1]![col('purposes')]).toBe('Payroll; Recruiting');
    expect(r.rows[1]![col('erasure_time_limits')]).toBe('7 years');
    expect(r.rows[0]![col('joint_controllers')]).toBe('Partner');
    // every Art. 30(1) paragraph has a column
    expect(new Set(CONTROLLER_COLUMNS.map((c) => c.articleRef).filter(Boolean))).toEqual(new Set(['30(1)(a)', '30(1)(b)', '30(1)(c)', '30(1)(d)', '30(1)(e)', '30(1)(f)', '30(1)(g)']));
  });

  it('the processor record has one row per customer and activity, with the customer\u2019s contacts as controller', () => {
    const r = processorRecord(data);
    const col = (id: string) => PROCESSOR_COLUMNS.findIndex((c) => c.id === id);
    expect(r.rows.map((row) => `${row[col('controllers')]} | ${row[col('activity')]}`)).toEqual([
      'Alpha BV | M365 administration',
      'Beta AG; Bea <bea@beta.example> (DPO) | Beta archive',
      'Beta AG; Bea <bea@beta.example> (DPO) | ERP hosting',
      'Beta AG; Bea <bea@beta.example> (DPO) | M365 administration',
    ]);
    const m365 = r.rows[0]!;
    expect(m365[col('sub_processors')]).toBe('Azure; Backblaze');
    expect(m365[col('security_measures')]).toBe('ISO/IEC 27001:2022 Annex A: 5.15 Access control');
    expect(m365[col('processor_identity')]).toBe('Provider Ltd');
    expect(r.rows[2]![col('third_country_transfers')]).toBe('United States: standard contractual clauses (Art. 46(2)(c)), SCC 2021');
    expect(r.rows[2]![col('dpa_reference')]).toBe('DPA-2');
    expect(new Set(PROCESSOR_COLUMNS.map((c) => c.articleRef).filter(Boolean))).toEqual(new Set(['30(2)(a)', '30(2)(b)', '30(2)(c)', '30(2)(d)']));
  });

  it('one customer\u2019s record, named in its title', () => {
    const r = processorRecord(data, ['t1']);
    expect(r.rows).toHaveLength(1);
    expect(r.title).toMatch(/on behalf of Alpha BV/);
    expect(processorRecord(data, ['nobody']).rows).toEqual([]);
  });

  it('the rules of an activity', () => {
    expect(() => checkProcessingActivity({ ...base })).not.toThrow();
    expect(() => checkProcessingActivity({ ...base, role: 'joint-controller' })).toThrow(expect.objectContaining({ field: 'jointArrangement' }));
    expect(() => checkProcessingActivity({ ...base, serviceId: null })).toThrow(expect.objectContaining({ field: 'serviceId' }));
    expect(() => checkProcessingActivity({ ...base, serviceId: null, tenantId: 't1' })).not.toThrow();
    expect(() => checkProcessingActivity({ ...base, transfers: [{ destination: 'US' }] })).toThrow(expect.objectContaining({ field: 'transfers.0.safeguard' }));
    expect(() => checkProcessingActivity({ ...base, transfers: [{ destination: 'US', safeguard: 'other', reference: ' ' }] })).toThrow(expect.objectContaining({ field: 'transfers.0.reference' }));
    expect(() => checkProcessingActivity({ ...base, transfers: [{ destination: 'CH', safeguard: 'adequacy' }] })).not.toThrow();
    expect(() => checkProcessingActivity({ ...base, securityMeasureControlIds: ['8.24', '9.1'] })).toThrow(expect.objectContaining({ field: 'securityMeasureControlIds.1' }));
    expect(() => checkProcessingActivity({ ...base, securityMeasureControlIds: ['A.8.24'] })).toThrow(expect.objectContaining({ field: 'securityMeasureControlIds.0' }));
  });
});
