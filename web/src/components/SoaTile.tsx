import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { percent, type SoaView } from '../api/soa';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';

/** The dashboard's SoA tile: coverage of applicable controls, and controls still without a decision. */
export function SoaTile() {
  const soa = useQuery({ queryKey: ['soa', 'current'], queryFn: () => get<SoaView>('/api/soa'), retry: false });
  const s = soa.data?.summary;
  return (
    <section aria-labelledby="soa-tile">
      <h2 id="soa-tile">Statement of Applicability</h2>
      <ErrorBanner error={soa.error} />
      {s && (
        <ul className="cards" aria-label="SoA coverage">
          <li><Link to="/soa?applicable=yes"><span className="count">{percent(s.coverage)}</span> coverage ({s.implemented} of {s.applicable} applicable controls implemented or operating)</Link></li>
          <li><Link to="/soa?applicable=undecided"><span className={`count${s.undecided ? ' warn' : ''}`}>{s.undecided}</span> controls without a decision</Link></li>
          <li><Link to="/soa?applicable=no"><span className="count">{s.notApplicable}</span> not applicable</Link></li>
        </ul>
      )}
    </section>
  );
}
