import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { get, withQuery } from '../api/client';
import type { TenantResidency } from '../api/analysis';
import { useAll } from '../api/names';
import { ErrorBanner } from '../components/ErrorBanner';
import { ObjectLink, ObjectPath } from '../components/ObjectPath';
import { Link, navigate, useLocation } from '../router';

interface ResidencyPage { items: TenantResidency[]; nextCursor: string | null; total: number }
const BASE = '/scope/residency';

/** Per tenant with allowed regions: where its data is outside them, with the path that carries it there. */
export function ResidencyPage() {
  const { query } = useLocation();
  const tenant = query.get('tenant') ?? '';
  const breachesOnly = query.get('breaches') !== 'all';
  const tenants = useAll('tenants');
  const list = useInfiniteQuery({
    queryKey: ['scope', 'residency', tenant],
    queryFn: ({ pageParam }) => get<ResidencyPage>('/api/scope/residency', { tenant, limit: 100, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const first = list.data?.pages[0];
  const all = list.data?.pages.flatMap((p) => p.items) ?? [];
  const shown = breachesOnly ? all.filter((r) => r.breaches.length || r.unrecorded.length) : all;
  return (
    <section>
      <h1>Data residency</h1>
      <p>For every tenant that limits where its data may be, each system or vendor its data reaches outside the allowed regions, and the chain of services, systems and flows that carries it there. Systems and vendors without a recorded region cannot be shown to comply.</p>
      <form className="filters" aria-label="Filter residency" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="residency-tenant">Tenant</label>
          <select id="residency-tenant" value={tenant} onChange={(e) => navigate(withQuery(BASE, { tenant: e.target.value, breaches: breachesOnly ? '' : 'all' }), { replace: true })}>
            <option value="">every tenant with allowed regions</option>
            {(tenants.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label><input type="checkbox" checked={!breachesOnly} onChange={(e) => navigate(withQuery(BASE, { tenant, breaches: e.target.checked ? 'all' : '' }), { replace: true })} /> Also tenants with nothing to report</label>
        </div>
      </form>
      <ErrorBanner error={list.error ?? tenants.error} />
      <p className="muted" aria-live="polite">{list.isLoading ? 'Loading…' : first ? `${first.total} ${first.total === 1 ? 'tenant' : 'tenants'} with allowed regions; ${all.reduce((n, r) => n + r.breaches.length, 0)} breaches` : ''}</p>
      {shown.map((r) => (
        <article key={r.tenant.id} aria-labelledby={`res-${r.tenant.id}`}>
          <h2 id={`res-${r.tenant.id}`}><Link to={`/tenants/${r.tenant.id}`}>{r.tenant.name}</Link> <small className="muted">tier {r.tenant.tier} · allowed: {r.tenant.allowedRegions.join(', ')}</small></h2>
          <p>Its data reaches {r.reached.systems} systems and {r.reached.vendors} vendors. {r.breaches.length === 0 && r.unrecorded.length === 0 && 'All of them are in allowed regions.'}</p>
          {r.breaches.length > 0 && (
            <ol className="findings">
              {r.breaches.map((b) => (
                <li key={b.component.id} className="sev-error">
                  <p><span className="severity sev-error">breach</span> <ObjectLink object={b.component} /> is in {b.regions.join(', ')}; not allowed: <strong>{b.disallowed.join(', ')}</strong></p>
                  <ObjectPath path={b.path} label={`How ${r.tenant.name}'s data gets there`} />
                </li>
              ))}
            </ol>
          )}
          {r.unrecorded.length > 0 && (
            <p><span className="severity sev-warning">no region</span> {r.unrecorded.map((u, i) => <span key={u.id}>{i > 0 && ', '}<ObjectLink object={u} /></span>)}</p>
          )}
        </article>
      ))}
      {first && shown.length === 0 && <p>No tenant has data outside its allowed regions.</p>}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : `Load more (${all.length} of ${first?.total ?? '?'} tenants)`}
        </button>
      )}
    </section>
  );
}
