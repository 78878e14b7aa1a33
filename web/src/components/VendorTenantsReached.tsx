import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { REASON_LABELS, type TenantsReached } from '../api/vendor-reviews';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';
import { TenantNoticeTable } from './TenantNoticeTable';

/** On a vendor's page: the tenants whose data reaches it (from the ISMS graph), their DPA notice, and its open reviews. */
export function VendorTenantsReached({ vendorId }: { vendorId: string }) {
  const reached = useQuery({ queryKey: ['vendor-reviews', 'reached', vendorId], queryFn: () => get<TenantsReached>(`/api/vendors/${vendorId}/tenants-reached`) });
  if (reached.error) return <ErrorBanner error={reached.error} />;
  const r = reached.data;
  if (!r) return <p aria-live="polite">Loading tenants reached…</p>;
  return (
    <>
      <h2>Tenants whose data reaches this vendor</h2>
      <p>
        {r.tenants.length} tenant{r.tenants.length === 1 ? '' : 's'}, through data flows addressed to the vendor or systems it hosts.
        {r.vendor.subProcessor && r.earliestEffectiveOn && <> Notified today, a change could take effect for all of them on <strong>{r.earliestEffectiveOn}</strong>.</>}
      </p>
      <TenantNoticeTable tenants={r.tenants} caption="Tenants whose data reaches this vendor" />
      <h3>Open reviews</h3>
      {r.openReviews.length ? (
        <ul>{r.openReviews.map((o) => <li key={o.id}><Link to={`/vendor-reviews/${o.id}`}>{REASON_LABELS[o.reason]}</Link>, due {o.dueOn}</li>)}</ul>
      ) : <p className="muted">No open review.</p>}
    </>
  );
}
