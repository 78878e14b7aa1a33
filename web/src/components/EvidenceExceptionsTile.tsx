import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { useSession } from '../auth/session';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';

/** The dashboard's tile: stale evidence and overdue exceptions, each a link to its list. */
export function EvidenceExceptionsTile() {
  const { can } = useSession();
  const stale = useQuery({ queryKey: ['evidence', 'stale'], queryFn: () => get<{ total: number }>('/api/evidence/stale'), retry: false, enabled: can('read', 'evidence') });
  const overdue = useQuery({ queryKey: ['control-exceptions', 'overdue'], queryFn: () => get<{ total: number }>('/api/control-exceptions/overdue'), retry: false, enabled: can('read', 'control-exceptions') });
  return (
    <section aria-labelledby="evidence-exceptions-tile">
      <h2 id="evidence-exceptions-tile">Evidence and exceptions</h2>
      <ErrorBanner error={stale.error ?? overdue.error} />
      <ul className="cards" aria-label="Evidence and exceptions needing attention">
        {stale.data && <li><Link to="/stale-evidence"><span className={`count${stale.data.total ? ' warn' : ''}`}>{stale.data.total}</span> stale evidence</Link></li>}
        {overdue.data && <li><Link to="/overdue-exceptions"><span className={`count${overdue.data.total ? ' warn' : ''}`}>{overdue.data.total}</span> overdue exceptions</Link></li>}
      </ul>
    </section>
  );
}
