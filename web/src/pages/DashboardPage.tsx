import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';
import { RESOURCE_VIEWS } from '../resources';
import { RisksTile } from '../components/RisksTile';
import { SoaTile } from '../components/SoaTile';
import { ScopeFindingsTile } from '../components/ScopeFindingsTile';
import { VendorReviewsTile } from '../components/VendorReviewsTile';
import { EvidenceExceptionsTile } from '../components/EvidenceExceptionsTile';
import { LedgerStatus } from './LedgerStatus';

interface Dashboard {
  counts: Record<string, number>;
  tenantsByTier: Record<string, number>;
  systemsOutOfScope: number;
  recentChanges: Array<{ id: string; at: string; actor: string; action: string; objectType: string; objectId: string | null; objectSlug: string; summary: string }>;
}

export function DashboardPage() {
  const { me, can } = useSession();
  const dashboard = useQuery({ queryKey: ['dashboard'], queryFn: () => get<Dashboard>('/api/dashboard') });
  const d = dashboard.data;
  return (
    <section>
      <h1>{me?.org.name}</h1>
      {me?.org.isDemo && <p className="notice">This is the demo organization: a fictional managed service provider. Explore and edit freely.</p>}
      <ErrorBanner error={dashboard.error} />
      {d && (
        <>
          <ul className="cards" aria-label="Counts">
            {RESOURCE_VIEWS.filter((v) => d.counts[v.name] !== undefined).map((v) => (
              <li key={v.name}><Link to={v.path}><span className="count">{d.counts[v.name]}</span> {v.plural.toLowerCase()}</Link></li>
            ))}
            <li><Link to="/systems?inScope=false"><span className="count">{d.systemsOutOfScope}</span> systems outside scope</Link></li>
          </ul>
          {can('read', 'soa') && <SoaTile />}
          {can('read', 'scope-analysis') && <ScopeFindingsTile />}
          {can('read', 'vendor-reviews') && <VendorReviewsTile />}
          {can('read', 'risks') && <RisksTile />}
          {(can('read', 'evidence') || can('read', 'control-exceptions')) && <EvidenceExceptionsTile />}
          <p>Tenants by tier: {(['A', 'B', 'C'] as const).map((t) => <span key={t} className={`tier tier-${t}`}>{t}: {d.tenantsByTier[t] ?? 0}</span>)}</p>
          <h2>Recent changes</h2>
          <DataTable caption="Recent changes" rows={d.recentChanges} columns={[
            { key: 'at', label: 'When', render: (c) => <time dateTime={c.at}>{new Date(c.at).toLocaleString()}</time> },
            { key: 'actor', label: 'Who', render: (c) => c.actor },
            { key: 'action', label: 'Action', render: (c) => c.action },
            { key: 'object', label: 'Object', render: (c) => `${c.objectType}${c.objectSlug ? ` ${c.objectSlug}` : ''}` },
            { key: 'summary', label: 'Summary', render: (c) => c.summary },
          ]} />
          <LedgerStatus />
          <p><Link to="/ledger">Open the ledger</Link> to search the events the provider&apos;s tools reported.</p>
        </>
      )}
    </section>
  );
}
