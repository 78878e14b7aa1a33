import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { get } from '../api/client';
import { EVIDENCE_ACCEPT, sizeLabel, uploadEvidenceFile, type Evidence } from '../api/evidence';
import { useSession } from '../auth/session';
import { ErrorBanner } from './ErrorBanner';

/** Whether evidence is still current: a badge in words (not only colour). */
export function FreshnessBadge({ e }: { e: Pick<Evidence, 'stale' | 'staleSince' | 'currentUntil'> }) {
  return e.stale
    ? <span className="tag warn">Stale since {e.staleSince}</span>
    : <span className="tag">Current until {e.currentUntil}</span>;
}

/**
 * The evidence detail page's file panel: freshness, the stored file (name, type, size, SHA-256) with its download,
 * and, for those who may change evidence, the upload that adds or replaces it.
 */
export function EvidenceFile({ id }: { id: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const evidence = useQuery({ queryKey: ['evidence', id], queryFn: () => get<Evidence>(`/api/evidence/${id}`), retry: false });
  const e = evidence.data;
  if (!e) return null;
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setMessage('');
    setBusy(true);
    try {
      const updated = await uploadEvidenceFile(id, file);
      setMessage(`Stored ${updated.fileName} (${sizeLabel(updated.fileSize ?? 0)}), encrypted.`);
      await client.invalidateQueries({ queryKey: ['evidence'] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <section aria-labelledby="evidence-file">
      <h2 id="evidence-file">Freshness and file</h2>
      <p><FreshnessBadge e={e} /> Collected on {e.collectedOn}, current for {e.freshnessDays} days.</p>
      {e.kind === 'link' && e.url && <p>Link: <a href={e.url} target="_blank" rel="noopener noreferrer">{e.url}</a></p>}
      {e.kind === 'file' && (e.fileSha256 ? (
        <dl className="fields">
          <div><dt>File</dt><dd><a href={`/api/evidence/${id}/file`} download={e.fileName ?? undefined}>{e.fileName}</a> ({e.fileType}, {sizeLabel(e.fileSize ?? 0)})</dd></div>
          <div><dt>SHA-256</dt><dd><code>{e.fileSha256}</code></dd></div>
          <div><dt>Uploaded</dt><dd>{e.fileUploadedAt}</dd></div>
        </dl>
      ) : <p>No file uploaded yet.</p>)}
      {e.kind === 'file' && can('update', 'evidence') && (
        <div className="field">
          <label htmlFor="evidence-upload">{e.fileSha256 ? 'Replace the file' : 'Upload the file'}</label>
          <input id="evidence-upload" ref={input} type="file" accept={EVIDENCE_ACCEPT} disabled={busy} onChange={(ev) => void upload(ev.target.files?.[0])} />
          <p className="muted">PDF, PNG, JPEG, text, CSV, JSON, XLSX, DOCX or ZIP. Stored encrypted; the type is checked against the content.</p>
        </div>
      )}
      <ErrorBanner error={error} />
      <p role="status">{message}</p>
    </section>
  );
}
