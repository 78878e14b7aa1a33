import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorFor, get, withQuery } from '../api/client';
import { KIND_LABELS, type ScopeChangeRequest } from '../api/scope';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { StatementBody } from '../components/ScopeStatementView';
import { Link } from '../router';

const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '—');

/**
 * One scope change request: the change, its ISMS impact, the proposed statement, and the actions the API
 * says this viewer may take now (`allowed`: role, status, and never deciding one's own request).
 */
export function ScopeChangePage({ id }: { id: string }) {
  const client = useQueryClient();
  const cr = useQuery({ queryKey: ['scope', 'change', id], queryFn: () => get<ScopeChangeRequest>(`/api/scope/change-requests/${id}`) });
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (action: 'submit' | 'approve' | 'reject' | 'withdraw', done: string) => {
    setError(null);
    setBusy(true);
    try {
      const body = action === 'approve' ? { note } : action === 'reject' ? { note } : undefined;
      const updated = await api<ScopeChangeRequest>('POST', `/api/scope/change-requests/${id}/${action}`, body);
      client.setQueryData(['scope', 'change', id], updated);
      await client.invalidateQueries({ queryKey: ['scope'] });
      setNote('');
      setStatus(done);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  if (cr.error) return <ErrorBanner error={cr.error} />;
  if (!cr.data) return <p aria-live="polite">Loading…</p>;
  const c = cr.data;
  const a = c.allowed;
  return (
    <section>
      <div className="page-head">
        <h1>SCR-{c.number} {c.title}</h1>
        <div className="actions">
          {a.edit && <Link className="button" to={`/scope/changes/${c.id}/edit`}>Edit</Link>}
          {a.submit && <button type="button" className="primary" disabled={busy} onClick={() => void act('submit', 'Submitted for sign-off.')}>Submit for sign-off</button>}
          {a.withdraw && <button type="button" className="danger" disabled={busy} onClick={() => void act('withdraw', 'Withdrawn.')}>Withdraw</button>}
        </div>
      </div>
      <ErrorBanner error={error} fields={[{ name: 'note', label: 'the decision note', id: 'cr-note' }]} />
      <p role="status">{status}</p>
      <dl className="fields">
        <div><dt>Status</dt><dd>{c.status}</dd></div>
        <div><dt>Kind</dt><dd>{KIND_LABELS[c.kind]}</dd></div>
        <div><dt>Requested</dt><dd>{when(c.requestedAt)} by {c.requestedBy}</dd></div>
        <div><dt>Submitted</dt><dd>{when(c.submittedAt)}</dd></div>
        <div><dt>Written against</dt><dd>{c.baseVersion ? <Link to={withQuery('/scope/statement', { version: c.baseVersion })}>version {c.baseVersion}</Link> : 'no statement yet'}</dd></div>
        <div><dt>Decided</dt><dd>{c.decidedAt ? `${when(c.decidedAt)} by ${c.decidedBy}` : '—'}</dd></div>
        {c.decisionNote && <div><dt>Decision note</dt><dd>{c.decisionNote}</dd></div>}
        {c.resultingVersion && <div><dt>Created</dt><dd><Link to={withQuery('/scope/statement', { from: c.resultingVersion - 1, to: c.resultingVersion })}>version {c.resultingVersion} (what changed)</Link></dd></div>}
        <div><dt>Description</dt><dd>{c.description || '—'}</dd></div>
      </dl>

      {(a.approve || a.reject) && (
        <form className="inline-form" aria-labelledby="decide" onSubmit={(e) => e.preventDefault()}>
          <h2 id="decide">Sign-off</h2>
          <Field id="cr-note" label="Decision note" help="Optional for an approval (conditions, reasons); required to reject." error={errorFor(error, 'note')}>
            {(f) => <textarea {...f} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          {a.approve && <button type="button" className="primary" disabled={busy} onClick={() => void act('approve', 'Approved: the new version of the scope statement is current.')}>Approve: create the next version</button>}{' '}
          {a.reject && <button type="button" className="danger" disabled={busy} onClick={() => void act('reject', 'Rejected.')}>Reject</button>}
        </form>
      )}
      {c.status === 'submitted' && !a.approve && <p className="muted">Waiting for sign-off by an owner or ISMS manager other than the requester.</p>}

      <h2>ISMS impact</h2>
      <dl className="fields">
        <div><dt>Affected assets and systems</dt><dd>{c.impact.assets || '—'}</dd></div>
        <div><dt>Risks</dt><dd>{c.impact.risks || '—'}</dd></div>
        <div><dt>Controls</dt><dd>{c.impact.controls || '—'}</dd></div>
        <div><dt>Tenants affected</dt><dd>{c.impact.tenants || '—'}</dd></div>
      </dl>
      <h2>Proposed scope statement</h2>
      <StatementBody statement={c.proposed} headingLevel={3} />
    </section>
  );
}
