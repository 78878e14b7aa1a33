import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import type { Page } from './types';

/** The scope statement and its change requests, as the API sends them (src/model/scope-statement.ts). */
export interface Exclusion { subject: string; justification: string }
export interface ScopeService { id?: string | null; slug: string; name: string }
export interface ScopeStatement {
  version: number; text: string; services: ScopeService[]; locations: string[]; teams: string[]; exclusions: Exclusion[];
  approvedAt: string; approvedBy?: string; changeRequestId?: string; changeRequestNumber?: number;
}
export interface ScopeVersion { version: number; approvedAt: string; approvedBy: string; changeRequestId: string; changeRequestNumber: number; changeRequestTitle: string }
export const SCOPE_CHANGE_KINDS = ['new-service', 'new-platform', 'new-region', 'new-vendor', 'other'] as const;
export const SCOPE_CHANGE_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'withdrawn'] as const;
export interface Impact { assets: string; risks: string; controls: string; tenants: string }
export interface ScopeChangeRequest {
  id: string; number: number; title: string; kind: (typeof SCOPE_CHANGE_KINDS)[number]; description: string; impact: Impact;
  proposed: { text: string; services: ScopeService[]; locations: string[]; teams: string[]; exclusions: Exclusion[] };
  baseVersion: number; status: (typeof SCOPE_CHANGE_STATUSES)[number]; requestedBy: string; requestedAt: string; updatedAt: string;
  submittedAt: string | null; decidedBy: string | null; decidedAt: string | null; decisionNote: string; resultingVersion: number | null;
  allowed: { edit: boolean; submit: boolean; approve: boolean; reject: boolean; withdraw: boolean };
}
export interface ScopeDiff {
  from: number; to: number; changed: boolean;
  services: { added: ScopeService[]; removed: ScopeService[] };
  locations: { added: string[]; removed: string[] };
  teams: { added: string[]; removed: string[] };
  exclusions: { added: Exclusion[]; removed: Exclusion[]; justificationChanged: Array<{ subject: string; before: string; after: string }> };
  text: Array<{ op: 'same' | 'added' | 'removed'; line: string }>;
}

export const KIND_LABELS: Record<ScopeChangeRequest['kind'], string> = {
  'new-service': 'New service', 'new-platform': 'New platform', 'new-region': 'New region', 'new-vendor': 'New vendor', other: 'Other',
};

/** The current approved statement; null before the first approval (the API answers 404). */
export function useCurrentStatement() {
  return useQuery({
    queryKey: ['scope', 'statement'],
    queryFn: () => get<ScopeStatement>('/api/scope/statement').catch((error: { status?: number }) => { if (error?.status === 404) return null; throw error; }),
  });
}

/** Every version, newest first (up to 200: a scope changes a few times a year). */
export function useVersions(enabled = true) {
  return useQuery({ queryKey: ['scope', 'versions'], queryFn: () => get<Page<ScopeVersion>>('/api/scope/statements', { limit: 200 }), enabled });
}
