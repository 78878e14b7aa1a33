import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, get } from '../api/client';
import { useFields } from '../api/schema';
import type { Obj } from '../api/types';
import { ErrorBanner, NotFound } from '../components/ErrorBanner';
import { bodyOf, defaultsOf, ResourceForm } from '../components/ResourceForm';
import { navigate } from '../router';
import type { ResourceView } from '../resources';

/** Create (id undefined) or edit an object; the API's validation message shows beside the field at fault. */
export function ResourceEditPage({ view, id }: { view: ResourceView; id?: string }) {
  const client = useQueryClient();
  const { fields, error } = useFields(`/api/${view.name}`);
  const object = useQuery({ queryKey: [view.name, id], queryFn: () => get<Obj>(`/api/${view.name}/${id}`), enabled: !!id, retry: false });
  if (object.error instanceof ApiError && object.error.status === 404) return <NotFound what={view.label.toLowerCase()} />;
  if (!fields || (id && !object.data)) return <section><ErrorBanner error={error ?? object.error} /><p aria-live="polite">Loading…</p></section>;
  const original = object.data;
  return (
    <section>
      <h1>{id ? `Edit ${original?.name}` : `New ${view.label.toLowerCase()}`}</h1>
      <ResourceForm
        fields={fields}
        initial={original ?? defaultsOf(fields)}
        submitLabel={id ? 'Save' : `Create ${view.label.toLowerCase()}`}
        onCancel={() => navigate(id ? `${view.path}/${id}` : view.path)}
        onSubmit={async (values) => {
          const saved = id
            ? await api<Obj>('PATCH', `/api/${view.name}/${id}`, bodyOf(fields, values, original))
            : await api<Obj>('POST', `/api/${view.name}`, bodyOf(fields, values));
          await client.invalidateQueries({ queryKey: [view.name] });
          navigate(`${view.path}/${saved.id}`);
        }}
      />
    </section>
  );
}
