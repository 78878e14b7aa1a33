import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, get } from '../api/client';
import { useNames } from '../api/names';
import type { Role } from '../api/types';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';

interface Member { userId: string; email: string; displayName: string; role: Role; tenantId: string | null; createdAt: string }
const ROLES: Role[] = ['owner', 'isms-manager', 'engineer', 'auditor', 'tenant-viewer'];

/** People of the organization and their roles; owners add, change and remove them. */
export function MembersPage() {
  const { can, me } = useSession();
  const client = useQueryClient();
  const members = useQuery({ queryKey: ['members'], queryFn: () => get<{ items: Member[] }>('/api/members') });
  const tenants = useNames('tenants');
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ email: '', displayName: '', role: 'engineer' as Role, tenantId: '', password: '' });
  const refresh = () => client.invalidateQueries({ queryKey: ['members'] });
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try { await fn(); await refresh(); } catch (err) { setError(err); }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api('POST', '/api/members', { ...form, tenantId: form.role === 'tenant-viewer' ? form.tenantId || null : null });
      setForm({ email: '', displayName: '', role: 'engineer', tenantId: '', password: '' });
    });
  };
  const manage = can('update', 'members');
  const fieldError = (name: string) => (error instanceof ApiError && error.field === name ? error.message : undefined);
  return (
    <section>
      <h1>Members</h1>
      <ErrorBanner error={members.error ?? error} />
      <DataTable caption="Members" rows={(members.data?.items ?? []).map((m) => ({ ...m, id: m.userId }))} columns={[
        { key: 'name', label: 'Name', render: (m) => m.displayName },
        { key: 'email', label: 'Email', render: (m) => m.email },
        { key: 'role', label: 'Role', render: (m) => (manage && m.userId !== me?.user.id ? (
          <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void act(() => api('PATCH', `/api/members/${m.userId}`, { role: e.target.value, ...(e.target.value === 'tenant-viewer' ? {} : { tenantId: null }) }))}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        ) : m.role) },
        { key: 'tenant', label: 'Tenant', render: (m) => (m.tenantId ? tenants.get(m.tenantId)?.name ?? '…' : '—') },
        { key: 'actions', label: 'Actions', render: (m) => (can('delete', 'members') && m.userId !== me?.user.id
          ? <button type="button" className="danger" onClick={() => { if (window.confirm(`Remove ${m.email}?`)) void act(() => api('DELETE', `/api/members/${m.userId}`)); }}>Remove</button> : null) },
      ]} />
      {can('create', 'members') && (
        <form onSubmit={add} className="inline-form" aria-labelledby="add-member">
          <h2 id="add-member">Add a member</h2>
          <div className="field"><label htmlFor="m-email">Email</label><input id="m-email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />{fieldError('email') && <small className="field-error">{fieldError('email')}</small>}</div>
          <div className="field"><label htmlFor="m-name">Name</label><input id="m-name" required value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />{fieldError('displayName') && <small className="field-error">{fieldError('displayName')}</small>}</div>
          <div className="field"><label htmlFor="m-role">Role</label><select id="m-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select></div>
          {form.role === 'tenant-viewer' && (
            <div className="field"><label htmlFor="m-tenant">Tenant</label><select id="m-tenant" required value={form.tenantId} onChange={(e) => setForm({ ...form, tenantId: e.target.value })}>
              <option value="">Choose…</option>{[...tenants.values()].map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}</select>{fieldError('tenantId') && <small className="field-error">{fieldError('tenantId')}</small>}</div>
          )}
          <div className="field"><label htmlFor="m-password">Initial password (12+ characters)</label><input id="m-password" type="password" autoComplete="new-password" required minLength={12} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />{fieldError('password') && <small className="field-error">{fieldError('password')}</small>}</div>
          <button type="submit" className="primary">Add member</button>
        </form>
      )}
    </section>
  );
}
