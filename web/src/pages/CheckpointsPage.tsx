import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, get } from '../api/client';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';

interface Checkpoint { orgId: string; treeSize: number; rootHash: string; signedAt: string; keyId: string; signature: string }
interface Verdict {
  ok: boolean; genuine: boolean | null; consistent: boolean | null;
  problem: { code: string; field: string; message: string } | null; treeSize: number | null;
}

function downloadUrl(value: unknown): string {
  return URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
}

/**
 * Signed checkpoints, for customers and auditors to keep; the consistency proof between two of them; the public
 * keys; and the check of a checkpoint kept earlier (a forged or cut ledger is named precisely).
 */
export function CheckpointsPage() {
  const list = useInfiniteQuery({
    queryKey: ['checkpoints'],
    queryFn: ({ pageParam }) => get<{ items: Checkpoint[]; nextCursor: string | null }>('/api/ledger/checkpoints', { limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = (list.data?.pages.flatMap((p) => p.items) ?? []).map((c) => ({ ...c, id: `${c.treeSize}-${c.signedAt}` }));
  const [kept, setKept] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [proof, setProof] = useState<{ from: string; to: string; url?: string }>({ from: '', to: '' });

  const check = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setVerdict(null);
    let body: unknown;
    try { body = JSON.parse(kept); } catch { setError(new Error('Paste the checkpoint as JSON (as this page or the API gave it).')); return; }
    try { setVerdict(await api<Verdict>('POST', '/api/ledger/checkpoints/verify', body)); } catch (err) { setError(err); }
  };
  const consistency = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const p = await get<unknown>('/api/ledger/consistency', { from: proof.from || undefined, to: proof.to || undefined });
      setProof({ ...proof, url: downloadUrl(p) });
    } catch (err) { setError(err); }
  };

  return (
    <section>
      <h1>Ledger checkpoints</h1>
      <p>Each checkpoint is the ledger&apos;s size and root hash, signed with the organization&apos;s Ed25519 key
        (<a href="/api/ledger/public-keys">public keys</a>). Keep them: a later checkpoint must extend every earlier one.</p>
      <ErrorBanner error={list.error ?? error} />
      <DataTable caption="Checkpoints" rows={rows} empty="No checkpoint yet." columns={[
        { key: 'size', label: 'Entries', render: (c) => c.treeSize },
        { key: 'signed', label: 'Signed', render: (c) => <time dateTime={c.signedAt}>{new Date(c.signedAt).toLocaleString()}</time> },
        { key: 'root', label: 'Root hash', render: (c) => <code title={c.rootHash}>{c.rootHash.slice(0, 24)}…</code> },
        { key: 'keep', label: 'Keep', render: (c) => <a href={downloadUrl(c)} download={`checkpoint-${c.treeSize}.json`}>download</a> },
      ]} />
      {list.hasNextPage && <button type="button" onClick={() => void list.fetchNextPage()}>Load more</button>}

      <form onSubmit={consistency} className="inline-form" aria-labelledby="consistency">
        <h2 id="consistency">Consistency proof</h2>
        <p>Proof that the tree at the later checkpoint extends the earlier one (RFC 9162). Empty: the last two.</p>
        <div className="field"><label htmlFor="c-from">From size</label><input id="c-from" type="number" min={0} value={proof.from} onChange={(e) => setProof({ from: e.target.value, to: proof.to })} /></div>
        <div className="field"><label htmlFor="c-to">To size</label><input id="c-to" type="number" min={0} value={proof.to} onChange={(e) => setProof({ from: proof.from, to: e.target.value })} /></div>
        <button type="submit">Get the proof</button>{' '}
        {proof.url && <a className="button" href={proof.url} download="consistency-proof.json">Download consistency-proof.json</a>}
      </form>

      <form onSubmit={check} className="inline-form" aria-labelledby="kept">
        <h2 id="kept">Check a checkpoint you kept</h2>
        <div className="field">
          <label htmlFor="kept-json">Checkpoint (JSON)</label>
          <textarea id="kept-json" className="code" rows={8} value={kept} onChange={(e) => setKept(e.target.value)} placeholder='{"orgId": "…", "treeSize": 120, "rootHash": "…", "signedAt": "…", "keyId": "…", "signature": "…"}' />
        </div>
        <button type="submit" className="primary" disabled={!kept.trim()}>Check</button>
      </form>
      {verdict && (
        <div role="status" className="notice">
          {verdict.ok
            ? <p><strong className="ok">Genuine, and the ledger still extends it ({verdict.treeSize} entries now).</strong></p>
            : <p><strong className="warn">Not confirmed: {verdict.problem?.message}</strong> ({verdict.problem?.code}, field {verdict.problem?.field})</p>}
        </div>
      )}
    </section>
  );
}
