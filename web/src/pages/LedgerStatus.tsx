import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

interface Checkpoint { treeSize: number; rootHash: string; signedAt: string; keyId: string }
interface Verification { ok: boolean; treeSize: number; entriesChecked: number; entriesExpired: number; checkpointsChecked: number; problem: { kind: string; at: string; message: string } | null }

/** The ledger on the dashboard: the last signed checkpoint, and a full verification on demand. */
export function LedgerStatus() {
  const { can } = useSession();
  const latest = useQuery({ queryKey: ['checkpoint', 'latest'], queryFn: () => get<Checkpoint>('/api/ledger/checkpoints/latest') });
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(null);
    try { setResult(await api<Verification>('POST', '/api/ledger/verify')); } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const c = latest.data;
  return (
    <section aria-labelledby="ledger-status">
      <h2 id="ledger-status">Ledger</h2>
      <ErrorBanner error={latest.error ?? error} />
      {c && (
        <p>
          Last signed checkpoint: <strong>{c.treeSize}</strong> entries, signed <time dateTime={c.signedAt}>{new Date(c.signedAt).toLocaleString()}</time>,
          root <code title={c.rootHash}>{c.rootHash.slice(0, 16)}…</code> (<Link to="/ledger/checkpoints">all checkpoints</Link>)
        </p>
      )}
      {can('read', 'ledger-verify') && (
        <p>
          <button type="button" onClick={() => void verify()} disabled={busy}>{busy ? 'Verifying…' : 'Verify the whole ledger now'}</button>{' '}
          <span role="status">
            {result && (result.ok
              ? <strong className="ok">Verified: {result.entriesChecked} entries ({result.entriesExpired} expired by retention), {result.checkpointsChecked} checkpoints, nothing altered.</strong>
              : <strong className="warn">Verification FAILED at {result.problem?.kind} {result.problem?.at}: {result.problem?.message}</strong>)}
          </span>
        </p>
      )}
    </section>
  );
}
