import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { Link } from '../router';
import { ErrorBanner } from './ErrorBanner';

/** The dashboard's vendor tile: open and overdue review tasks, each a link to the reviews page filtered to them. */
export function VendorReviewsTile() {
  const counts = useQuery({ queryKey: ['vendor-reviews', 'counts'], queryFn: () => get<{ open: number; overdue: number }>('/api/vendor-reviews/counts'), retry: false });
  const c = counts.data;
  return (
    <section aria-labelledby="vendor-reviews-tile">
      <h2 id="vendor-reviews-tile">Vendor reviews</h2>
      <ErrorBanner error={counts.error} />
      {c && (
        <ul className="cards" aria-label="Vendor reviews">
          <li><Link to="/vendor-reviews?status=open"><span className="count">{c.open}</span> open</Link></li>
          <li><Link to="/vendor-reviews?status=open&overdue=true"><span className={`count${c.overdue ? ' warn' : ''}`}>{c.overdue}</span> overdue</Link></li>
        </ul>
      )}
    </section>
  );
}
