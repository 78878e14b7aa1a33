import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api/client';
import { applicableLabel, exportLinks, percent, type SoaDiff, type SoaVersion, type SoaVersionSummary } from '../api/soa';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { Link, navigate } from '../router';

/** Approved versions of the SoA, newest first; owners and ISMS managers approve the current SoA as the next one. */
export function SoaVersionsPage() {
  const { can } = useSession();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['soa', 'versions'], queryFn: () => get<{ items: SoaVersionSummary[]; total: number }>('/api/soa/versions', { limit: 200 }), retry: false });
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const approve = async () => {
    setError(null);
    setBusy(true);
    try {
      const v = await api<SoaVersion>('POST', '/api/soa/versions', { note });
      await client.invalidateQueries({ queryKey: ['soa'] });
      navigate(`/soa/versions/${v.version}`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <section>
      <div className="page-head"><h1>Approved SoA versions</h1><p><Link to="/soa">Current SoA</Link></p></div>
      <p className="muted">An approved version is a frozen, dated snapshot of the whole Statement of Applicability; it is never changed afterwards.</p>
      {can('create', 'soa-approval') && (
        <form className="inline-form" aria-label="Approve the current SoA" onSubmit={(e) => { e.preventDefault(); void approve(); }}>
          <ErrorBanner error={error} />
          <Field id="soa-approval-note" label="What this approval covers" help="For example: management review of 2026-Q4.">
            {(control) => <input {...control} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Approving…' : 'Approve the current SoA as a new version'}</button>
        </form>
      )}
      <ErrorBanner error={list.error} />
      <DataTable caption="Approved versions" rows={(list.data?.items ?? []).map((v) => ({ ...v, id: String(v.version) }))} empty="No version has been approved yet." columns={[
        { key: 'version', label: 'Version', render: (v) => <Link to={`/soa/versions/${v.version}`}>Version {v.version}</Link> },
        { key: 'approvedAt', label: 'Approved', render: (v) => <time dateTime={v.approvedAt}>{new Date(v.approvedAt).toLocaleString()}</time> },
        { key: 'approvedBy', label: 'By', render: (v) => v.approvedBy },
        { key: 'note', label: 'Note', render: (v) => v.note },
        { key: 'coverage', label: 'Coverage', render: (v) => `${percent(v.summary.coverage)} (${v.summary.applicable} applicable, ${v.summary.undecided} undecided)` },
      ]} />
    </section>
  );
}

/** One approved version: its frozen rows, its exports and what changed since the version before. */
export function SoaVersionPage({ version }: { version: number }) {
  const v = useQuery({ queryKey: ['soa', 'versions', version], queryFn: () => get<SoaVersion>(`/api/soa/versions/${version}`), retry: false });
  const diff = useQuery({ queryKey: ['soa', 'versions', version, 'diff'], queryFn: () => get<SoaDiff>(`/api/soa/versions/${version}/diff`), retry: false });
  const d = v.data;
  return (
    <section>
      <div className="page-head">
        <h1>SoA version {version}</h1>
        <p>{exportLinks(`?version=${version}`, `soa-v${version}`).map((l) => <span key={l.href}><a className="button" href={l.href} download={l.download}>{l.label}</a>{' '}</span>)}<Link to="/soa/versions">All versions</Link></p>
      </div>
      <ErrorBanner error={v.error} />
      {d && (
        <>
          <p>Approved <time dateTime={d.approvedAt}>{new Date(d.approvedAt).toLocaleString()}</time> by {d.approvedBy}{d.note ? `: ${d.note}` : ''}. Coverage {percent(d.summary.coverage)}; {d.summary.applicable} applicable, {d.summary.notApplicable} not applicable, {d.summary.undecided} undecided.</p>
          <h2>Changes since {version > 1 ? `version ${version - 1}` : 'nothing (first version)'}</h2>
          {diff.data && (diff.data.changes.length === 0 ? <p className="muted">No change.</p> : (
            <ul>{diff.data.changes.map((c) => <li key={c.controlId}><strong>{c.controlId}</strong> {c.title}: {c.changes.map((x) => `${x.field} “${x.from}” → “${x.to}”`).join('; ')}</li>)}</ul>
          ))}
          <h2>Rows</h2>
          <DataTable caption={`SoA version ${version}`} rows={d.rows.map((r) => ({ ...r, id: r.controlId }))} columns={[
            { key: 'control', label: 'Control', render: (r) => <strong>{r.controlId}</strong> },
            { key: 'title', label: 'Title', render: (r) => r.title },
            { key: 'applicable', label: 'Applicable', render: (r) => applicableLabel(r) },
            { key: 'justification', label: 'Justification', render: (r) => `${r.reasons.join(', ')}${r.reasons.length && r.justification ? ': ' : ''}${r.justification}` },
            { key: 'status', label: 'Status', render: (r) => r.status ?? 'none' },
            { key: 'implementations', label: 'Implementation', render: (r) => r.implementations.map((i) => `${i.name} (${i.layer}, ${i.status})`).join('; ') },
            { key: 'gdpr', label: 'GDPR', render: (r) => r.gdpr.map((g) => `Art. ${g.gdpr}`).join(', ') },
          ]} />
        </>
      )}
    </section>
  );
}
