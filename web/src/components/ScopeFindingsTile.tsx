import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { SEVERITIES, type FindingsPage } from '../api/analysis';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';

/** The dashboard's scope tile: findings by severity, each a link to the findings page filtered to it. */
export function ScopeFindingsTile() {
  const findings = useQuery({ queryKey: ['scope', 'findings', 'counts'], queryFn: () => get<FindingsPage>('/api/scope/findings', { limit: 1 }), retry: false });
  const c = findings.data?.counts;
  return (
    <section aria-labelledby="scope-tile">
      <h2 id="scope-tile">Scope findings</h2>
      <ErrorBanner error={findings.error} />
      {c && (
        <ul className="cards" aria-label="Scope findings by severity">
          {SEVERITIES.map((s) => (
            <li key={s}><Link to={`/scope/findings?severity=${s}`}><span className="count">{c[s]}</span> <span className={`severity sev-${s}`}>{s}</span></Link></li>
          ))}
          <li><Link to="/scope/blast-radius">Blast radius</Link></li>
          <li><Link to="/scope/residency">Data residency</Link></li>
        </ul>
      )}
    </section>
  );
}
