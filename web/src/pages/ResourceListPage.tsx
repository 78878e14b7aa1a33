import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { get, withQuery } from '../api/client';
import { useAll, useNames } from '../api/names';
import { useValueLabel } from '../api/meta';
import { useListParams, type ListFilter } from '../api/schema';
import type { Obj, Page } from '../api/types';
import { useSession } from '../auth/session';
import { DataTable, formatValue, type TableColumn } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link, navigate, useLocation } from '../router';
import type { ResourceView } from '../resources';

/**
 * Any kind of ISMS object as a table: search, filters, server-side sort and "Load more" paging. The search,
 * filters and sort live in the URL (/systems?kind=database&sort=name&order=desc), so a view can be shared or
 * bookmarked and Back undoes a change.
 */
export function ResourceListPage({ view }: { view: ResourceView }) {
  const { can } = useSession();
  const { query } = useLocation();
  const params = useListParams(`/api/${view.name}`);
  const filters = (params?.filters ?? []).filter((f) => !f.target || can('read', f.target));
  const sort = query.get('sort') ?? 'name';
  const order = query.get('order') === 'desc' ? 'desc' : 'asc';
  const q = query.get('q') ?? '';
  const active = Object.fromEntries(filters.map((f) => [f.param, query.get(f.param) ?? '']).filter(([, v]) => v));

  /** Change the URL's query (replacing the history entry while typing, pushing otherwise); reads the live URL, so a late debounced search keeps a filter chosen meanwhile. */
  const update = (patch: Record<string, string>, replace = false) => {
    const next = Object.fromEntries(new URLSearchParams(window.location.search).entries());
    for (const [k, v] of Object.entries(patch)) if (v) next[k] = v; else delete next[k];
    navigate(withQuery(view.path, next), { replace });
  };

  const [typed, setTyped] = useState(q);
  useEffect(() => { setTyped(q); }, [q]);
  useEffect(() => {
    if (typed === q) return;
    const timer = setTimeout(() => update({ q: typed }, true), 250);
    return () => clearTimeout(timer);
  }, [typed]); // only the typed text starts a search

  const list = useInfiniteQuery({
    queryKey: [view.name, 'list', q, active, sort, order],
    queryFn: ({ pageParam }) => get<Page<Obj>>(`/api/${view.name}`, { limit: 50, q, sort, order, cursor: pageParam, ...active }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled: params !== null,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;

  const refTargets = new Set(view.columns.map((c) => c.target).filter((t): t is string => !!t));
  const names = {
    systems: useNames('systems', refTargets.has('systems')),
    vendors: useNames('vendors', refTargets.has('vendors')),
  };
  const valueLabel = useValueLabel();
  const sortable = new Set(params?.sortKeys ?? []);
  const columns: TableColumn<Obj>[] = view.columns.map((c, i) => ({
    key: c.field,
    label: c.label,
    sortable: sortable.has(c.field),
    render: (row) => {
      if (i === 0) return <Link to={`${view.path}/${row.id}`}>{formatValue(row[c.field])}</Link>;
      if (c.kind === 'ref' && c.target) {
        const id = row[c.field];
        const o = typeof id === 'string' ? names[c.target as keyof typeof names]?.get(id) : undefined;
        return typeof id !== 'string' ? '—' : o ? <Link to={`/${c.target}/${id}`}>{o.name}</Link> : '…';
      }
      return formatValue(row[c.field]);
    },
  }));
  const anyFilter = q !== '' || Object.keys(active).length > 0;

  return (
    <section>
      <div className="page-head">
        <h1>{view.plural}</h1>
        {can('create', view.name) && <Link className="button primary" to={`${view.path}/new`}>New {view.label.toLowerCase()}</Link>}
      </div>
      <form className="filters" role="search" aria-label={`Filter ${view.plural.toLowerCase()}`} onSubmit={(e) => { e.preventDefault(); update({ q: typed }); }}>
        <div className="field">
          <label htmlFor="list-q">Search</label>
          <input id="list-q" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="name, slug…" maxLength={200} />
        </div>
        {filters.map((f) => <FilterSelect key={f.param} filter={f} value={active[f.param] ?? ''} valueLabel={valueLabel} onChange={(v) => update({ [f.param]: v })} />)}
        {anyFilter && (
          <div className="field">
            <button type="button" onClick={() => { setTyped(''); update({ q: '', ...Object.fromEntries(filters.map((f) => [f.param, ''])) }); }}>Clear filters</button>
          </div>
        )}
      </form>
      <ErrorBanner error={list.error} />
      <p className="muted" aria-live="polite">
        {list.isLoading ? 'Loading…' : total !== undefined ? `${total} ${total === 1 ? view.label.toLowerCase() : view.plural.toLowerCase()}${anyFilter ? ' match' : ''}` : ''}
      </p>
      <DataTable caption={view.plural} rows={rows} columns={columns} sort={sort} order={order}
        empty={anyFilter ? 'Nothing matches these filters.' : 'Nothing here yet.'}
        onSort={(key) => update(key === sort ? { order: order === 'asc' ? 'desc' : 'asc' } : { sort: key, order: 'asc' })} />
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : `Load more (${rows.length} of ${total ?? '?'} shown)`}
        </button>
      )}
    </section>
  );
}

/** One list filter as a select: the enum's values, yes/no, or the objects a reference may point at (by name). */
function FilterSelect({ filter, value, valueLabel, onChange }: {
  filter: ListFilter;
  value: string;
  valueLabel: (v: string) => string;
  onChange: (value: string) => void;
}) {
  const objects = useAll(filter.target ?? '', !!filter.target);
  const options: Array<[string, string]> = filter.target
    ? (objects.data ?? []).map((o) => [o.id, o.name])
    : filter.boolean ? [['true', 'yes'], ['false', 'no']] : (filter.options ?? []).map((o) => [o, valueLabel(o)]);
  const id = `filter-${filter.param}`;
  return (
    <div className="field">
      <label htmlFor={id}>{filter.label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </div>
  );
}
