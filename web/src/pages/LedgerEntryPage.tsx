import { useQuery } from '@tanstack/react-query';
import { ApiError, get } from '../api/client';
import { ErrorBanner, NotFound } from '../components/ErrorBanner';
import { Link } from '../router';

interface EntryProof {
  entry: { index: number; at: string; kind: string; action: string; objectType: string; objectId: string; actor: string; summary: string; tenantId: string | null; payload: string | null; salt: string | null; expired: boolean };
  leafHash: string;
  checkpoint: { treeSize: number; rootHash: string; signedAt: string; keyId: string; signature: string };
  inclusionProof: string[];
}

/** One ledger entry with its inclusion proof against the latest signed checkpoint, downloadable for a third party. */
export function LedgerEntryPage({ index }: { index: string }) {
  const proof = useQuery({ queryKey: ['ledger-entry', index], queryFn: () => get<EntryProof>(`/api/ledger/entries/${encodeURIComponent(index)}`), retry: false });
  if (proof.error instanceof ApiError && proof.error.status === 404) return <NotFound what="ledger entry" />;
  const p = proof.data;
  const download = p ? URL.createObjectURL(new Blob([JSON.stringify(p, null, 2)], { type: 'application/json' })) : undefined;
  return (
    <section>
      <p><Link to="/ledger">← Ledger</Link></p>
      <h1>Ledger entry {index}</h1>
      <ErrorBanner error={proof.error} />
      {p && (
        <>
          <dl className="fields">
            <div><dt>Recorded</dt><dd>{new Date(p.entry.at).toLocaleString()}</dd></div>
            <div><dt>Kind</dt><dd>{p.entry.kind} · {p.entry.action}</dd></div>
            <div><dt>Actor</dt><dd>{p.entry.expired ? <em>expired by retention</em> : p.entry.actor}</dd></div>
            <div><dt>Summary</dt><dd>{p.entry.expired ? '—' : p.entry.summary}</dd></div>
            <div><dt>Leaf hash</dt><dd><code>{p.leafHash}</code></dd></div>
            <div><dt>Checkpoint</dt><dd>{p.checkpoint.treeSize} entries, root <code>{p.checkpoint.rootHash}</code>, signed {new Date(p.checkpoint.signedAt).toLocaleString()}</dd></div>
            <div><dt>Inclusion proof</dt><dd>{p.inclusionProof.length} hashes</dd></div>
          </dl>
          <p>
            <a className="button" href={download} download={`ledger-entry-${index}.json`}>Download the proof (JSON)</a>{' '}
            Anyone can check it offline with <code>tenantproof verify-proof ledger-entry-{index}.json --public-key keys.json</code> (keys: <a href="/api/ledger/public-keys">/api/ledger/public-keys</a>).
          </p>
          {p.entry.payload && (
            <>
              <h2>Exact payload (canonical JSON)</h2>
              <pre className="code">{JSON.stringify(JSON.parse(p.entry.payload), null, 2)}</pre>
            </>
          )}
        </>
      )}
    </section>
  );
}
