import type { TenantNotice } from '../api/vendor-reviews';
import { useSession } from '../auth/session';
import { Link } from '../router';
import { DataTable } from './DataTable';

/** The tenants whose data reaches a vendor, and what each one's DPA requires before a new or changed sub-processor. */
export function TenantNoticeTable({ tenants, caption }: { tenants: TenantNotice[]; caption: string }) {
  const { can } = useSession();
  return (
    <DataTable caption={caption} rows={tenants.map((t) => ({ ...t, id: t.tenantId }))} empty="No tenant's data reaches this vendor." columns={[
      { key: 'tenant', label: 'Tenant', render: (t) => (can('read', 'tenants') ? <Link to={`/tenants/${t.tenantId}`}>{t.name}</Link> : t.name) },
      { key: 'tier', label: 'Tier', render: (t) => t.tier },
      { key: 'via', label: 'Reached through', render: (t) => t.via.map((v) => (v === 'data-flow' ? 'data flow' : 'hosting')).join(', ') },
      { key: 'dpa', label: 'DPA', render: (t) => t.dpaReference || '—' },
      { key: 'notice', label: 'Notice required', render: (t) => t.notice },
      { key: 'effective', label: 'Earliest effective date', render: (t) => t.effectiveOn ?? '—' },
    ]} />
  );
}
