/** A background verification of the whole ledger, as GET /api/ledger/verifications serves it. */
export interface VerificationRun {
  id: string;
  status: 'running' | 'passed' | 'failed' | 'interrupted' | 'error';
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string;
  treeSize: number;
  entriesChecked: number;
  entriesExpired: number;
  checkpointsChecked: number;
  problem: { kind: string; at: string; message: string } | null;
  error: string | null;
}

export function When({ at }: { at: string }) {
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}

/** A run's state in one sentence: its progress while running, its result once ended. */
export function RunOutcome({ run }: { run: VerificationRun }) {
  switch (run.status) {
    case 'running': {
      const pct = run.treeSize ? Math.floor((100 * run.entriesChecked) / run.treeSize) : 0;
      return (
        <span>
          <progress value={run.entriesChecked} max={Math.max(1, run.treeSize)} aria-label="Verification progress" />{' '}
          Verifying: {run.entriesChecked.toLocaleString()} of {run.treeSize.toLocaleString()} entries ({pct}%)
        </span>
      );
    }
    case 'passed':
      return <strong className="ok">Verified: {run.entriesChecked} entries ({run.entriesExpired} expired by retention), {run.checkpointsChecked} {run.checkpointsChecked === 1 ? 'checkpoint' : 'checkpoints'}, nothing altered.</strong>;
    case 'failed':
      return <strong className="warn">Verification FAILED at {run.problem?.kind} {run.problem?.at}: {run.problem?.message}</strong>;
    case 'interrupted':
      return <strong className="warn">Interrupted after {run.entriesChecked} of {run.treeSize} entries: {run.error}. Start it again.</strong>;
    default:
      return <strong className="warn">Could not finish: {run.error}</strong>;
  }
}
