import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, errorFor, get } from '../api/client';
import { ROLE_HELP, ROLES, type Member } from '../api/members';
import { useNames } from '../api/names';
import type { Role } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorBanner, NotFound } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { Link, navigate } from '../router';

/** One member: who they are and their role; an owner changes the role (and a tenant-viewer's tenant) or removes them. */
export function MemberPage({ userId }: { userId: string }) {
  const { can, me } = useSession();
  const member = useQuery({ queryKey: ['members', userId], queryFn: () => get<Member>(`/api/members/${userId}`), retry: false });
  if (member.error instanceof ApiError && member.error.status === 404) return <NotFound what="member" />;
  const m = member.data;
  return (
    <section>
      <p><Link to="/members">← Members</Link></p>
      <ErrorBanner error={member.error} />
      {m && (
        <>
          <h1>{m.displayName} <small className="muted">{m.email}</small></h1>
          {can('update', 'members') && m.userId !== me?.user.id
            ? <MemberForm key={m.userId} member={m} canDelete={can('delete', 'members')} />
            : <p>Role: <strong>{m.role}</strong> ({ROLE_HELP[m.role]}).</p>}
        </>
      )}
    </section>
  );
}

function MemberForm({ member, canDelete }: { member: Member; canDelete: boolean }) {
  const client = useQueryClient();
  const tenants = useNames('tenants');
  const [role, setRole] = useState<Role>(member.role);
  const [tenantId, setTenantId] = useState(member.tenantId ?? '');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setStatus('');
    try {
      await api('PATCH', `/api/members/${member.userId}`, { role, tenantId: role === 'tenant-viewer' ? tenantId || null : null });
      await client.invalidateQueries({ queryKey: ['members'] });
      setStatus('Saved.');
    } catch (err) { setError(err); }
  };
  const remove = async () => {
    if (!window.confirm(`Remove ${member.email} from the organization? Their sessions and tokens stop working here.`)) return;
    try {
      await api('DELETE', `/api/members/${member.userId}`);
      await client.invalidateQueries({ queryKey: ['members'] });
      navigate('/members');
    } catch (err) { setError(err); }
  };
  return (
    <form onSubmit={save} noValidate className="inline-form">
      <ErrorBanner error={error} fields={[{ name: 'role', label: 'Role', id: 'member-role' }, { name: 'tenantId', label: 'Tenant', id: 'member-tenant' }]} />
      <Field id="member-role" label="Role" required help={ROLE_HELP[role]} error={errorFor(error, 'role')}>
        {(c) => <select {...c} value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>}
      </Field>
      {role === 'tenant-viewer' && (
        <Field id="member-tenant" label="Tenant" required help="The one tenant this person may see." error={errorFor(error, 'tenantId')}>
          {(c) => (
            <select {...c} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
              <option value="">Choose…</option>{[...tenants.values()].map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          )}
        </Field>
      )}
      <div className="actions">
        <button type="submit" className="primary">Save</button>
        {canDelete && <button type="button" className="danger" onClick={() => void remove()}>Remove from organization</button>}
        <span role="status">{status}</span>
      </div>
    </form>
  );
}
