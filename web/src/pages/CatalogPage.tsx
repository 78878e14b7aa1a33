import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { get } from '../api/client';
import type { CatalogControl, CatalogDetail, GdprLink } from '../api/catalogs';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

function matches(c: CatalogControl, q: string): boolean {
  if (!q) return true;
  const hay = [c.id, `A.${c.id}`, c.title, c.description ?? '', ...(c.gdpr ?? []).flatMap((g) => [`Art. ${g.gdpr}`, g.gdpr, g.articleTitle, g.reason])].join(' ').toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/** A control's GDPR links grouped by their reason (one line per reason), in mapping order. */
function byReason(links: GdprLink[]): Array<[string, GdprLink[]]> {
  const out = new Map<string, GdprLink[]>();
  for (const l of links) out.set(l.reason, [...(out.get(l.reason) ?? []), l]);
  return [...out];
}

/** One catalog: its controls by group (theme, objective, chapter) with a search box; Annex A controls show their GDPR links. */
export function CatalogPage({ id }: { id: string }) {
  const data = useQuery({ queryKey: ['catalog', id], queryFn: () => get<CatalogDetail>(`/api/catalogs/${encodeURIComponent(id)}`) });
  const [q, setQ] = useState('');
  const cat = data.data;
  const groups = useMemo(() => {
    if (!cat) return [];
    const known = cat.groups.map((g) => ({ ...g, controls: cat.controls.filter((c) => c.group === g.id && matches(c, q)) }));
    const loose = cat.controls.filter((c) => !c.group && matches(c, q));
    return [...known, ...(loose.length ? [{ id: '', title: 'Other controls', controls: loose }] : [])].filter((g) => g.controls.length > 0);
  }, [cat, q]);
  const shown = groups.reduce((n, g) => n + g.controls.length, 0);
  const annexA = id === 'iso27001-2022';
  return (
    <section>
      <p><Link to="/catalogs">← Catalogs</Link></p>
      <ErrorBanner error={data.error} />
      {cat && (
        <>
          <h1>{cat.name}</h1>
          <p className="muted">
            <code>{cat.id}</code> · version {cat.version} · {cat.controlCount} {annexA ? 'controls' : id === 'gdpr' ? 'articles' : 'controls'} · {cat.source === 'shipped' ? 'shipped with tenantproof' : `added by ${cat.createdBy ?? '…'}`}
          </p>
          <p><small className="help">Provenance: {cat.provenance}</small></p>
          {cat.note && <p><small className="help">{cat.note}</small></p>}
          {annexA && <p className="notice">GDPR links are tenantproof&apos;s own mapping (which articles and principles each control supports, and why); have your DPO review them before relying on them.</p>}
          <div className="field">
            <label htmlFor="catalog-q">Search {annexA ? 'controls and GDPR articles' : 'controls'}</label>
            <input id="catalog-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={annexA ? 'e.g. access, 8.24, Art. 32' : 'id or words of a heading'} />
          </div>
          <p className="muted" aria-live="polite">{q ? `${shown} of ${cat.controls.length} shown` : ''}</p>
          {groups.map((g) => (
            <section key={g.id || 'other'} aria-labelledby={`group-${g.id || 'other'}`}>
              <h2 id={`group-${g.id || 'other'}`}>{g.title}</h2>
              <dl className="catalog-controls">
                {g.controls.map((c) => (
                  <div key={c.id} className="catalog-control">
                    <dt><code>{annexA ? `A.${c.id}` : id === 'gdpr' ? `Art. ${c.id}` : c.id}</code> {c.title}</dt>
                    {c.description && <dd>{c.description}</dd>}
                    {byReason(c.gdpr ?? []).map(([reason, links]) => (
                      <dd key={reason}>
                        <span className="muted">Supports GDPR </span>
                        {links.map((l, i) => <span key={l.gdpr}>{i > 0 ? ', ' : ''}<abbr title={l.articleTitle}>Art. {l.gdpr}</abbr></span>)}
                        {': '}{reason}
                      </dd>
                    ))}
                    {annexA && c.gdpr && c.gdpr.length === 0 && <dd className="muted">No GDPR link in the mapping.</dd>}
                  </div>
                ))}
              </dl>
            </section>
          ))}
          {cat.clauses && !q && (
            <details>
              <summary>Clauses 4–10 (management-system requirements)</summary>
              <ul>
                {cat.clauses.map((c) => <li key={c.id} style={{ marginLeft: `${(c.level - 1) * 1.2}em` }}><code>{c.id}</code> {c.title}</li>)}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  );
}
