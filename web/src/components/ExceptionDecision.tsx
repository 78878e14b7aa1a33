import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorFor, get } from '../api/client';
import type { ControlException } from '../api/evidence';
import { useSession } from '../auth/session';
import { ErrorBanner } from './ErrorBanner';

/**
 * The exception detail page's decision panel: its state (overdue review or expiry in words), and for owners and
 * ISMS managers, approve or reject a proposed exception (the server refuses whoever wrote it: separation of duties).
 */
export function ExceptionDecision({ id }: { id: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const exception = useQuery({ queryKey: ['control-exceptions', id], queryFn: () => get<ControlException>(`/api/control-exceptions/${id}`), retry: false });
  const x = exception.data;
  if (!x) return null;
  const decide = async (what: 'approve' | 'reject') => {
    setError(null);
    try {
      await api('POST', `/api/control-exceptions/${id}/${what}`, note.trim() ? { note } : what === 'approve' ? {} : { note });
      setNote('');
      await client.invalidateQueries({ queryKey: ['control-exceptions'] });
    } catch (err) { setError(err); }
  };
  return (
    <section aria-labelledby="exception-decision">
      <h2 id="exception-decision">Decision</h2>
      <p>
        Status: <strong>{x.status}</strong>
        {x.decidedBy && <> by {x.decidedBy} on {x.decidedAt?.slice(0, 10)}</>}
        {x.decisionNote && <>: {x.decisionNote}</>}
      </p>
      {x.reviewOverdue && <p className="warn">The review was due on {x.reviewOn}: review the exception and its compensating measures.</p>}
      {x.status === 'expired' && <p className="warn">Expired on {x.expiresOn}: the control applies again, or a new exception must be approved.</p>}
      {x.status === 'proposed' && can('create', 'exception-approval') && (
        <form onSubmit={(e) => e.preventDefault()} aria-label="Decide the exception">
          <div className="field">
            <label htmlFor="exception-note">Note (required to reject)</label>
            <textarea id="exception-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} aria-describedby="exception-note-error" />
            <span id="exception-note-error" className="error">{errorFor(error, 'note')}</span>
          </div>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void decide('approve')}>Approve</button>
            <button type="button" className="danger" onClick={() => void decide('reject')}>Reject</button>
          </div>
        </form>
      )}
      <ErrorBanner error={error} />
    </section>
  );
}
