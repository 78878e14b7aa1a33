import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, errorFor, get } from '../api/client';
import { RISK_LEVELS, type RiskMethod, type RiskMethodView } from '../api/risks';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { Link } from '../router';

const TIERS = ['A', 'B', 'C'] as const;
const THRESHOLDS = ['medium', 'high', 'critical'] as const;

/** The organization's risk method: level thresholds, the impact uplift per tier, and what an owner may accept. */
export function RiskMethodPage() {
  const { can } = useSession();
  const client = useQueryClient();
  const view = useQuery({ queryKey: ['risks', 'method'], queryFn: () => get<RiskMethodView>('/api/risk-method') });
  const [draft, setDraft] = useState<RiskMethod | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (view.data && !draft) setDraft(view.data.method); }, [view.data, draft]);
  if (view.error) return <ErrorBanner error={view.error} />;
  if (!view.data || !draft) return <p aria-live="polite">Loading…</p>;
  const editable = can('update', 'risk-method');
  const num = (v: string) => (v === '' ? NaN : Number(v));
  const save = async () => {
    setError(null);
    setBusy(true);
    try {
      const saved = await api<RiskMethodView>('PUT', '/api/risk-method', draft);
      client.setQueryData(['risks', 'method'], saved);
      await client.invalidateQueries({ queryKey: ['risks'] });
      setStatus('Saved; every risk is scored with the new method.');
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const t = draft.thresholds;
  return (
    <section>
      <h1>Risk method</h1>
      <p>Score = likelihood (1–5) × impact (1–5). The impact is raised by the most demanding customer tier a risk reaches, capped at 5. {view.data.isDefault ? 'This is the default method; nothing has been set yet.' : `Last set by ${view.data.updatedBy} on ${view.data.updatedAt?.slice(0, 10)}.`} <Link to="/risk-register">Risk register</Link></p>
      <p className="muted">Levels now: low &lt; {t.medium} ≤ medium &lt; {t.high} ≤ high &lt; {t.critical} ≤ critical.</p>
      <ErrorBanner error={error} fields={[{ name: 'thresholds', label: 'the thresholds', id: 'rm-medium' }, { name: 'tierUplift', label: 'the tier uplift', id: 'rm-uplift-A' }]} />
      <p role="status">{status}</p>
      <form className="inline-form" aria-label="Risk method" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <fieldset disabled={!editable}>
          <legend>Lowest score of each level</legend>
          {THRESHOLDS.map((k) => (
            <Field key={k} id={`rm-${k}`} label={k} required error={errorFor(error, 'thresholds', k)}>
              {(control) => <input {...control} type="number" min={2} max={25} value={Number.isNaN(t[k]) ? '' : t[k]} onChange={(e) => setDraft({ ...draft, thresholds: { ...t, [k]: num(e.target.value) } })} />}
            </Field>
          ))}
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>Impact uplift by the highest tier reached</legend>
          {TIERS.map((tier) => (
            <Field key={tier} id={`rm-uplift-${tier}`} label={`Tier ${tier}`} required error={errorFor(error, 'tierUplift', tier)}>
              {(control) => <input {...control} type="number" min={0} max={4} value={Number.isNaN(draft.tierUplift[tier]) ? '' : draft.tierUplift[tier]} onChange={(e) => setDraft({ ...draft, tierUplift: { ...draft.tierUplift, [tier]: num(e.target.value) } })} />}
            </Field>
          ))}
        </fieldset>
        <Field id="rm-accept" label="Highest residual level an owner may accept" required error={errorFor(error, 'acceptanceThreshold')}>
          {(control) => (
            <select {...control} disabled={!editable} value={draft.acceptanceThreshold} onChange={(e) => setDraft({ ...draft, acceptanceThreshold: e.target.value as RiskMethod['acceptanceThreshold'] })}>
              {RISK_LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
            </select>
          )}
        </Field>
        {editable && <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save method'}</button>}
      </form>
    </section>
  );
}
