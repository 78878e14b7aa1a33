import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { useSession } from '../auth/session';
import { DataTable, formatValue } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

interface Ref { id: string; slug: string; name: string }
export interface Footprint {
  services: Ref[];
  systems: Array<Ref & { kind: string; environment: string; tenancy: string; regions: string[]; inScope: boolean; dataCategories: string[]; reason: string }>;
  vendors: Array<Ref & { serviceProvided: string; regions: string[]; subProcessor: boolean; reason: string }>;
  dataFlows: Array<Ref & { fromSystemId: string; toSystemId: string | null; toVendorId: string | null; dataCategories: string[] }>;
}

/** A tenant's footprint (shared by the tenant page's fields and its footprint section). */
export function useFootprint(tenantId: string, enabled = true) {
  return useQuery({ queryKey: ['footprint', tenantId], queryFn: () => get<Footprint>(`/api/tenants/${tenantId}/footprint`), enabled, retry: false });
}

/** Which services, systems, vendors and flows touch a tenant, and why. */
export function TenantFootprint({ tenantId }: { tenantId: string }) {
  const { can } = useSession();
  const footprint = useFootprint(tenantId);
  const f = footprint.data;
  const link = (kind: string, r: Ref) => (can('read', kind) ? <Link to={`/${kind}/${r.id}`}>{r.name}</Link> : r.name);
  const systemName = (id: string | null) => f?.systems.find((s) => s.id === id)?.name ?? '—';
  const vendorName = (id: string | null) => f?.vendors.find((v) => v.id === id)?.name ?? '—';
  return (
    <section aria-labelledby="footprint-title">
      <h2 id="footprint-title">What touches this tenant</h2>
      <ErrorBanner error={footprint.error} />
      {f && (
        <>
          <h3>Services ({f.services.length})</h3>
          <p>{f.services.length ? f.services.map((s, i) => <span key={s.id}>{i > 0 && ', '}{link('services', s)}</span>) : 'None.'}</p>
          <h3>Systems ({f.systems.length})</h3>
          <DataTable caption="Systems touching this tenant" rows={f.systems} columns={[
            { key: 'name', label: 'System', render: (s) => link('systems', s) },
            { key: 'kind', label: 'Kind', render: (s) => s.kind },
            { key: 'environment', label: 'Environment', render: (s) => s.environment },
            { key: 'regions', label: 'Regions', render: (s) => formatValue(s.regions) },
            { key: 'inScope', label: 'In ISMS scope', render: (s) => (s.inScope ? 'yes' : <strong className="warn">no</strong>) },
            { key: 'reason', label: 'Why', render: (s) => s.reason },
          ]} />
          <h3>Vendors ({f.vendors.length})</h3>
          <DataTable caption="Vendors touching this tenant" rows={f.vendors} columns={[
            { key: 'name', label: 'Vendor', render: (v) => link('vendors', v) },
            { key: 'serviceProvided', label: 'Service', render: (v) => formatValue(v.serviceProvided) },
            { key: 'regions', label: 'Regions', render: (v) => formatValue(v.regions) },
            { key: 'subProcessor', label: 'Sub-processor', render: (v) => formatValue(v.subProcessor) },
            { key: 'reason', label: 'Why', render: (v) => v.reason },
          ]} />
          <h3>Data flows ({f.dataFlows.length})</h3>
          <DataTable caption="Data flows carrying this tenant's data" rows={f.dataFlows} columns={[
            { key: 'name', label: 'Flow', render: (d) => d.name },
            { key: 'from', label: 'From', render: (d) => systemName(d.fromSystemId) },
            { key: 'to', label: 'To', render: (d) => (d.toSystemId ? systemName(d.toSystemId) : vendorName(d.toVendorId)) },
            { key: 'data', label: 'Data', render: (d) => formatValue(d.dataCategories) },
          ]} />
        </>
      )}
    </section>
  );
}
