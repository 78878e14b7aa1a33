import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { applicableLabel, exportLinks, percent, type TenantSoaView } from '../api/soa';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';
import { tenantImplementationsCell } from './SoaPage';

/** One tenant's Statement of Applicability: what its customer's security officer sees (a tenant-viewer, its own only). */
export function TenantSoaPage({ id }: { id: string }) {
  const { can } = useSession();
  const view = useQuery({ queryKey: ['soa', 'tenant', id], queryFn: () => get<TenantSoaView>(`/api/soa/tenants/${id}`), retry: false });
  const d = view.data;
  return (
    <section>
      <div className="page-head">
        <h1>Statement of Applicability{d ? ` for ${d.tenant.name}` : ''}</h1>
        <p>{exportLinks(`?tenant=${id}`, `soa-${d?.tenant.slug ?? 'tenant'}`).map((l) => <span key={l.href}><a className="button" href={l.href} download={l.download}>{l.label}</a>{' '}</span>)}</p>
      </div>
      <ErrorBanner error={view.error} />
      {d && (
        <>
          <p>
            <Link to={`/tenants/${d.tenant.id}`}>{d.tenant.name}</Link> (tier {d.tenant.tier}) inherits every common implementation of the provider&apos;s
            platform and the overlays made for its tier, for it, for the services it uses or for the systems that serve it. An override replaces the common implementation for this tenant.
            {can('read', 'soa') && <> <Link to={`/soa?tenant=${d.tenant.id}`}>Open in the SoA page</Link></>}
          </p>
          <p><strong>{percent(d.summary.coverage)}</strong> coverage: {d.summary.implemented} of {d.summary.applicable} applicable controls implemented or operating; {d.summary.notApplicable} not applicable.</p>
          <DataTable caption={`SoA for ${d.tenant.name}`} rows={d.rows.map((r) => ({ ...r, id: r.controlId }))} columns={[
            { key: 'control', label: 'Control', render: (r) => <strong>{r.controlId}</strong> },
            { key: 'title', label: 'Title', render: (r) => r.title },
            { key: 'applicable', label: 'Applicable', render: (r) => applicableLabel(r) },
            { key: 'justification', label: 'Justification', render: (r) => `${r.reasons.join(', ')}${r.reasons.length && r.justification ? ': ' : ''}${r.justification}` },
            { key: 'status', label: 'Status', render: (r) => r.status ?? 'none' },
            { key: 'implementations', label: 'How it is implemented for this tenant', render: tenantImplementationsCell },
            { key: 'gdpr', label: 'GDPR', render: (r) => r.gdpr.map((g) => `Art. ${g.gdpr}`).join(', ') },
          ]} />
        </>
      )}
    </section>
  );
}
