import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, withQuery } from '../api/client';
import { useAll } from '../api/names';
import type { Page } from '../api/types';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

interface LedgerEvent {
  id: string; index: number; time: string; source: string; sourceEventId: string; tenant: string | null; actor: string;
  actorType: string; action: string; target: string | null; outcome: string; details: Record<string, unknown> | null; expired: boolean;
}

const ACTIONS = ['authentication', 'admin-action', 'config-change', 'privilege-change', 'restore', 'data-access', 'export', 'break-glass'];
const OUTCOMES = ['success', 'failure', 'denied', 'unknown'];

/**
 * The ledger explorer: events from the provider's tools, filtered for an investigation ("who restored this
 * server last month?", "did anyone outside us touch this tenant's mailbox?"), newest first, with CSV export.
 */
export function LedgerPage() {
  const { me, can } = useSession();
  const viewer = me?.role === 'tenant-viewer';
  const tenants = useAll('tenants');
  const systems = useAll('systems', can('read', 'systems'));
  const [f, setF] = useState({ tenant: '', system: '', actor: '', actorType: '', action: '', outcome: '', from: '', to: '' });
  const query = { ...f, from: f.from ? new Date(f.from).toISOString() : '', to: f.to ? new Date(f.to).toISOString() : '' };
  const events = useInfiniteQuery({
    queryKey: ['events', query],
    queryFn: ({ pageParam }) => get<Page<LedgerEvent>>('/api/events', { ...query, limit: 100, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = (events.data?.pages.flatMap((p) => p.items) ?? []).map((e) => ({ ...e, id: String(e.index) }));
  const input = (key: keyof typeof f, label: string, el: 'text' | 'datetime-local' = 'text') => (
    <div className="field"><label htmlFor={`ev-${key}`}>{label}</label><input id={`ev-${key}`} type={el} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })} /></div>
  );
  const select = (key: keyof typeof f, label: string, options: Array<[string, string]>) => (
    <div className="field"><label htmlFor={`ev-${key}`}>{label}</label>
      <select id={`ev-${key}`} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })}>
        <option value="">any</option>{options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select></div>
  );
  return (
    <section>
      <h1>Ledger: events</h1>
      <p>Every event the provider&apos;s tools reported{viewer ? ' about your tenant' : ''}, in a tamper-evident log.</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {!viewer && select('tenant', 'Tenant', (tenants.data ?? []).map((t) => [t.slug, t.name]))}
        {can('read', 'systems') && select('system', 'System', (systems.data ?? []).map((s) => [s.slug, s.name]))}
        {input('actor', 'Actor (exact)')}
        {select('actorType', 'Actor is', [['internal', 'internal (our staff)'], ['external', 'external']])}
        {select('action', 'Action', ACTIONS.map((a) => [a, a]))}
        {select('outcome', 'Outcome', OUTCOMES.map((o) => [o, o]))}
        {input('from', 'From', 'datetime-local')}
        {input('to', 'Before', 'datetime-local')}
      </form>
      <p>
        <a className="button" href={withQuery('/api/events.csv', query)} download="events.csv">Export CSV</a>{' '}
        <Link to="/ledger/checkpoints">Signed checkpoints and proofs</Link>
      </p>
      <ErrorBanner error={events.error} />
      <DataTable caption="Events" rows={rows} empty="No events match." columns={[
        { key: 'time', label: 'When', render: (e) => <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time> },
        { key: 'tenant', label: 'Tenant', render: (e) => e.tenant ?? '—' },
        { key: 'actor', label: 'Actor', render: (e) => (e.expired ? <em>expired</em> : `${e.actor} (${e.actorType})`) },
        { key: 'action', label: 'Action', render: (e) => e.action },
        { key: 'target', label: 'System', render: (e) => e.target ?? '—' },
        { key: 'outcome', label: 'Outcome', render: (e) => e.outcome },
        { key: 'source', label: 'Source', render: (e) => `${e.source} #${e.sourceEventId}` },
        { key: 'index', label: 'Entry', render: (e) => <Link to={`/ledger/entries/${e.index}`}>{e.index} (proof)</Link> },
      ]} />
      {events.hasNextPage && <button type="button" onClick={() => void events.fetchNextPage()}>Load more</button>}
    </section>
  );
}
