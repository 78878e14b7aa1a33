import { useQuery } from '@tanstack/react-query';
import { get } from './client';

/** The scope analyses as the API sends them (src/model/scope-analysis.ts on the server). */
export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export interface ObjectRef { kind: 'system' | 'vendor' | 'flow' | 'service' | 'tenant'; id: string; slug: string; name: string }
export interface ScopeRule { id: string; severity: Severity; title: string; description: string }
export interface Finding { ruleId: string; severity: Severity; message: string; subject: ObjectRef; field?: string; path: ObjectRef[]; hint: string; objects: string[] }
/** A finding not reported because an approved, unexpired control exception covers it. */
export interface ExceptedFinding { ruleId: string; objectId: string; expiresOn: string; reference: string | null }
export interface FindingsPage { today: string; counts: Record<Severity, number>; byRule: Record<string, number>; items: Finding[]; nextCursor: string | null; total: number; excepted?: ExceptedFinding[] }
export interface BlastRadiusEntry { component: ObjectRef; tenants: number; byTier: { A: number; B: number; C: number }; score: number; throughControl: number; throughHosting: number }
export interface ResidencyBreach { component: ObjectRef; regions: string[]; disallowed: string[]; path: ObjectRef[] }
export interface TenantResidency {
  tenant: ObjectRef & { tier: string; allowedRegions: string[] };
  reached: { systems: number; vendors: number };
  breaches: ResidencyBreach[];
  unrecorded: ObjectRef[];
}

/** Where the web app shows an object of a path or a finding. */
const PAGES: Record<ObjectRef['kind'], string> = { system: '/systems', vendor: '/vendors', flow: '/data-flows', service: '/services', tenant: '/tenants' };
export function objectPath(ref: Pick<ObjectRef, 'kind' | 'id'>): string {
  return `${PAGES[ref.kind]}/${ref.id}`;
}

export function useScopeRules(enabled = true) {
  return useQuery({ queryKey: ['scope', 'rules'], queryFn: () => get<{ items: ScopeRule[] }>('/api/scope/rules'), enabled, staleTime: Infinity });
}
