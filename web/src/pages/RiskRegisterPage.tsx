import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get, withQuery } from '../api/client';
import { levelOfScore, RISK_LEVELS, type Register, type RiskMethod, type RiskSuggestion } from '../api/risks';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { RiskAcceptForm } from '../components/RiskAcceptForm';
import { Link, navigate, useLocation } from '../router';

const BASE = '/risk-register';
const STATUSES = ['open', 'treated', 'accepted', 'closed'] as const;
type MapName = 'inherent' | 'residual';

/** A 5×5 heat map: likelihood up, effective impact across; each cell a button filtering the register to it. */
function HeatMap({ name, cells, method, selected, onPick }: {
  name: MapName; cells: number[][]; method: RiskMethod;
  selected: { likelihood: number; impact: number } | null; onPick: (likelihood: number, impact: number) => void;
}) {
  const label = name === 'inherent' ? 'Inherent risk' : 'Residual risk';
  return (
    <figure className="heat-map">
      <table aria-label={`${label} heat map: risks not closed, by likelihood and impact after the tier uplift`}>
        <caption>{label}</caption>
        <thead>
          <tr><th scope="col"><span className="visually-hidden">Likelihood \ impact</span></th>{[1, 2, 3, 4, 5].map((i) => <th key={i} scope="col" title={method.impactLabels?.[i - 1]}>I{i}</th>)}</tr>
        </thead>
        <tbody>
          {[5, 4, 3, 2, 1].map((l) => (
            <tr key={l}>
              <th scope="row" title={method.likelihoodLabels?.[l - 1]}>L{l}</th>
              {[1, 2, 3, 4, 5].map((i) => {
                const n = cells[l - 1]?.[i - 1] ?? 0;
                const level = levelOfScore(l * i, method);
                const pressed = selected?.likelihood === l && selected.impact === i;
                return (
                  <td key={i} className={`level-${level}`}>
                    <button type="button" aria-pressed={pressed} onClick={() => onPick(l, i)}
                      aria-label={`${n} ${n === 1 ? 'risk' : 'risks'} at likelihood ${l}, impact ${i} (${level}); show them`}>
                      {n || '·'}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="muted">Rows: likelihood 1–5; columns: impact after the tier uplift. Colours: the level of the cell&apos;s score.</figcaption>
    </figure>
  );
}

function Suggestions() {
  const { can } = useSession();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['risks', 'suggestions'], queryFn: () => get<{ items: RiskSuggestion[] }>('/api/risks/suggestions', { limit: 10 }), retry: false });
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const adopt = async (s: RiskSuggestion) => {
    setError(null);
    try {
      const risk = await api<{ id: string; name: string }>('POST', `/api/risks/suggestions/${s.component.id}/adopt`, {});
      await client.invalidateQueries({ queryKey: ['risks'] });
      setStatus(`Adopted: ${risk.name}.`);
      navigate(`/risks/${risk.id}`);
    } catch (err) { setError(err); }
  };
  const rows = (list.data?.items ?? []).map((s) => ({ ...s, id: s.component.id }));
  return (
    <section aria-labelledby="suggestions">
      <h2 id="suggestions">Suggested cross-tenant risks</h2>
      <p className="muted">From the top of the <Link to="/scope/blast-radius">blast-radius ranking</Link>: what the compromise of each shared component could expose, with the controls that address it.</p>
      <ErrorBanner error={list.error ?? error} />
      <p role="status">{status}</p>
      <DataTable caption="Suggested risks" rows={rows} empty="No component is shared by two tenants or more." columns={[
        { key: 'title', label: 'Suggested risk', render: (s) => <><strong>{s.title}</strong><br /><small className="muted">{s.description}</small></> },
        { key: 'component', label: 'Component', render: (s) => <Link to={`/${s.component.kind === 'vendor' ? 'vendors' : 'systems'}/${s.component.id}`}>{s.component.name}</Link> },
        { key: 'tiers', label: 'Tenants exposed (A / B / C)', render: (s) => `${s.tenants} (${s.byTier.A} / ${s.byTier.B} / ${s.byTier.C})` },
        { key: 'controls', label: 'Controls', render: (s) => s.controlIds.join(', ') },
        { key: 'covered', label: 'Already covered by', render: (s) => (s.coveredBy.length ? s.coveredBy.map((r, i) => <span key={r.id}>{i > 0 && ', '}<Link to={`/risks/${r.id}`}>{r.name}</Link></span>) : <strong className="warn">no risk yet</strong>) },
        { key: 'adopt', label: 'Adopt', render: (s) => (can('create', 'risks') ? <button type="button" onClick={() => void adopt(s)}>Adopt{s.coveredBy.length ? ' anyway' : ''}</button> : '—') },
      ]} />
    </section>
  );
}

/** The risk register: two heat maps (click a cell to filter), the scored risks with acceptance, exports and suggestions. */
export function RiskRegisterPage() {
  const { can } = useSession();
  const { query } = useLocation();
  const filters = {
    status: query.get('status') ?? '', level: query.get('level') ?? '', map: query.get('map') ?? '',
    likelihood: query.get('likelihood') ?? '', impact: query.get('impact') ?? '',
  };
  const register = useQuery({ queryKey: ['risks', 'register', filters], queryFn: () => get<Register>('/api/risks/register', filters), retry: false });
  const [accepting, setAccepting] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const set = (patch: Partial<typeof filters>) => navigate(withQuery(BASE, { ...filters, ...patch }), { replace: true });
  const cell = filters.likelihood && filters.impact ? { likelihood: Number(filters.likelihood), impact: Number(filters.impact) } : null;
  const pick = (map: MapName) => (likelihood: number, impact: number) => (
    cell && filters.map === map && cell.likelihood === likelihood && cell.impact === impact
      ? set({ map: '', likelihood: '', impact: '' })
      : set({ map, likelihood: String(likelihood), impact: String(impact) }));
  const data = register.data;
  const rows = (data?.items ?? []).map((e) => ({ ...e, id: e.risk.id }));
  const mayAccept = can('create', 'risk-acceptance');
  return (
    <section>
      <div className="page-head">
        <h1>Risk register</h1>
        <p>
          {can('create', 'risks') && <><Link className="button primary" to="/risks/new">New risk</Link>{' '}</>}
          <a className="button" href="/api/risks/export.xlsx" download="risk-register.xlsx">Export XLSX</a>{' '}
          <a className="button" href="/api/risks/export.csv" download="risk-register.csv">Export CSV</a>{' '}
          {can('read', 'risk-method') && <Link to="/risk-method">Risk method</Link>}
        </p>
      </div>
      <p className="muted">Score = likelihood × impact; the impact is raised by the most demanding tier the risk reaches (its tenants, and the tenants its systems and vendors would expose).</p>
      <ErrorBanner error={register.error} />
      <p role="status">{status}</p>
      {data && (
        <div className="heat-maps">
          <HeatMap name="inherent" cells={data.heatMap.inherent} method={data.method} selected={filters.map === 'inherent' ? cell : null} onPick={pick('inherent')} />
          <HeatMap name="residual" cells={data.heatMap.residual} method={data.method} selected={filters.map !== 'inherent' ? cell : null} onPick={pick('residual')} />
        </div>
      )}
      <form className="filters" aria-label="Filter risks" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="risk-status">Status</label>
          <select id="risk-status" value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="risk-level">Residual level</label>
          <select id="risk-level" value={filters.level} onChange={(e) => set({ level: e.target.value })}>
            <option value="">any</option>
            {RISK_LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </div>
        {cell && <p>Cell: {filters.map || 'residual'} likelihood {cell.likelihood}, impact {cell.impact} <button type="button" onClick={() => set({ map: '', likelihood: '', impact: '' })}>Clear cell</button></p>}
      </form>
      <p className="muted" aria-live="polite">{register.isLoading ? 'Loading…' : data ? `${data.total} ${data.total === 1 ? 'risk' : 'risks'}; owners may accept up to ${data.method.acceptanceThreshold}` : ''}</p>
      <DataTable caption="Risks" rows={rows} empty="No risk matches." columns={[
        { key: 'name', label: 'Risk', render: (e) => <Link to={`/risks/${e.risk.id}`}>{e.risk.name}</Link> },
        { key: 'owner', label: 'Owner', render: (e) => e.risk.owner || '—' },
        { key: 'status', label: 'Status', render: (e) => e.risk.status },
        { key: 'tier', label: 'Highest tier', render: (e) => (e.score.highestTier ? `${e.score.highestTier} (+${e.score.uplift})` : '—') },
        { key: 'inherent', label: 'Inherent', render: (e) => <span className={`level level-${e.score.inherent.level}`}>{e.score.inherent.score} {e.score.inherent.level}</span> },
        { key: 'residual', label: 'Residual', render: (e) => <span className={`level level-${e.score.residual.level}`}>{e.score.residual.score} {e.score.residual.level}{e.score.residualAssessed ? '' : ' (not assessed)'}</span> },
        { key: 'treatment', label: 'Treatment', render: (e) => e.risk.treatment },
        { key: 'review', label: 'Review on', render: (e) => (e.reviewOverdue ? <strong className="warn">{e.risk.reviewOn} (overdue)</strong> : e.risk.reviewOn ?? '—') },
        {
          key: 'acceptance', label: 'Acceptance', render: (e) => {
            if (e.acceptance) {
              return (
                <span title={e.acceptance.rationale}>
                  accepted by {e.acceptance.acceptedBy} on {e.acceptance.acceptedAt.slice(0, 10)} ({e.acceptance.level})
                  {!e.score.acceptable && <strong className="warn">; now {e.score.residual.level}, above the threshold: review</strong>}
                </span>
              );
            }
            if (!mayAccept || e.risk.status === 'closed') return e.score.acceptable ? 'within threshold' : 'above threshold';
            if (!e.score.acceptable) return <span className="muted">above threshold: treat further</span>;
            if (accepting === e.risk.id) return <RiskAcceptForm entry={e} onDone={(m) => { setAccepting(null); setStatus(m); }} />;
            return <button type="button" onClick={() => setAccepting(e.risk.id)}>Accept…</button>;
          },
        },
      ]} />
      {can('read', 'scope-analysis') && <Suggestions />}
    </section>
  );
}
