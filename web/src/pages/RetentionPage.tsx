import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, get } from '../api/client';
import { useNames } from '../api/names';
import { useSession } from '../auth/session';
import { DataTable, formatValue } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';

interface Policy { actionClass: string; retentionDays: number | null; rationale: string; updatedAt: string | null }
interface Hold { id: string; tenantId: string | null; incidentReference: string; coversFrom: string | null; coversTo: string | null; reason: string; createdAt: string; createdBy: string; releasedAt: string | null }

/** How long ledger payloads are kept per action class, why, and the legal holds that suspend deletion. */
export function RetentionPage() {
  const { can } = useSession();
  const client = useQueryClient();
  const data = useQuery({ queryKey: ['retention'], queryFn: () => get<{ policies: Policy[]; holds: Hold[] }>('/api/retention') });
  const tenants = useNames('tenants');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [editing, setEditing] = useState<{ cls: string; days: string; rationale: string } | null>(null);
  const [hold, setHold] = useState({ tenantId: '', incidentReference: '', reason: '' });
  const act = async (fn: () => Promise<unknown>, done = '') => {
    setError(null);
    try { await fn(); setStatus(done); await client.invalidateQueries({ queryKey: ['retention'] }); } catch (err) { setError(err); }
  };
  const manage = can('update', 'retention');
  const sweep = async () => {
    setError(null);
    try {
      const r = await api<{ total: number }>('POST', '/api/retention/sweep');
      setStatus(`Sweep done: ${r.total} entries expired.`);
    } catch (err) { setError(err); }
  };
  const savePolicy = (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    void act(() => api('PUT', `/api/retention/policies/${editing.cls}`, { retentionDays: Number(editing.days), rationale: editing.rationale }).then(() => setEditing(null)), 'Policy saved.');
  };
  return (
    <section>
      <h1>Retention</h1>
      <p>After its period, an entry&apos;s payload (who, what, details) is deleted; its hash stays, so the ledger and every proof still verify.</p>
      <ErrorBanner error={data.error ?? error} />
      <p role="status">{status}</p>
      <DataTable caption="Retention policies" rows={(data.data?.policies ?? []).map((p) => ({ ...p, id: p.actionClass }))} columns={[
        { key: 'class', label: 'Class', render: (p) => p.actionClass },
        { key: 'days', label: 'Kept for', render: (p) => (p.retentionDays ? `${p.retentionDays} days` : 'for ever') },
        { key: 'why', label: 'Rationale', render: (p) => formatValue(p.rationale) },
        { key: 'edit', label: 'Actions', render: (p) => (manage ? <button type="button" onClick={() => setEditing({ cls: p.actionClass, days: String(p.retentionDays ?? 365), rationale: p.rationale })}>Set</button> : null) },
      ]} />
      {editing && (
        <form onSubmit={savePolicy} className="inline-form" aria-labelledby="edit-policy">
          <h2 id="edit-policy">Retention of {editing.cls}</h2>
          <div className="field"><label htmlFor="p-days">Days</label><input id="p-days" type="number" min={1} max={36500} required value={editing.days} onChange={(e) => setEditing({ ...editing, days: e.target.value })} /></div>
          <div className="field"><label htmlFor="p-why">Rationale (forensic value, contract, storage limitation)</label><textarea id="p-why" required value={editing.rationale} onChange={(e) => setEditing({ ...editing, rationale: e.target.value })} /></div>
          <button type="submit" className="primary">Save</button> <button type="button" onClick={() => setEditing(null)}>Cancel</button>
        </form>
      )}
      <h2>Legal holds</h2>
      <DataTable caption="Legal holds" rows={data.data?.holds ?? []} empty="No legal holds." columns={[
        { key: 'scope', label: 'Holds', render: (h) => (h.tenantId ? `tenant ${tenants.get(h.tenantId)?.name ?? '…'}` : `incident ${h.incidentReference}`) },
        { key: 'window', label: 'Window', render: (h) => (h.coversFrom || h.coversTo ? `${h.coversFrom ?? '…'} – ${h.coversTo ?? '…'}` : 'everything') },
        { key: 'reason', label: 'Reason', render: (h) => h.reason },
        { key: 'by', label: 'Placed by', render: (h) => `${h.createdBy}, ${new Date(h.createdAt).toLocaleDateString()}` },
        { key: 'state', label: 'State', render: (h) => (h.releasedAt ? `released ${new Date(h.releasedAt).toLocaleDateString()}` : manage
          ? <button type="button" onClick={() => void act(() => api('POST', `/api/retention/holds/${h.id}/release`), 'Hold released.')}>Release</button> : 'active') },
      ]} />
      {manage && (
        <>
          <form className="inline-form" aria-labelledby="new-hold" onSubmit={(e) => { e.preventDefault(); void act(() => api('POST', '/api/retention/holds', { tenantId: hold.tenantId || null, incidentReference: hold.incidentReference, reason: hold.reason }).then(() => setHold({ tenantId: '', incidentReference: '', reason: '' })), 'Hold placed.'); }}>
            <h3 id="new-hold">Place a legal hold</h3>
            <div className="field"><label htmlFor="h-tenant">Tenant</label><select id="h-tenant" value={hold.tenantId} onChange={(e) => setHold({ ...hold, tenantId: e.target.value })}><option value="">— (an incident)</option>{[...tenants.values()].map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}</select></div>
            <div className="field"><label htmlFor="h-incident">Incident reference</label><input id="h-incident" value={hold.incidentReference} onChange={(e) => setHold({ ...hold, incidentReference: e.target.value })} /></div>
            <div className="field"><label htmlFor="h-reason">Reason</label><input id="h-reason" required value={hold.reason} onChange={(e) => setHold({ ...hold, reason: e.target.value })} /></div>
            <button type="submit" className="primary">Place hold</button>
          </form>
          <p><button type="button" onClick={() => void sweep()}>Run the retention sweep now</button></p>
        </>
      )}
    </section>
  );
}
