import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';
import { RunOutcome, When, type VerificationRun } from '../components/VerificationRun';

interface Checkpoint { treeSize: number; rootHash: string; signedAt: string; keyId: string }

/** Refresh a running verification's progress this often. */
const POLL_MS = 1000;

/**
 * The ledger on the dashboard: the last signed checkpoint, and the last verification of the whole ledger (its
 * progress while it runs in the server's background; its result once ended), with a button to start one.
 */
export function LedgerStatus() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const latest = useQuery({ queryKey: ['checkpoint', 'latest'], queryFn: () => get<Checkpoint>('/api/ledger/checkpoints/latest') });
  const mayVerify = can('read', 'ledger-verify');
  const last = useQuery({
    queryKey: ['verifications', 'last'],
    queryFn: async () => (await get<{ items: VerificationRun[] }>('/api/ledger/verifications', { limit: 1 })).items[0] ?? null,
    enabled: mayVerify,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const verify = async () => {
    setStarting(true);
    setError(null);
    try {
      const run = await api<VerificationRun>('POST', '/api/ledger/verifications');
      queryClient.setQueryData(['verifications', 'last'], run);
      void queryClient.invalidateQueries({ queryKey: ['verifications'] });
    } catch (err) { setError(err); } finally { setStarting(false); }
  };
  const c = latest.data;
  const run = last.data;
  const running = run?.status === 'running';
  return (
    <section aria-labelledby="ledger-status">
      <h2 id="ledger-status">Ledger</h2>
      <ErrorBanner error={latest.error ?? last.error ?? error} />
      {c && (
        <p>
          Last signed checkpoint: <strong>{c.treeSize}</strong> entries, signed <When at={c.signedAt} />,
          root <code title={c.rootHash}>{c.rootHash.slice(0, 16)}…</code> (<Link to="/ledger/checkpoints">all checkpoints</Link>)
        </p>
      )}
      {mayVerify && (
        <>
          <p role="status">
            {run
              ? <>Last verification, started <When at={run.startedAt} /> by {run.requestedBy}: <RunOutcome run={run} /></>
              : last.isSuccess && 'The ledger has not been verified yet.'}
          </p>
          <p>
            <button type="button" onClick={() => void verify()} disabled={starting || running}>{running ? 'Verifying…' : 'Verify the whole ledger now'}</button>{' '}
            <Link to="/ledger/verifications">all verifications</Link>
          </p>
        </>
      )}
    </section>
  );
}
