import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import { ROLES, type Member } from '../api/members';
import { useNames } from '../api/names';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

/** People of the organization and their roles, searchable and filtered by role; owners add and change them. */
export function MembersPage() {
  const { can } = useSession();
  const members = useQuery({ queryKey: ['members'], queryFn: () => get<{ items: Member[] }>('/api/members') });
  const tenants = useNames('tenants');
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const needle = q.trim().toLowerCase();
  const rows = (members.data?.items ?? [])
    .filter((m) => (!role || m.role === role) && (!needle || m.email.toLowerCase().includes(needle) || m.displayName.toLowerCase().includes(needle)))
    .map((m) => ({ ...m, id: m.userId }));
  return (
    <section>
      <div className="page-head">
        <h1>Members</h1>
        {can('create', 'members') && <Link className="button primary" to="/members/new">Add a member</Link>}
      </div>
      <form className="filters" role="search" aria-label="Filter members" onSubmit={(e) => e.preventDefault()}>
        <div className="field"><label htmlFor="members-q">Search</label><input id="members-q" type="search" value={q} placeholder="name, email…" onChange={(e) => setQ(e.target.value)} /></div>
        <div className="field"><label htmlFor="members-role">Role</label>
          <select id="members-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">any</option>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </div>
      </form>
      <ErrorBanner error={members.error} />
      <p className="muted" aria-live="polite">{members.data ? `${rows.length} of ${members.data.items.length} members` : 'Loading…'}</p>
      <DataTable caption="Members" rows={rows} empty={needle || role ? 'Nobody matches.' : 'No members.'} columns={[
        { key: 'name', label: 'Name', render: (m) => <Link to={`/members/${m.userId}`}>{m.displayName}</Link> },
        { key: 'email', label: 'Email', render: (m) => m.email },
        { key: 'role', label: 'Role', render: (m) => m.role },
        { key: 'tenant', label: 'Tenant', render: (m) => (m.tenantId ? tenants.get(m.tenantId)?.name ?? '…' : '—') },
        { key: 'added', label: 'Added', render: (m) => <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleDateString()}</time> },
      ]} />
    </section>
  );
}
