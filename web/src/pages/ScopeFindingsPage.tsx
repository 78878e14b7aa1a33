import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { get, withQuery } from '../api/client';
import { SEVERITIES, useScopeRules, type FindingsPage, type Severity } from '../api/analysis';
import { ErrorBanner } from '../components/ErrorBanner';
import { ObjectLink, ObjectPath } from '../components/ObjectPath';
import { Link, navigate, useLocation } from '../router';

const BASE = '/scope/findings';

/** The scope linter's findings: counts by severity and rule, filters in the URL, each finding with its proof as links. */
export function ScopeFindingsPage() {
  const { query } = useLocation();
  const filters = { severity: query.get('severity') ?? '', rule: query.get('rule') ?? '', object: query.get('object') ?? '', today: query.get('today') ?? '' };
  const setFilter = (name: keyof typeof filters, value: string) => navigate(withQuery(BASE, { ...filters, [name]: value }), { replace: true });
  const rules = useScopeRules();
  const list = useInfiniteQuery({
    queryKey: ['scope', 'findings', filters],
    queryFn: ({ pageParam }) => get<FindingsPage>('/api/scope/findings', { ...filters, limit: 100, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const first = list.data?.pages[0];
  const findings = list.data?.pages.flatMap((p) => p.items) ?? [];
  const title = (id: string) => rules.data?.items.find((r) => r.id === id)?.title ?? id;
  return (
    <section>
      <h1>Scope findings</h1>
      <p>Gaps in the ISMS scope that an auditor would find: customer data in systems outside the scope, in-scope services resting on excluded components, vendors not reviewed, data outside a tenant&apos;s allowed regions. Each finding shows the chain of objects that proves it and how to close it. The same check runs in CI with <code>tenantproof lint</code>.</p>
      {first && (
        <>
          <h2>By severity</h2>
          <ul className="cards" aria-label="Findings by severity">
            {SEVERITIES.map((s) => (
              <li key={s}><Link to={withQuery(BASE, { ...filters, severity: s })} aria-current={filters.severity === s ? 'true' : undefined}><span className="count">{first.counts[s]}</span> <span className={`severity sev-${s}`}>{s}</span></Link></li>
            ))}
          </ul>
          <details>
            <summary>By rule ({Object.values(first.byRule).filter((n) => n > 0).length} rules with findings)</summary>
            <ul>
              {Object.entries(first.byRule).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([id, n]) => (
                <li key={id}><Link to={withQuery(BASE, { ...filters, rule: id })}>{title(id)}</Link>: {n} <small className="muted">({id})</small></li>
              ))}
            </ul>
          </details>
        </>
      )}
      <form className="filters" aria-label="Filter findings" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="finding-severity">Severity</label>
          <select id="finding-severity" value={filters.severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">any</option>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="finding-rule">Rule</label>
          <select id="finding-rule" value={filters.rule} onChange={(e) => setFilter('rule', e.target.value)}>
            <option value="">any</option>
            {(rules.data?.items ?? []).map((r) => <option key={r.id} value={r.id}>{r.title}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="finding-today">Measured on</label>
          <input id="finding-today" type="date" value={filters.today} onChange={(e) => setFilter('today', e.target.value)} />
        </div>
        {(filters.severity || filters.rule || filters.object || filters.today) && (
          <div className="field"><button type="button" onClick={() => navigate(BASE, { replace: true })}>Clear filters</button></div>
        )}
      </form>
      {filters.object && <p className="notice">Only findings that name object {filters.object}. <Link to={withQuery(BASE, { ...filters, object: '' })}>Show all</Link></p>}
      <ErrorBanner error={list.error ?? rules.error} />
      <p className="muted" aria-live="polite">{list.isLoading ? 'Loading…' : first ? `${first.total} ${first.total === 1 ? 'finding' : 'findings'}, measured on ${first.today}` : ''}</p>
      <ol className="findings">
        {findings.map((f, i) => (
          <li key={`${f.ruleId}-${f.subject.id}-${i}`} className={`sev-${f.severity}`}>
            <p><span className={`severity sev-${f.severity}`}>{f.severity}</span> <strong>{title(f.ruleId)}</strong> <small className="muted">{f.ruleId}</small></p>
            <p>{f.message}</p>
            <p>About: <ObjectLink object={f.subject} />{f.field ? <> (field <code>{f.field}</code>)</> : null}</p>
            {f.path.length > 1 && <ObjectPath path={f.path} label="Path that proves it" />}
            <p><strong>How to close it:</strong> {f.hint}</p>
          </li>
        ))}
      </ol>
      {first && findings.length === 0 && <p>No findings{filters.severity || filters.rule ? ' with these filters' : ''}.</p>}
      {first?.excepted && first.excepted.length > 0 && (
        <section aria-labelledby="excepted-findings">
          <h2 id="excepted-findings">Covered by approved exceptions</h2>
          <ul>
            {first.excepted.map((x) => (
              <li key={`${x.ruleId}-${x.objectId}`}>
                <strong>{title(x.ruleId)}</strong> on <Link to={`/systems/${x.objectId}`}>this system</Link>: excepted by {x.reference ?? 'an approved exception'} until {x.expiresOn}
                {' '}(<Link to={withQuery('/control-exceptions', { systemId: x.objectId })}>exceptions</Link>)
              </li>
            ))}
          </ul>
        </section>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : `Load more (${findings.length} of ${first?.total ?? '?'} shown)`}
        </button>
      )}
    </section>
  );
}
