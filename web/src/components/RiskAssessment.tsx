import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import type { Register } from '../api/risks';
import { useSession } from '../auth/session';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';
import { RiskAcceptForm } from './RiskAcceptForm';

/** On a risk's page: its scores with the tier uplift, the levels, the sign-off (and the control to give it). */
export function RiskAssessment({ id }: { id: string }) {
  const { can } = useSession();
  const register = useQuery({ queryKey: ['risks', 'register', {}], queryFn: () => get<Register>('/api/risks/register'), retry: false });
  const [status, setStatus] = useState('');
  const e = register.data?.items.find((x) => x.risk.id === id);
  if (register.error) return <ErrorBanner error={register.error} />;
  if (!e) return null;
  const { inherent, residual } = e.score;
  return (
    <section aria-labelledby="risk-assessment">
      <h2 id="risk-assessment">Assessment</h2>
      <p role="status">{status}</p>
      <dl className="fields">
        <div><dt>Highest tier reached</dt><dd>{e.score.highestTier ? `${e.score.highestTier} (impact +${e.score.uplift})` : 'none (no uplift)'}</dd></div>
        <div><dt>Inherent</dt><dd><span className={`level level-${inherent.level}`}>{inherent.level}</span>: likelihood {inherent.likelihood} × impact {inherent.effectiveImpact} = {inherent.score}</dd></div>
        <div><dt>Residual</dt><dd>{e.score.residualAssessed
          ? <><span className={`level level-${residual.level}`}>{residual.level}</span>: likelihood {residual.likelihood} × impact {residual.effectiveImpact} = {residual.score}</>
          : 'not assessed yet (the inherent level stands)'}</dd></div>
        <div><dt>Acceptance</dt><dd>{e.acceptance
          ? `accepted by ${e.acceptance.acceptedBy} on ${e.acceptance.acceptedAt.slice(0, 10)} at ${e.acceptance.level}: ${e.acceptance.rationale}${e.score.acceptable ? '' : ` (the tenants it reaches or the method changed since: it is now ${e.score.residual.level}, above the threshold; review it)`}`
          : e.score.acceptable ? `not accepted; within what an owner may accept (${register.data!.method.acceptanceThreshold})` : `above what an owner may accept (${register.data!.method.acceptanceThreshold}): treat further`}</dd></div>
      </dl>
      {!e.acceptance && e.score.acceptable && e.risk.status !== 'closed' && can('create', 'risk-acceptance') && (
        <RiskAcceptForm entry={e} onDone={setStatus} />
      )}
      <p><Link to="/risk-register">Risk register</Link></p>
    </section>
  );
}
