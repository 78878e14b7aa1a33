import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { get, withQuery } from '../api/client';
import type { BlastRadiusEntry } from '../api/analysis';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { ObjectLink } from '../components/ObjectPath';
import { Link, navigate, useLocation } from '../router';

interface BlastPage { weights: { A: number; B: number; C: number }; items: BlastRadiusEntry[]; nextCursor: string | null; total: number }
const BASE = '/scope/blast-radius';
const TIERS = ['A', 'B', 'C'] as const;

/** Shared systems and vendors ranked by the tenants their compromise would expose; tier weights in the URL. */
export function BlastRadiusPage() {
  const { query } = useLocation();
  const weights = { weightA: query.get('weightA') ?? '', weightB: query.get('weightB') ?? '', weightC: query.get('weightC') ?? '' };
  const list = useInfiniteQuery({
    queryKey: ['scope', 'blast-radius', weights],
    queryFn: ({ pageParam }) => get<BlastPage>('/api/scope/blast-radius', { ...weights, limit: 100, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const first = list.data?.pages[0];
  const rows = (list.data?.pages.flatMap((p) => p.items) ?? []).map((e) => ({ ...e, id: e.component.id }));
  return (
    <section>
      <h1>Blast radius</h1>
      <p>If one of these shared systems or vendors were compromised, these tenants would be exposed: the tenants whose data it holds or receives through flows, plus, for a system that deploys to production or grants administrative access, the tenants of everything it controls, and for a vendor, the tenants of every system it hosts. The score weighs each tenant by its tier.</p>
      <form className="filters" aria-label="Tier weights" onSubmit={(e) => e.preventDefault()}>
        {TIERS.map((t) => (
          <div className="field" key={t}>
            <label htmlFor={`weight-${t}`}>Weight of a tier-{t} tenant</label>
            <input id={`weight-${t}`} type="number" min={0} max={1000} step={1} placeholder={String(first?.weights[t] ?? '')} value={weights[`weight${t}`]}
              onChange={(e) => navigate(withQuery(BASE, { ...weights, [`weight${t}`]: e.target.value }), { replace: true })} />
          </div>
        ))}
      </form>
      <ErrorBanner error={list.error} />
      <p className="muted" aria-live="polite">{list.isLoading ? 'Loading…' : first ? `${first.total} shared ${first.total === 1 ? 'component' : 'components'}; weights A ${first.weights.A}, B ${first.weights.B}, C ${first.weights.C}` : ''}</p>
      <DataTable caption="Blast radius ranking" rows={rows} empty="No system or vendor is shared by two tenants or more." columns={[
        { key: 'rank', label: 'Rank', render: (e) => rows.indexOf(e) + 1 },
        { key: 'component', label: 'Component', render: (e) => <ObjectLink object={e.component} /> },
        { key: 'tenants', label: 'Tenants exposed', render: (e) => e.tenants },
        ...TIERS.map((t) => ({ key: `tier${t}`, label: `Tier ${t}`, render: (e: BlastRadiusEntry) => e.byTier[t] })),
        { key: 'score', label: 'Score', render: (e) => <strong>{e.score}</strong> },
        { key: 'through', label: 'Of which indirectly', render: (e) => (e.throughControl ? `${e.throughControl} through what it deploys to or administers` : e.throughHosting ? `${e.throughHosting} through systems it hosts` : '—') },
        { key: 'findings', label: 'Findings', render: (e) => <Link to={withQuery('/scope/findings', { object: e.component.id })}>findings</Link> },
      ]} />
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : `Load more (${rows.length} of ${first?.total ?? '?'} shown)`}
        </button>
      )}
    </section>
  );
}
