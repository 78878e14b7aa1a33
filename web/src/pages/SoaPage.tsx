import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, errorFor, get, withQuery } from '../api/client';
import {
  applicableLabel, exportLinks, IMPLEMENTATION_STATUSES, percent, SOA_REASONS, THEMES,
  type SoaRow, type SoaSummary, type SoaTenantRow, type SoaView, type TenantSoaView, type TierSoaView,
} from '../api/soa';
import { useSession } from '../auth/session';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { Link, navigate, useLocation } from '../router';

const BASE = '/soa';

/** The applicability decision of one control, edited in place (owners and ISMS managers). */
function DecisionForm({ row, onDone }: { row: SoaRow; onDone: (message: string | null) => void }) {
  const client = useQueryClient();
  const [applicable, setApplicable] = useState(row.applicable ?? true);
  const [reasons, setReasons] = useState<string[]>(row.reasons);
  const [justification, setJustification] = useState(row.justification);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const id = `decision-${row.controlId}`;
  const submit = async () => {
    setError(null);
    setBusy(true);
    try {
      await api('PUT', `/api/soa/decisions/${row.controlId}`, { applicable, reasons, justification });
      await client.invalidateQueries({ queryKey: ['soa'] });
      onDone(`Control ${row.controlId} is now ${applicable ? 'applicable' : 'not applicable'}.`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <form className="inline-form" noValidate aria-labelledby={`${id}-title`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>Decision for {row.controlId} {row.title}</h2>
      <ErrorBanner error={error} fields={[{ name: 'justification', label: 'the justification', id: `${id}-justification` }]} />
      <fieldset>
        <legend>Applicable?</legend>
        <label><input type="radio" name={`${id}-applicable`} checked={applicable} onChange={() => setApplicable(true)} /> Yes, the control applies</label>{' '}
        <label><input type="radio" name={`${id}-applicable`} checked={!applicable} onChange={() => setApplicable(false)} /> No, it is excluded</label>
      </fieldset>
      <fieldset>
        <legend>Reasons</legend>
        {SOA_REASONS.map((r) => (
          <label key={r}>
            <input type="checkbox" checked={reasons.includes(r)} onChange={(e) => setReasons(e.target.checked ? [...reasons, r] : reasons.filter((x) => x !== r))} /> {r}{' '}
          </label>
        ))}
      </fieldset>
      <Field id={`${id}-justification`} label="Justification" required={!applicable} help="Required when the control is excluded: auditors ask for it first." error={errorFor(error, 'justification')}>
        {(control) => <textarea {...control} rows={3} maxLength={4000} value={justification} onChange={(e) => setJustification(e.target.value)} />}
      </Field>
      <p>
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save decision'}</button>{' '}
        <button type="button" onClick={() => onDone(null)}>Cancel</button>
      </p>
    </form>
  );
}

function Summary({ s }: { s: SoaSummary }) {
  return (
    <p>
      <strong>{percent(s.coverage)}</strong> coverage: {s.implemented} of {s.applicable} applicable controls implemented or operating;{' '}
      {s.notApplicable} not applicable; <span className={s.undecided ? 'warn' : undefined}>{s.undecided} without a decision</span>.
    </p>
  );
}

function implementationsCell(r: SoaRow) {
  if (r.implementations.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="plain">
      {r.implementations.map((i) => (
        <li key={i.id}>
          <Link to={`/control-implementations/${i.id}`}>{i.name}</Link> <small className="muted">({i.layer}{i.overrides ? ', override' : ''}{i.targetTiers.length ? `, tier ${i.targetTiers.join('/')}` : ''}{i.targetTenantIds.length ? `, ${i.targetTenantIds.length} tenant(s)` : ''}{i.targetServiceIds.length ? `, ${i.targetServiceIds.length} service(s)` : ''}; {i.status})</small>
        </li>
      ))}
    </ul>
  );
}

/** Rows of a tenant's or a tier's view: each implementation with how it reaches them; an override and what it replaces marked. */
export function tenantImplementationsCell(r: SoaTenantRow) {
  if (r.implementations.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="plain">
      {r.implementations.map((i) => (
        <li key={i.slug}>
          {i.name} <small className="muted">({i.layer}{i.layer === 'overlay' ? ` via ${i.via.join(', ')}` : ''}; {i.status})</small>
          {i.override && <> <strong>override</strong></>}
        </li>
      ))}
      {r.replaced.map((name) => <li key={`replaced-${name}`}><small className="muted">replaces the common <s>{name}</s></small></li>)}
    </ul>
  );
}

const gdprCell = (r: { gdpr: Array<{ gdpr: string; reason: string }> }) => r.gdpr.map((g) => <span key={g.gdpr} title={g.reason} className="tag">Art. {g.gdpr}</span>);
const justificationCell = (r: { reasons: string[]; justification: string }) => <>{r.reasons.join(', ')}{r.reasons.length && r.justification ? ': ' : ''}{r.justification}</>;

/** With more tenants than the view list holds: find one by name or slug (the tenant list's own search). */
function TenantFinder({ onPick }: { onPick: (id: string) => void }) {
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['tenants', 'soa-finder', q], enabled: q.trim().length >= 2, retry: false,
    queryFn: () => get<{ items: Array<{ id: string; name: string; tier: string }> }>('/api/tenants', { q: q.trim(), limit: 10, sort: 'name' }),
  });
  return (
    <div className="filters">
      <Field id="soa-tenant-find" label="Find a tenant" help="The view list holds the first 200 tenants; type two letters or more of any other's name.">
        {(control) => <input {...control} type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />}
      </Field>
      {found.data && (
        <ul className="plain" aria-label="Tenants found">
          {found.data.items.length === 0 ? <li className="muted">No tenant matches.</li> : found.data.items.map((t) => (
            <li key={t.id}><button type="button" onClick={() => onPick(t.id)}>{t.name} (tier {t.tier})</button></li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The Statement of Applicability: the 93 Annex A controls with their decisions and implementations; filters by theme,
 * applicability and status in the URL; the view of a tier or a tenant; exports; decisions edited in place.
 */
export function SoaPage() {
  const { can } = useSession();
  const { query } = useLocation();
  const filters = { theme: query.get('theme') ?? '', applicable: query.get('applicable') ?? '', status: query.get('status') ?? '', tier: query.get('tier') ?? '', tenant: query.get('tenant') ?? '' };
  const set = (patch: Partial<typeof filters>) => navigate(withQuery(BASE, { ...filters, ...patch }), { replace: true });
  const whole = useQuery({ queryKey: ['soa', 'current'], queryFn: () => get<SoaView>('/api/soa'), enabled: !filters.tier && !filters.tenant, retry: false });
  const tier = useQuery({ queryKey: ['soa', 'tier', filters.tier], queryFn: () => get<TierSoaView>(`/api/soa/tiers/${filters.tier}`), enabled: !!filters.tier && !filters.tenant, retry: false });
  const tenant = useQuery({ queryKey: ['soa', 'tenant', filters.tenant], queryFn: () => get<TenantSoaView>(`/api/soa/tenants/${filters.tenant}`), enabled: !!filters.tenant, retry: false });
  const tenants = useQuery({ queryKey: ['tenants', 'for-soa'], queryFn: () => get<{ items: Array<{ id: string; name: string; tier: string }>; total: number }>('/api/tenants', { limit: 200, sort: 'name' }), enabled: can('read', 'tenants'), retry: false });
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const keep = (r: { theme: string; decided: boolean; applicable: boolean | null; status: string | null }) =>
    (!filters.theme || r.theme === filters.theme)
    && (!filters.applicable || (filters.applicable === 'undecided' ? !r.decided : r.decided && r.applicable === (filters.applicable === 'yes')))
    && (!filters.status || (r.status ?? 'none') === filters.status);
  const active = filters.tenant ? tenant : filters.tier ? tier : whole;
  const summary = active.data?.summary;
  const mayDecide = can('update', 'soa') && !filters.tier && !filters.tenant;
  const editRow = editing ? whole.data?.rows.find((r) => r.controlId === editing) : undefined;
  const exportQuery = filters.tenant ? `?tenant=${filters.tenant}` : filters.tier ? `?tier=${filters.tier}` : '';
  const viewValue = filters.tenant ? `tenant:${filters.tenant}` : filters.tier ? `tier:${filters.tier}` : '';
  const common = [
    { key: 'control', label: 'Control', render: (r: SoaRow | SoaTenantRow) => <strong>{r.controlId}</strong> },
    { key: 'title', label: 'Title', render: (r: SoaRow | SoaTenantRow) => r.title },
    { key: 'theme', label: 'Theme', render: (r: SoaRow | SoaTenantRow) => r.theme },
    { key: 'applicable', label: 'Applicable', render: (r: SoaRow | SoaTenantRow) => <span className={!r.decided ? 'warn' : undefined}>{applicableLabel(r)}</span> },
    { key: 'justification', label: 'Justification', render: justificationCell },
    { key: 'status', label: 'Status', render: (r: SoaRow | SoaTenantRow) => r.status ?? <span className="muted">none</span> },
  ];
  return (
    <section>
      <div className="page-head">
        <h1>Statement of Applicability</h1>
        <p>
          {exportLinks(exportQuery, filters.tenant ? 'soa-tenant' : filters.tier ? `soa-tier-${filters.tier}` : 'soa').map((l) => <span key={l.href}><a className="button" href={l.href} download={l.download}>{l.label}</a>{' '}</span>)}
          {can('read', 'soa-approval') && <Link to="/soa/versions">Approved versions</Link>}{' '}
          {can('create', 'control-implementations') && <Link to="/control-implementations/new">New implementation</Link>}
        </p>
      </div>
      <p className="muted">ISO/IEC 27001:2022 Annex A: whether each control applies and why, how it is implemented (common to every tenant, or an overlay for some), and the GDPR articles it supports.</p>
      <form className="filters" aria-label="Filter and view" onSubmit={(e) => e.preventDefault()}>
        <Field id="soa-view" label="View">
          {(control) => (
            <select {...control} value={viewValue} onChange={(e) => {
              const [kind, value] = e.target.value.split(':');
              setEditing(null);
              set({ tier: kind === 'tier' ? value : '', tenant: kind === 'tenant' ? value : '' });
            }}>
              <option value="">Whole organization</option>
              {['A', 'B', 'C'].map((t) => <option key={t} value={`tier:${t}`}>Tier {t} (common + tier overlays)</option>)}
              {(tenants.data?.items ?? []).map((t) => <option key={t.id} value={`tenant:${t.id}`}>Tenant {t.name} (tier {t.tier})</option>)}
              {filters.tenant && tenant.data && !(tenants.data?.items ?? []).some((t) => t.id === filters.tenant) && (
                <option value={`tenant:${tenant.data.tenant.id}`}>Tenant {tenant.data.tenant.name} (tier {tenant.data.tenant.tier})</option>
              )}
            </select>
          )}
        </Field>
        <Field id="soa-theme" label="Theme">
          {(control) => <select {...control} value={filters.theme} onChange={(e) => set({ theme: e.target.value })}><option value="">All</option>{THEMES.map((t) => <option key={t}>{t}</option>)}</select>}
        </Field>
        <Field id="soa-applicable" label="Applicable">
          {(control) => (
            <select {...control} value={filters.applicable} onChange={(e) => set({ applicable: e.target.value })}>
              <option value="">All</option><option value="yes">Yes</option><option value="no">No</option><option value="undecided">Not decided</option>
            </select>
          )}
        </Field>
        <Field id="soa-status" label="Status">
          {(control) => <select {...control} value={filters.status} onChange={(e) => set({ status: e.target.value })}><option value="">All</option><option value="none">none</option>{IMPLEMENTATION_STATUSES.map((s) => <option key={s}>{s}</option>)}</select>}
        </Field>
      </form>
      {tenants.data && tenants.data.total > tenants.data.items.length && <TenantFinder onPick={(id) => { setEditing(null); set({ tier: '', tenant: id }); }} />}
      <ErrorBanner error={active.error} />
      <p role="status">{status}</p>
      {summary && <Summary s={summary} />}
      {filters.tenant && tenant.data && <p>The controls that apply to <Link to={`/tenants/${tenant.data.tenant.id}`}>{tenant.data.tenant.name}</Link> (tier {tenant.data.tenant.tier}): every common implementation and the overlays that reach it. <Link to={`/soa/tenants/${tenant.data.tenant.id}`}>Tenant SoA page</Link></p>}
      {editRow && <DecisionForm key={editRow.controlId} row={editRow} onDone={(message) => { setEditing(null); if (message) setStatus(message); }} />}
      {!filters.tier && !filters.tenant && whole.data && (
        <DataTable caption="Statement of Applicability" rows={whole.data.rows.filter(keep).map((r) => ({ ...r, id: r.controlId }))} empty="No control matches the filters." columns={[
          ...common,
          { key: 'implementations', label: 'Implementation (common/overlay)', render: implementationsCell },
          { key: 'gdpr', label: 'GDPR', render: gdprCell },
          { key: 'exceptions', label: 'Exceptions', render: (r: SoaRow) => (r.exceptions ? <strong className="warn">{r.exceptions}</strong> : '0') },
          ...(mayDecide ? [{ key: 'decide', label: 'Decision', render: (r: SoaRow) => <button type="button" onClick={() => setEditing(r.controlId)} aria-label={`Decide ${r.controlId} ${r.title}`}>Decide</button> }] : []),
        ]} />
      )}
      {(filters.tier || filters.tenant) && active.data && (
        <DataTable caption={filters.tenant ? 'Tenant SoA' : `Tier ${filters.tier} SoA`} rows={(active.data.rows as SoaTenantRow[]).filter(keep).map((r) => ({ ...r, id: r.controlId }))} empty="No control matches the filters." columns={[
          ...common,
          { key: 'implementations', label: 'Implementation (common/overlay)', render: tenantImplementationsCell },
          { key: 'gdpr', label: 'GDPR', render: gdprCell },
        ]} />
      )}
    </section>
  );
}
