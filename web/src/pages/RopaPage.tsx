import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { Link } from '../router';

interface TenantItem { id: string; slug: string; name: string }

/**
 * The records of processing of GDPR Art. 30 as downloads: the controller record (the provider's own processing)
 * and the processor record kept per customer (controller). A tenant-viewer sees its own customer's record only.
 */
export function RopaPage() {
  const { me, can } = useSession();
  const viewer = me?.role === 'tenant-viewer';
  const tenants = useQuery({ queryKey: ['ropa-tenants'], queryFn: () => get<{ items: TenantItem[] }>('/api/tenants', { limit: 200, sort: 'name' }) });
  const [tenant, setTenant] = useState('');
  const list = tenants.data?.items ?? [];
  const chosen = tenant || (viewer ? list[0]?.id ?? '' : '');
  const chosenName = list.find((t) => t.id === chosen)?.name;
  return (
    <section>
      <h1>Records of processing</h1>
      <p>
        The records GDPR Art. 30 asks for, made from the {can('read', 'processing-activities') ? <Link to="/processing-activities">processing activities</Link> : 'processing activities'}:
        the columns carry the Art. 30 fields; the supervisory authority may ask for them (Art. 30(4)).
      </p>
      <ErrorBanner error={tenants.error} />
      {!viewer && (
        <>
          <h2>Controller record (Art. 30(1))</h2>
          <p>The processing where {me?.org.name ?? 'the provider'} decides purposes and means itself: its staff, its billing, joint controllerships.</p>
          <p>
            <a className="button" href="/api/ropa/controller.xlsx" download="ropa-controller.xlsx">Download XLSX</a>{' '}
            <a className="button" href="/api/ropa/controller.csv" download="ropa-controller.csv">Download CSV</a>
          </p>
        </>
      )}
      <h2>Processor record (Art. 30(2))</h2>
      <p>The processing carried out on behalf of each customer: one row per customer and activity, with its sub-processors, transfers and security measures.</p>
      {!viewer && (
        <p>
          Every customer at once:{' '}
          <a className="button" href="/api/ropa/processor.xlsx" download="ropa-processor.xlsx">XLSX</a>{' '}
          <a className="button" href="/api/ropa/processor.csv" download="ropa-processor.csv">CSV</a>
        </p>
      )}
      <Field id="ropa-tenant" label="Customer (controller)" help={viewer ? 'Your organization\u2019s record.' : 'The processor record kept for one customer.'}>
        {(c) => (
          <select {...c} value={chosen} onChange={(e) => setTenant(e.target.value)} disabled={tenants.isLoading}>
            {!viewer && <option value="">Choose a customer…</option>}
            {list.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        )}
      </Field>
      {chosen && (
        <p aria-live="polite">
          Record for {chosenName}:{' '}
          <a className="button" href={`/api/ropa/processor/${chosen}.xlsx`} download={`ropa-processor-${chosen}.xlsx`}>Download XLSX</a>{' '}
          <a className="button" href={`/api/ropa/processor/${chosen}.csv`} download={`ropa-processor-${chosen}.csv`}>Download CSV</a>
        </p>
      )}
    </section>
  );
}
