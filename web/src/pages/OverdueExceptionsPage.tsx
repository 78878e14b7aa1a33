import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type { ControlException } from '../api/evidence';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

/** Approved exceptions whose review date has passed or that expired: each needs a review or a new decision. */
export function OverdueExceptionsPage() {
  const list = useQuery({ queryKey: ['control-exceptions', 'overdue'], queryFn: () => get<{ items: ControlException[]; total: number }>('/api/control-exceptions/overdue') });
  const rows = list.data?.items ?? [];
  return (
    <section>
      <h1>Overdue exceptions</h1>
      <p>Approved exceptions whose review date has passed, or that expired while still approved. {list.data && <>{list.data.total} overdue.</>}</p>
      <ErrorBanner error={list.error} />
      <DataTable caption="Overdue exceptions" rows={rows} empty="No overdue exceptions." columns={[
        { key: 'name', label: 'Exception', render: (x) => <Link to={`/control-exceptions/${x.id}`}>{x.name}</Link> },
        { key: 'controlId', label: 'Control', render: (x) => x.controlId },
        { key: 'status', label: 'Status', render: (x) => x.status },
        { key: 'reviewOn', label: 'Review on', render: (x) => <span className={x.reviewOverdue ? 'warn' : undefined}>{x.reviewOn}</span> },
        { key: 'expiresOn', label: 'Expires on', render: (x) => <span className={x.status === 'expired' ? 'warn' : undefined}>{x.expiresOn}</span> },
        { key: 'owner', label: 'Owner', render: (x) => x.owner || '—' },
      ]} />
    </section>
  );
}
