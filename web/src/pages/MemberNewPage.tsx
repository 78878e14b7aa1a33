import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorFor } from '../api/client';
import { ROLE_HELP, ROLES, type Member } from '../api/members';
import { useNames } from '../api/names';
import type { Role } from '../api/types';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { navigate } from '../router';

const FIELDS = [
  { name: 'email', label: 'Email', id: 'm-email' }, { name: 'displayName', label: 'Name', id: 'm-name' },
  { name: 'role', label: 'Role', id: 'm-role' }, { name: 'tenantId', label: 'Tenant', id: 'm-tenant' },
  { name: 'password', label: 'Initial password', id: 'm-password' },
];

/** Add a person to the organization with a role (an existing account joins; a new one gets the initial password). */
export function MemberNewPage() {
  const client = useQueryClient();
  const tenants = useNames('tenants');
  const [form, setForm] = useState({ email: '', displayName: '', role: 'engineer' as Role, tenantId: '', password: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const added = await api<Member>('POST', '/api/members', { ...form, tenantId: form.role === 'tenant-viewer' ? form.tenantId || null : null });
      await client.invalidateQueries({ queryKey: ['members'] });
      navigate(`/members/${added.userId}`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <section>
      <h1>Add a member</h1>
      <form onSubmit={submit} noValidate className="resource-form">
        <ErrorBanner error={error} fields={FIELDS} />
        <Field id="m-email" label="Email" required error={errorFor(error, 'email')}>
          {(c) => <input {...c} type="email" autoComplete="off" maxLength={254} value={form.email} onChange={(e) => set({ email: e.target.value })} />}
        </Field>
        <Field id="m-name" label="Name" required error={errorFor(error, 'displayName')}>
          {(c) => <input {...c} type="text" maxLength={200} value={form.displayName} onChange={(e) => set({ displayName: e.target.value })} />}
        </Field>
        <Field id="m-role" label="Role" required help={ROLE_HELP[form.role]} error={errorFor(error, 'role')}>
          {(c) => <select {...c} value={form.role} onChange={(e) => set({ role: e.target.value as Role })}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>}
        </Field>
        {form.role === 'tenant-viewer' && (
          <Field id="m-tenant" label="Tenant" required help="The one tenant this person may see." error={errorFor(error, 'tenantId')}>
            {(c) => (
              <select {...c} value={form.tenantId} onChange={(e) => set({ tenantId: e.target.value })}>
                <option value="">Choose…</option>{[...tenants.values()].map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
              </select>
            )}
          </Field>
        )}
        <Field id="m-password" label="Initial password" required help="12 characters or more; used only when the person has no account yet." error={errorFor(error, 'password')}>
          {(c) => <input {...c} type="password" autoComplete="new-password" maxLength={200} value={form.password} onChange={(e) => set({ password: e.target.value })} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Adding…' : 'Add member'}</button>
          <button type="button" onClick={() => navigate('/members')}>Cancel</button>
        </div>
      </form>
    </section>
  );
}
