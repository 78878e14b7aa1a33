import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import type { Obj, Page } from './types';

/** Every object of a kind (for reference pickers and for showing names instead of ids). */
export async function fetchAll(resource: string): Promise<Obj[]> {
  const out: Obj[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res: Page<Obj> = await get<Page<Obj>>(`/api/${resource}`, { limit: 200, sort: 'name', cursor });
    out.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return out;
}

export function useAll(resource: string, enabled = true) {
  return useQuery({ queryKey: [resource, 'all'], queryFn: () => fetchAll(resource), enabled, staleTime: 30_000 });
}

/** id → name of every object of a kind. */
export function useNames(resource: string, enabled = true): Map<string, Obj> {
  const all = useAll(resource, enabled);
  return new Map((all.data ?? []).map((o) => [o.id, o]));
}
