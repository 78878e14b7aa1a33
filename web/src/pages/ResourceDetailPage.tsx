import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, get } from '../api/client';
import { useNames } from '../api/names';
import { useValueLabel } from '../api/meta';
import { useFields, type FieldSpec } from '../api/schema';
import type { Obj } from '../api/types';
import { useSession } from '../auth/session';
import { formatValue } from '../components/DataTable';
import { ErrorBanner, NotFound } from '../components/ErrorBanner';
import { Link, navigate } from '../router';
import type { ResourceView } from '../resources';
import { TenantFootprint, useFootprint } from './TenantFootprint';
import { DataFlowDiagram } from '../components/DataFlowDiagram';
import { VendorTenantsReached } from '../components/VendorTenantsReached';
import { EvidenceFile } from '../components/EvidenceFile';
import { ExceptionDecision } from '../components/ExceptionDecision';
import { RiskAssessment } from '../components/RiskAssessment';

/** One object: every field (references as links), edit and delete for those allowed, and a tenant's footprint. */
export function ResourceDetailPage({ view, id }: { view: ResourceView; id: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const object = useQuery({ queryKey: [view.name, id], queryFn: () => get<Obj>(`/api/${view.name}/${id}`), retry: false });
  const { fields } = useFields(`/api/${view.name}`);
  const [error, setError] = useState<unknown>(null);
  const valueLabel = useValueLabel();
  // A tenant-viewer may not list services; the footprint names the ones its tenant consumes.
  const footprint = useFootprint(id, view.name === 'tenants' && can('read', 'tenant-footprint'));
  const serviceNames = useNames('services', can('read', 'services'));
  const names = {
    services: can('read', 'services') ? serviceNames : new Map((footprint.data?.services ?? []).map((s) => [s.id, { ...s } as Obj])),
    vendors: useNames('vendors', can('read', 'vendors')),
    tenants: useNames('tenants', can('read', 'tenants')),
    systems: useNames('systems', can('read', 'systems')),
  };
  if (object.error instanceof ApiError && object.error.status === 404) return <NotFound what={view.label.toLowerCase()} />;
  const o = object.data;
  const show = (f: FieldSpec) => {
    const v = o?.[f.name];
    if (f.kind === 'ref' || f.kind === 'refs') {
      const map = names[f.target as keyof typeof names];
      const ids = (Array.isArray(v) ? v : v ? [v] : []) as string[];
      if (!ids.length) return '—';
      return ids.map((x, i) => {
        const named = map?.get(x);
        const label = named ? (can('read', f.target!) ? <Link to={`/${f.target}/${x}`}>{named.name}</Link> : named.name) : '…';
        return <span key={x}>{i > 0 && ', '}{label}</span>;
      });
    }
    if (f.kind === 'contacts') {
      const list = (v as Array<{ name: string; email: string; role?: string }>) ?? [];
      return list.length ? <ul>{list.map((c, i) => <li key={i}>{c.name} &lt;{c.email}&gt;{c.role ? `, ${c.role}` : ''}</li>)}</ul> : '—';
    }
    if (f.kind === 'multi' && Array.isArray(v)) return v.length ? v.map((x) => valueLabel(String(x))).join(', ') : '—';
    if (f.kind === 'objects' && Array.isArray(v)) {
      const items = v as Array<Record<string, unknown>>;
      return items.length ? <ul>{items.map((item, i) => <li key={i}>{(f.itemFields ?? []).map((x) => item[x.name]).filter((x) => x !== undefined && x !== '').map((x) => valueLabel(String(x))).join(' · ')}</li>)}</ul> : '—';
    }
    return formatValue(v);
  };
  const remove = async () => {
    if (!window.confirm(`Delete ${view.label.toLowerCase()} ${o?.name}? This cannot be undone.`)) return;
    try {
      await api('DELETE', `/api/${view.name}/${id}`);
      await client.invalidateQueries({ queryKey: [view.name] });
      navigate(view.path);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <ErrorBanner error={object.error ?? error} />
      {o && (
        <>
          <div className="page-head">
            <h1>{o.name} <small className="muted">{view.label} · {o.slug}</small></h1>
            <div className="actions">
              {can('update', view.name) && <Link className="button" to={`${view.path}/${id}/edit`}>Edit</Link>}
              {can('delete', view.name) && <button type="button" className="danger" onClick={() => void remove()}>Delete</button>}
            </div>
          </div>
          <dl className="fields">
            {(fields ?? []).filter((f) => f.name !== 'name').map((f) => (
              <div key={f.name}><dt>{f.label}</dt><dd>{show(f)}</dd></div>
            ))}
          </dl>
          {view.name === 'tenants' && <TenantFootprint tenantId={id} />}
          {view.name === 'tenants' && can('read', 'tenant-soa') && <p><Link to={`/soa/tenants/${id}`}>Statement of Applicability for this tenant</Link>: the common controls and the overlays that apply to it.</p>}
          {view.name === 'tenants' && can('read', 'tenant-data-map') && <DataFlowDiagram kind="tenants" id={id} name={String(o.name)} />}
          {view.name === 'services' && can('read', 'scope-analysis') && <DataFlowDiagram kind="services" id={id} name={String(o.name)} />}
          {view.name === 'vendors' && can('read', 'vendor-reviews') && <VendorTenantsReached vendorId={id} />}
          {view.name === 'evidence' && <EvidenceFile id={id} />}
          {view.name === 'control-exceptions' && <ExceptionDecision id={id} />}
          {view.name === 'risks' && <RiskAssessment id={id} />}
          {view.name === 'interested-parties' && can('read', 'risks') && <p><Link to={`/risks?interestedPartyId=${id}`}>Risks that threaten this party&apos;s requirements</Link></p>}
          {view.name === 'services' && can('read', 'raci') && <p><Link to={`/raci/${id}`}>RACI matrix of this service</Link></p>}
        </>
      )}
    </section>
  );
}
