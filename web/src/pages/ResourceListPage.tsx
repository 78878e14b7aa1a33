import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import { useNames } from '../api/names';
import type { Obj, Page } from '../api/types';
import { useSession } from '../auth/session';
import { DataTable, formatValue, type TableColumn } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link, useLocation } from '../router';
import type { ResourceView } from '../resources';

/** Any kind of ISMS object as a table: search, filters, server-side sort, and paging with "Load more". */
export function ResourceListPage({ view }: { view: ResourceView }) {
  const { can } = useSession();
  const { query } = useLocation();
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<Record<string, string>>(() =>
    Object.fromEntries(view.filters.map((f) => [f.param, query.get(f.param) ?? ''])));
  const [sort, setSort] = useState('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const systems = useNames('systems', view.name === 'data-flows');
  const vendors = useNames('vendors', view.name === 'data-flows');

  const list = useInfiniteQuery({
    queryKey: [view.name, 'list', q, filters, sort, order],
    queryFn: ({ pageParam }) => get<Page<Obj>>(`/api/${view.name}`, { limit: 50, q, sort, order, cursor: pageParam, ...filters }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;

  const refName = (field: string, id: unknown) => {
    if (typeof id !== 'string') return '—';
    const target = field.startsWith('toVendor') ? vendors : systems;
    const o = target.get(id);
    return o ? <Link to={`/${field.startsWith('toVendor') ? 'vendors' : 'systems'}/${id}`}>{o.name}</Link> : '…';
  };
  const columns: TableColumn<Obj>[] = view.columns.map((c, i) => ({
    key: c.field,
    label: c.label,
    sortable: c.sortable,
    render: (row) => (i === 0 ? <Link to={`${view.path}/${row.id}`}>{formatValue(row[c.field])}</Link>
      : c.kind === 'ref' ? refName(c.field, row[c.field]) : formatValue(row[c.field])),
  }));

  return (
    <section>
      <div className="page-head">
        <h1>{view.plural}</h1>
        {can('create', view.name) && <Link className="button primary" to={`${view.path}/new`}>New {view.label.toLowerCase()}</Link>}
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="list-q">Search</label>
          <input id="list-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name, slug…" />
        </div>
        {view.filters.map((f) => (
          <div className="field" key={f.param}>
            <label htmlFor={`filter-${f.param}`}>{f.label}</label>
            <select id={`filter-${f.param}`} value={filters[f.param] ?? ''} onChange={(e) => setFilters((prev) => ({ ...prev, [f.param]: e.target.value }))}>
              <option value="">any</option>
              {(f.options === 'boolean' ? ['true', 'false'] : f.options).map((o) => <option key={o} value={o}>{f.options === 'boolean' ? (o === 'true' ? 'yes' : 'no') : o}</option>)}
            </select>
          </div>
        ))}
      </form>
      <ErrorBanner error={list.error} />
      <p className="muted" aria-live="polite">{list.isLoading ? 'Loading…' : total !== undefined ? `${total} ${view.plural.toLowerCase()}` : ''}</p>
      <DataTable caption={view.plural} rows={rows} columns={columns} sort={sort} order={order}
        onSort={(key) => { if (key === sort) setOrder(order === 'asc' ? 'desc' : 'asc'); else { setSort(key); setOrder('asc'); } }} />
      {list.hasNextPage && <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>{list.isFetchingNextPage ? 'Loading…' : 'Load more'}</button>}
    </section>
  );
}
