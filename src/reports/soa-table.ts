import type { SoaRow, SoaTenantRow } from '../model/soa.js';

/**
 * The SoA as the table every export prints: one row per Annex A control, in catalog order, with the columns an
 * auditor expects. The renderers (XLSX, CSV, PDF) only lay this table out.
 */
export const SOA_COLUMNS = ['Control', 'Title', 'Theme', 'Applicable', 'Justification', 'Status', 'Implementation (common/overlay)', 'GDPR', 'Owner'] as const;

/** What the export is of: the heading of the document and its subtitle (version, tier or tenant, date). */
export interface SoaDocumentInfo {
  organization: string;
  /** e.g. "Version 3, approved 2026-05-01 by ..." or "Tenant Acme (tier A), current". */
  subtitle: string;
}

const applicableText = (r: { decided: boolean; applicable: boolean | null }) => (!r.decided ? 'Not decided' : r.applicable ? 'Yes' : 'No');

function justificationText(r: { reasons: string[]; justification: string }): string {
  const reasons = r.reasons.join(', ');
  return reasons && r.justification ? `${reasons}: ${r.justification}` : reasons || r.justification;
}

function targetsText(i: SoaRow['implementations'][number]): string {
  const parts: string[] = [];
  if (i.targetTiers.length) parts.push(`tier ${i.targetTiers.join(', ')}`);
  if (i.targetTenantIds.length) parts.push(`${i.targetTenantIds.length} tenant${i.targetTenantIds.length === 1 ? '' : 's'}`);
  if (i.targetServiceIds.length) parts.push(`${i.targetServiceIds.length} service${i.targetServiceIds.length === 1 ? '' : 's'}`);
  if (i.layer === 'overlay' && i.systemIds.length) parts.push(`${i.systemIds.length} system${i.systemIds.length === 1 ? '' : 's'}`);
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

const owners = (impls: ReadonlyArray<{ owner: string }>) => [...new Set(impls.map((i) => i.owner).filter(Boolean))].join('; ');
const gdprText = (r: { gdpr: Array<{ gdpr: string }> }) => r.gdpr.map((g) => `Art. ${g.gdpr}`).join(', ');

/** Rows of the organization-wide SoA (current or an approved version) as table cells. */
export function soaTable(rows: readonly SoaRow[]): string[][] {
  return rows.map((r) => [
    r.controlId, r.title, r.theme, applicableText(r), justificationText(r), r.status ?? 'none',
    r.implementations.map((i) => `${i.layer}${i.overrides ? ' (override)' : ''}: ${i.name}${targetsText(i)} (${i.status})`).join('\n'),
    gdprText(r), owners(r.implementations),
  ]);
}

/** Rows of a tenant's or a tier's SoA as table cells: how each implementation reaches it, never whom else it serves. */
export function tenantSoaTable(rows: readonly SoaTenantRow[]): string[][] {
  return rows.map((r) => [
    r.controlId, r.title, r.theme, applicableText(r), justificationText(r), r.status ?? 'none',
    [
      ...r.implementations.map((i) => `${i.layer}${i.override ? ' (override)' : ''}: ${i.name} (${i.status})${i.layer === 'overlay' ? ` via ${i.via.join(', ')}` : ''}`),
      ...r.replaced.map((name) => `replaced for this tenant: ${name}`),
    ].join('\n'),
    gdprText(r), owners(r.implementations),
  ]);
}
