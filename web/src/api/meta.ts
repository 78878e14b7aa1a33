import { useQuery } from '@tanstack/react-query';
import { get } from './client';

interface Meta {
  regions: Array<{ code: string; name: string; jurisdiction: string }>;
  jurisdictions: string[];
}

/** Reference data from the server (regions and their jurisdictions), fetched once. */
export function useMeta() {
  return useQuery({ queryKey: ['meta'], queryFn: () => get<Meta>('/api/meta'), staleTime: Infinity });
}

/** A readable label for an enum value: region codes get their place ("eu-west-1 · Ireland (Dublin)"). */
export function useValueLabel(): (value: string) => string {
  const meta = useMeta().data;
  const regions = new Map((meta?.regions ?? []).map((r) => [r.code, r.name]));
  const jurisdictions = new Set(meta?.jurisdictions ?? []);
  return (value) => {
    const region = regions.get(value);
    if (region) return `${value} · ${region}`;
    if (jurisdictions.has(value)) return value === 'GLOBAL' ? `${value} · anywhere` : `${value} · any region in ${value}`;
    return value;
  };
}
