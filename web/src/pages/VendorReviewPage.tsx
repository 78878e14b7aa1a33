import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorFor, get } from '../api/client';
import { changeText, REASON_LABELS, REVIEW_RESULTS, type VendorReview } from '../api/vendor-reviews';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { TenantNoticeTable } from '../components/TenantNoticeTable';
import { Link } from '../router';

const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '—');

/** One review task: why it was opened, the tenants reached with their notice, and completing or cancelling it with an outcome. */
export function VendorReviewPage({ id }: { id: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const review = useQuery({ queryKey: ['vendor-reviews', 'one', id], queryFn: () => get<VendorReview>(`/api/vendor-reviews/${id}`) });
  const [result, setResult] = useState<string>('approved');
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (action: 'complete' | 'cancel') => {
    setError(null);
    setBusy(true);
    try {
      const updated = await api<VendorReview>('POST', `/api/vendor-reviews/${id}/${action}`, action === 'complete' ? { result, outcome } : { outcome });
      client.setQueryData(['vendor-reviews', 'one', id], updated);
      await client.invalidateQueries({ queryKey: ['vendor-reviews'] });
      await client.invalidateQueries({ queryKey: ['vendors'] });
      setStatus(action === 'complete' ? 'Review completed; the vendor\u2019s review status is updated.' : 'Review cancelled.');
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  if (review.error) return <ErrorBanner error={review.error} />;
  if (!review.data) return <p aria-live="polite">Loading…</p>;
  const r = review.data;
  const open = r.status === 'open';
  return (
    <section>
      <div className="page-head">
        <h1>{REASON_LABELS[r.reason]}: {r.vendorId ? <Link to={`/vendors/${r.vendorId}`}>{r.vendorName}</Link> : r.vendorName}</h1>
      </div>
      <ErrorBanner error={error} fields={[{ name: 'outcome', label: 'the outcome', id: 'vr-outcome' }, { name: 'result', label: 'the result', id: 'vr-result' }]} />
      <p role="status">{status}</p>
      <dl className="fields">
        <div><dt>Status</dt><dd>{r.overdue ? <strong className="warn">open, overdue</strong> : r.status}</dd></div>
        <div><dt>Due</dt><dd>{r.dueOn}</dd></div>
        <div><dt>Opened</dt><dd>{when(r.openedAt)} by {r.openedBy}</dd></div>
        {r.changes.length > 0 && <div><dt>What changed</dt><dd><ul>{r.changes.map((c) => <li key={c.field}>{changeText(c)}</li>)}</ul></dd></div>}
        {!open && <div><dt>Closed</dt><dd>{when(r.closedAt)} by {r.closedBy}</dd></div>}
        {r.result && <div><dt>Result</dt><dd>{r.result}</dd></div>}
        {!open && <div><dt>Outcome</dt><dd>{r.outcome}</dd></div>}
        <div><dt>Earliest effective date</dt><dd>{r.earliestEffectiveOn ?? '— (no tenant has a notice period recorded)'}</dd></div>
      </dl>
      <h2>Tenants whose data reaches {r.vendorName}</h2>
      <p className="muted">{open ? `As of today (${r.tenantsReachedOn}), from the ISMS graph.` : `As recorded when the review was closed (${r.tenantsReachedOn}).`}</p>
      <TenantNoticeTable tenants={r.tenantsReached} caption={`Tenants whose data reaches ${r.vendorName}`} />

      {open && can('update', 'vendor-reviews') && (
        <form className="inline-form" aria-labelledby="vr-complete" onSubmit={(e) => e.preventDefault()}>
          <h2 id="vr-complete">Complete the review</h2>
          <Field id="vr-result" label="Result" required help="Becomes the vendor's review status." error={errorFor(error, 'result')}>
            {(f) => <select {...f} value={result} onChange={(e) => setResult(e.target.value)}>{REVIEW_RESULTS.map((x) => <option key={x} value={x}>{x}</option>)}</select>}
          </Field>
          <Field id="vr-outcome" label="Outcome" required help="What was checked, the conditions, which tenants were notified and when." error={errorFor(error, 'outcome')}>
            {(f) => <textarea {...f} value={outcome} maxLength={4000} onChange={(e) => setOutcome(e.target.value)} />}
          </Field>
          <button type="button" className="primary" disabled={busy} onClick={() => void act('complete')}>Complete</button>{' '}
          <button type="button" className="danger" disabled={busy} onClick={() => void act('cancel')}>Cancel the review (outcome says why)</button>
        </form>
      )}
    </section>
  );
}
