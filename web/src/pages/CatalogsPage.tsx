import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api/client';
import type { CatalogSummary } from '../api/catalogs';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

/** The shipped catalogs and the organization's own frameworks; OSCAL downloads; adding and deleting frameworks. */
export function CatalogsPage() {
  const { can } = useSession();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['catalogs'], queryFn: () => get<CatalogSummary[]>('/api/catalogs') });
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const remove = async (c: CatalogSummary) => {
    if (!c.frameworkId || !window.confirm(`Delete the framework ${c.name} (${c.id})? Its ${c.controlCount} controls go with it.`)) return;
    setError(null);
    try {
      await api('DELETE', `/api/frameworks/${c.frameworkId}`);
      setStatus(`Deleted ${c.id}.`);
      await client.invalidateQueries({ queryKey: ['catalogs'] });
    } catch (err) { setError(err); }
  };
  return (
    <section>
      <div className="page-head">
        <h1>Catalogs</h1>
        {can('create', 'frameworks') && <Link to="/frameworks/new" className="button primary">Add a framework</Link>}
      </div>
      <p className="lead">
        The frameworks controls are documented against. ISO/IEC 27001:2022 and the other ISO catalogs list identifiers and
        headings only (the standards' text is ISO&apos;s); the Annex A → GDPR links are tenantproof&apos;s own mapping, to be reviewed by your DPO.
      </p>
      <ErrorBanner error={list.error ?? error} />
      <p role="status">{status}</p>
      <DataTable caption="Catalogs" rows={list.data ?? []} empty={list.isLoading ? 'Loading…' : 'No catalogs.'} columns={[
        { key: 'name', label: 'Framework', render: (c) => <Link to={`/catalogs/${c.id}`}>{c.name}</Link> },
        { key: 'id', label: 'Id', render: (c) => <code>{c.id}</code> },
        { key: 'version', label: 'Version', render: (c) => c.version },
        { key: 'controls', label: 'Controls', render: (c) => c.controlCount },
        { key: 'source', label: 'Source', render: (c) => (c.source === 'shipped' ? 'shipped with tenantproof' : `added by ${c.createdBy ?? '…'}${c.createdAt ? `, ${new Date(c.createdAt).toLocaleDateString()}` : ''}`) },
        { key: 'actions', label: 'Actions', render: (c) => (c.source === 'organization' && can('delete', 'frameworks')
          ? <button type="button" onClick={() => void remove(c)}>Delete<span className="visually-hidden"> {c.name}</span></button> : null) },
      ]} />
      {can('read', 'oscal') && (
        <>
          <h2>OSCAL exports</h2>
          <p>NIST OSCAL 1.2.1 JSON, for tools that read machine-readable controls and implementations.</p>
          <ul>
            <li><a href="/api/oscal/catalog" download>ISO/IEC 27001:2022 Annex A catalog</a> (identifiers, headings and themes)</li>
            {can('read', 'control-implementations') && <li><a href="/api/oscal/component-definition" download>Component definition</a> (how the shared platform and each service implement Annex A)</li>}
          </ul>
        </>
      )}
    </section>
  );
}
