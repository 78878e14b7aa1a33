/** The Statement of Applicability as the API serves it (src/api/routes/soa.ts, src/model/soa.ts). */
export const SOA_REASONS = ['risk-assessment', 'legal', 'contractual', 'business', 'best-practice'] as const;
export const IMPLEMENTATION_STATUSES = ['not-applicable', 'planned', 'implemented', 'operating'] as const;
export const THEMES = ['organizational', 'people', 'physical', 'technological'] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];

interface DecisionFields {
  controlId: string; title: string; theme: string;
  decided: boolean; applicable: boolean | null; reasons: string[]; justification: string;
  status: ImplementationStatus | null;
  gdpr: Array<{ gdpr: string; reason: string }>;
}
export interface SoaImplementationRef {
  id: string; slug: string; name: string; layer: 'common' | 'overlay'; status: ImplementationStatus; owner: string; overrides: boolean;
  targetTiers: string[]; targetTenantIds: string[]; targetServiceIds: string[]; systemIds: string[];
}
export interface SoaRow extends DecisionFields { decidedBy: string | null; decidedAt: string | null; implementations: SoaImplementationRef[]; exceptions: number }
export interface SoaTenantImplementation { slug: string; name: string; layer: 'common' | 'overlay'; status: ImplementationStatus; owner: string; override: boolean; via: string[] }
export interface SoaTenantRow extends DecisionFields { implementations: SoaTenantImplementation[]; replaced: string[] }
export interface SoaSummary { controls: number; applicable: number; notApplicable: number; undecided: number; implemented: number; coverage: number }
export interface SoaView { rows: SoaRow[]; summary: SoaSummary }
export interface TenantSoaView { tenant: { id: string; slug: string; name: string; tier: string }; rows: SoaTenantRow[]; summary: SoaSummary }
export interface TierSoaView { tier: string; rows: SoaTenantRow[]; summary: SoaSummary }
export interface SoaVersionSummary { version: number; approvedAt: string; approvedBy: string; note: string; summary: SoaSummary }
export interface SoaVersion extends SoaVersionSummary { rows: SoaRow[] }
export interface SoaDiff { from: number; to: number; changes: Array<{ controlId: string; title: string; changes: Array<{ field: string; from: string; to: string }> }> }

export const applicableLabel = (r: { decided: boolean; applicable: boolean | null }) => (!r.decided ? 'Not decided' : r.applicable ? 'Yes' : 'No');
export const percent = (x: number) => `${Math.round(x * 100)} %`;

/** The export links of a view: `query` is '' (current), '?version=n' or '?tenant=id'. */
export function exportLinks(query: string, stem: string): Array<{ href: string; label: string; download: string }> {
  return (['xlsx', 'csv', 'pdf'] as const).map((f) => ({ href: `/api/soa/export.${f}${query}`, label: `Export ${f.toUpperCase()}`, download: `${stem}.${f}` }));
}
