import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorFor, get } from '../api/client';
import { DataTable, formatValue } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';

interface Token { id: string; name: string; ownerEmail: string; prefix: string; createdAt: string; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null }

/** API tokens: created for yourself, shown once, revocable. */
export function TokensPage() {
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => get<{ items: Token[] }>('/api/tokens') });
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const secretRef = useRef<HTMLDivElement>(null);
  // The secret is shown once: take the reader to it.
  useEffect(() => { if (secret) secretRef.current?.focus(); }, [secret]);
  const [error, setError] = useState<unknown>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    try {
      const created = await api<{ token: string }>('POST', '/api/tokens', { name, ...(days ? { expiresInDays: Number(days) } : {}) });
      setSecret(created.token);
      setName('');
      setDays('');
      await client.invalidateQueries({ queryKey: ['tokens'] });
    } catch (err) { setFormError(err); }
  };
  const revoke = async (t: Token) => {
    if (!window.confirm(`Revoke token ${t.name}? Tools using it stop working.`)) return;
    try { await api('POST', `/api/tokens/${t.id}/revoke`); await client.invalidateQueries({ queryKey: ['tokens'] }); } catch (err) { setError(err); }
  };
  return (
    <section>
      <h1>API tokens</h1>
      <p>Use a token as <code>Authorization: Bearer …</code> from scripts, CI pipelines and the tools that send events.</p>
      <ErrorBanner error={tokens.error ?? error} />
      {secret && (
        <div className="notice" role="status" tabIndex={-1} ref={secretRef}>
          <p><strong>Copy this token now; it is not shown again.</strong></p>
          <code className="secret">{secret}</code>
          <button type="button" onClick={() => { void navigator.clipboard?.writeText(secret); }}>Copy</button>
          <button type="button" onClick={() => setSecret(null)}>Done</button>
        </div>
      )}
      <DataTable caption="API tokens" rows={tokens.data?.items ?? []} columns={[
        { key: 'name', label: 'Name', render: (t) => t.name },
        { key: 'owner', label: 'Owner', render: (t) => t.ownerEmail },
        { key: 'prefix', label: 'Starts with', render: (t) => <code>{t.prefix}…</code> },
        { key: 'expires', label: 'Expires', render: (t) => formatValue(t.expiresAt && new Date(t.expiresAt).toLocaleDateString()) },
        { key: 'used', label: 'Last used', render: (t) => formatValue(t.lastUsedAt && new Date(t.lastUsedAt).toLocaleString()) },
        { key: 'state', label: 'State', render: (t) => (t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) < Date.now() ? 'expired' : <button type="button" className="danger" aria-label={`Revoke ${t.name}`} onClick={() => void revoke(t)}>Revoke</button>) },
      ]} />
      <form onSubmit={create} noValidate className="inline-form" aria-labelledby="new-token">
        <h2 id="new-token">New token</h2>
        <ErrorBanner error={formError} fields={[{ name: 'name', label: 'What it is for', id: 't-name' }, { name: 'expiresInDays', label: 'Expires after', id: 't-days' }]} />
        <Field id="t-name" label="What it is for" required help="For example: CI lint job, RMM event forwarder." error={errorFor(formError, 'name')}>
          {(c) => <input {...c} type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="t-days" label="Expires after (days)" help="Leave empty for a token that never expires." error={errorFor(formError, 'expiresInDays')}>
          {(c) => <input {...c} type="number" min={1} step={1} value={days} onChange={(e) => setDays(e.target.value)} />}
        </Field>
        <button type="submit" className="primary">Create token</button>
      </form>
    </section>
  );
}
