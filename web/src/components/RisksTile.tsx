import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { RISK_LEVELS, type RiskSummary } from '../api/risks';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';

/** The dashboard's risk tile: risks not closed by residual level, each a link to the register filtered to it. */
export function RisksTile() {
  const summary = useQuery({ queryKey: ['risks', 'summary'], queryFn: () => get<RiskSummary>('/api/risks/summary'), retry: false });
  const s = summary.data;
  return (
    <section aria-labelledby="risks-tile">
      <h2 id="risks-tile">Open risks</h2>
      <ErrorBanner error={summary.error} />
      {s && (
        <>
          <ul className="cards" aria-label="Open risks by residual level">
            {[...RISK_LEVELS].reverse().map((l) => (
              <li key={l}><Link to={`/risk-register?level=${l}`}><span className="count">{s.residual[l]}</span> <span className={`level level-${l}`}>{l}</span></Link></li>
            ))}
            <li><Link to="/risk-register">Register ({s.open} not closed)</Link></li>
          </ul>
          <p className="muted">
            {s.aboveThreshold} above what an owner may accept ({s.acceptanceThreshold}){s.reviewOverdue ? `; ${s.reviewOverdue} overdue for review` : ''}.
          </p>
        </>
      )}
    </section>
  );
}
