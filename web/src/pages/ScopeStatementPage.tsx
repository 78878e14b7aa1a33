import { useQuery } from '@tanstack/react-query';
import { get, withQuery } from '../api/client';
import { useCurrentStatement, useVersions, type ScopeDiff, type ScopeStatement } from '../api/scope';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { ScopeDiffView, StatementBody } from '../components/ScopeStatementView';
import { Link, navigate, useLocation } from '../router';

/**
 * The current ISMS scope statement (clause 4.3) and, for those who may read the history, every version and
 * what changed between any two of them (chosen in the URL: /scope/statement?from=1&to=3).
 */
export function ScopeStatementPage() {
  const { can } = useSession();
  const history = can('read', 'scope-changes');
  const current = useCurrentStatement();
  const versions = useVersions(history);
  const { query } = useLocation();
  const latest = current.data?.version ?? 0;
  const to = Number(query.get('to') ?? latest);
  const from = Number(query.get('from') ?? Math.max(to - 1, 0));
  const viewing = query.get('version');
  const shown = useQuery({
    queryKey: ['scope', 'version', viewing],
    queryFn: () => get<ScopeStatement>(`/api/scope/statements/${viewing}`),
    enabled: history && viewing !== null && Number(viewing) !== latest,
  });
  const diff = useQuery({
    queryKey: ['scope', 'diff', from, to],
    queryFn: () => get<ScopeDiff>(`/api/scope/statements/${to}/diff`, { against: from }),
    enabled: history && to > 0,
  });
  const statement = viewing !== null && Number(viewing) !== latest ? shown.data : current.data;
  const choose = (patch: Record<string, string>) => navigate(withQuery('/scope/statement', { ...Object.fromEntries(query.entries()), ...patch }), { replace: true });
  const options = (versions.data?.items ?? []).map((v) => v.version);

  return (
    <section>
      <div className="page-head">
        <h1>Scope statement</h1>
        {can('create', 'scope-changes') && <Link className="button primary" to="/scope/changes/new">Propose a scope change</Link>}
      </div>
      <ErrorBanner error={current.error ?? versions.error ?? shown.error} />
      {current.isLoading && <p aria-live="polite">Loading…</p>}
      {current.data === null && (
        <p className="notice">No scope statement has been approved yet. {can('create', 'scope-changes') ? 'Propose the first one as a scope change; an owner or ISMS manager other than you signs it off.' : ''}</p>
      )}
      {statement && (
        <>
          <p className="muted">
            Version {statement.version}{statement.version === latest ? ' (current)' : ''}, approved {new Date(statement.approvedAt).toLocaleDateString()}
            {statement.approvedBy ? ` by ${statement.approvedBy}` : ''}
            {statement.changeRequestId ? <> from <Link to={`/scope/changes/${statement.changeRequestId}`}>SCR-{statement.changeRequestNumber}</Link></> : null}
          </p>
          <StatementBody statement={statement} headingLevel={2} />
        </>
      )}

      {history && options.length > 0 && (
        <>
          <h2>Versions</h2>
          <DataTable caption="Versions of the scope statement" rows={(versions.data?.items ?? []).map((v) => ({ ...v, id: String(v.version) }))} columns={[
            { key: 'version', label: 'Version', render: (v) => <Link to={withQuery('/scope/statement', { version: v.version })}>Version {v.version}</Link> },
            { key: 'approved', label: 'Approved', render: (v) => `${new Date(v.approvedAt).toLocaleDateString()} by ${v.approvedBy}` },
            { key: 'change', label: 'Change request', render: (v) => <Link to={`/scope/changes/${v.changeRequestId}`}>SCR-{v.changeRequestNumber} {v.changeRequestTitle}</Link> },
            { key: 'diff', label: 'Compare', render: (v) => <Link to={withQuery('/scope/statement', { from: v.version - 1, to: v.version })}>What changed</Link> },
          ]} />

          <h2 id="compare">Compare two versions</h2>
          <form className="filters" aria-labelledby="compare" onSubmit={(e) => e.preventDefault()}>
            <div className="field">
              <label htmlFor="diff-from">From</label>
              <select id="diff-from" value={from} onChange={(e) => choose({ from: e.target.value })}>
                <option value={0}>no statement</option>
                {options.map((v) => <option key={v} value={v}>version {v}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor="diff-to">To</label>
              <select id="diff-to" value={to} onChange={(e) => choose({ to: e.target.value })}>
                {options.map((v) => <option key={v} value={v}>version {v}</option>)}
              </select>
            </div>
          </form>
          <ErrorBanner error={diff.error} />
          {diff.data && <ScopeDiffView diff={diff.data} />}
        </>
      )}
    </section>
  );
}
