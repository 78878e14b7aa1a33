import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

interface ServiceItem { id: string; slug: string; name: string; owner: string }

/** The services, each with a link to its RACI matrix. */
export function RaciListPage() {
  const services = useQuery({ queryKey: ['raci-services'], queryFn: () => get<{ items: ServiceItem[] }>('/api/services', { limit: 200, sort: 'name' }) });
  return (
    <section>
      <h1>RACI per service</h1>
      <p>Who is Responsible, Accountable, Consulted and Informed for each activity of a service: the customer, the provider, or the sub-processor / cloud provider.</p>
      <ErrorBanner error={services.error} />
      <DataTable caption="Services" rows={services.data?.items ?? []} empty={services.isLoading ? 'Loading…' : 'No services yet.'} columns={[
        { key: 'name', label: 'Service', render: (s) => <Link to={`/raci/${s.id}`}>{s.name}</Link> },
        { key: 'owner', label: 'Owner', render: (s) => s.owner || '—' },
        { key: 'export', label: 'Export', render: (s) => <><a href={`/api/services/${s.id}/raci.xlsx`} download={`raci-${s.slug}.xlsx`}>XLSX</a>{' · '}<a href={`/api/services/${s.id}/raci.csv`} download={`raci-${s.slug}.csv`}>CSV</a></> },
      ]} />
    </section>
  );
}
