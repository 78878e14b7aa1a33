import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, errorFor, get } from '../api/client';
import { useAll } from '../api/names';
import { KIND_LABELS, SCOPE_CHANGE_KINDS, useCurrentStatement, type Exclusion, type Impact, type ScopeChangeRequest } from '../api/scope';
import { CheckboxGroup } from '../components/CheckboxGroup';
import { ErrorBanner, type FieldRef } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { navigate } from '../router';

interface Draft {
  title: string; kind: ScopeChangeRequest['kind']; description: string; impact: Impact;
  text: string; serviceIds: string[]; locations: string; teams: string; exclusions: Exclusion[];
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

const IMPACT_FIELDS: Array<[keyof Impact, string, string]> = [
  ['assets', 'Affected assets and systems', 'New platform components, data stores, tools.'],
  ['risks', 'Risks', 'Risks the change adds or alters, and their treatment.'],
  ['controls', 'Controls', 'Annex A controls to add or revisit.'],
  ['tenants', 'Tenants affected', 'Which customers, and how (notification, DPA, sub-processor list). "None" is an answer.'],
];

/** The control an API error names: `proposed.exclusions.2.justification` → its input; list entries → the list's box. */
function controlId(path: string[]): string {
  if (path[0] === 'proposed' && ['serviceIds', 'locations', 'teams'].includes(path[1] ?? '')) return `cr-proposed-${path[1]}`;
  return `cr-${path.join('-')}`;
}

/**
 * Propose a scope change, or edit a draft: the change, its ISMS impact, and the whole statement as it would
 * read after approval (a new proposal starts from the current statement).
 */
export function ScopeChangeEditPage({ id }: { id?: string }) {
  const client = useQueryClient();
  const existing = useQuery({ queryKey: ['scope', 'change', id], queryFn: () => get<ScopeChangeRequest>(`/api/scope/change-requests/${id}`), enabled: !!id });
  const current = useCurrentStatement();
  const services = useAll('services');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (draft) return;
    if (id && existing.data) {
      const c = existing.data;
      setDraft({
        title: c.title, kind: c.kind, description: c.description, impact: c.impact, text: c.proposed.text,
        serviceIds: c.proposed.services.map((s) => s.id).filter((x): x is string => !!x),
        locations: c.proposed.locations.join('\n'), teams: c.proposed.teams.join('\n'), exclusions: c.proposed.exclusions,
      });
    } else if (!id && current.data !== undefined) {
      const s = current.data;
      setDraft({
        title: '', kind: 'new-service', description: '', impact: { assets: '', risks: '', controls: '', tenants: '' },
        text: s?.text ?? '', serviceIds: (s?.services ?? []).map((x) => x.id).filter((x): x is string => !!x),
        locations: (s?.locations ?? []).join('\n'), teams: (s?.teams ?? []).join('\n'), exclusions: s?.exclusions ?? [],
      });
    }
  }, [id, existing.data, current.data, draft]);

  if (existing.error || current.error) return <ErrorBanner error={existing.error ?? current.error} />;
  if (!draft) return <p aria-live="polite">Loading…</p>;
  if (id && existing.data && !existing.data.allowed.edit) {
    return <section><h1>SCR-{existing.data.number} {existing.data.title}</h1><p className="notice">This request is {existing.data.status}; only a draft can be edited, by its requester or a manager.</p></section>;
  }

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const setExclusion = (i: number, patch: Partial<Exclusion>) => set({ exclusions: draft.exclusions.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
  const err = (...path: string[]) => errorFor(error, ...path);
  const fields: FieldRef[] = error instanceof ApiError && error.field ? [{ name: error.fieldPath[0]!, label: 'the field', id: controlId(error.fieldPath) }] : [];

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaving(true);
    const body = {
      title: draft.title, kind: draft.kind, description: draft.description, impact: draft.impact,
      proposed: { text: draft.text, serviceIds: draft.serviceIds, locations: lines(draft.locations), teams: lines(draft.teams), exclusions: draft.exclusions },
    };
    try {
      const saved = id ? await api<ScopeChangeRequest>('PATCH', `/api/scope/change-requests/${id}`, body) : await api<ScopeChangeRequest>('POST', '/api/scope/change-requests', body);
      await client.invalidateQueries({ queryKey: ['scope'] });
      navigate(`/scope/changes/${saved.id}`);
    } catch (err2) { setError(err2); } finally { setSaving(false); }
  };

  return (
    <section>
      <h1>{id ? `Edit SCR-${existing.data?.number}` : 'Propose a scope change'}</h1>
      <ErrorBanner error={error} fields={fields} />
      <form className="resource-form" onSubmit={(e) => void save(e)} noValidate>
        <Field id="cr-title" label="Title" required error={err('title')} help='A short name, e.g. "Harbor Private in AWS eu-north-1".'>
          {(c) => <input {...c} value={draft.title} maxLength={200} onChange={(e) => set({ title: e.target.value })} />}
        </Field>
        <Field id="cr-kind" label="Kind of change" required error={err('kind')}>
          {(c) => <select {...c} value={draft.kind} onChange={(e) => set({ kind: e.target.value as Draft['kind'] })}>{SCOPE_CHANGE_KINDS.map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}</select>}
        </Field>
        <Field id="cr-description" label="Description" error={err('description')} help="What changes and why.">
          {(c) => <textarea {...c} value={draft.description} maxLength={4000} onChange={(e) => set({ description: e.target.value })} />}
        </Field>

        <fieldset className="scope-section">
          <legend>ISMS impact (all four are needed to submit)</legend>
          {IMPACT_FIELDS.map(([key, label, help]) => (
            <Field key={key} id={`cr-impact-${key}`} label={label} help={help} error={err('impact', key)}>
              {(c) => <textarea {...c} value={draft.impact[key]} maxLength={4000} onChange={(e) => set({ impact: { ...draft.impact, [key]: e.target.value } })} />}
            </Field>
          ))}
        </fieldset>

        <fieldset className="scope-section">
          <legend>Proposed scope statement (the whole statement as it reads after approval)</legend>
          <Field id="cr-proposed-text" label="Statement text" required error={err('proposed', 'text')} help="Describe services, never customers: this is what the certificate shows.">
            {(c) => <textarea {...c} rows={8} value={draft.text} maxLength={20000} onChange={(e) => set({ text: e.target.value })} />}
          </Field>
          <Field id="cr-proposed-serviceIds" label="Services in scope" group error={err('proposed', 'serviceIds')}>
            {(c) => <CheckboxGroup id={c.id} name="services" invalid={!!c['aria-invalid']} value={draft.serviceIds} onChange={(v) => set({ serviceIds: v })}
              choices={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />}
          </Field>
          <Field id="cr-proposed-locations" label="Locations" help="One per line: offices, data-centre and cloud regions." error={err('proposed', 'locations')}>
            {(c) => <textarea {...c} rows={5} value={draft.locations} onChange={(e) => set({ locations: e.target.value })} />}
          </Field>
          <Field id="cr-proposed-teams" label="Teams" help="One per line." error={err('proposed', 'teams')}>
            {(c) => <textarea {...c} rows={4} value={draft.teams} onChange={(e) => set({ teams: e.target.value })} />}
          </Field>
          <fieldset className="scope-section" id="cr-proposed-exclusions" tabIndex={-1}>
            <legend>Exclusions (each needs its justification)</legend>
            {draft.exclusions.length === 0 && <p className="muted">Nothing excluded.</p>}
            {draft.exclusions.map((x, i) => (
              <div key={i} className="exclusion-row">
                <Field id={`cr-proposed-exclusions-${i}-subject`} label={`Exclusion ${i + 1}: what is excluded`} required error={err('proposed', 'exclusions', String(i), 'subject')}>
                  {(c) => <input {...c} value={x.subject} maxLength={200} onChange={(e) => setExclusion(i, { subject: e.target.value })} />}
                </Field>
                <Field id={`cr-proposed-exclusions-${i}-justification`} label={`Exclusion ${i + 1}: justification`} required error={err('proposed', 'exclusions', String(i), 'justification')}>
                  {(c) => <textarea {...c} value={x.justification} maxLength={2000} onChange={(e) => setExclusion(i, { justification: e.target.value })} />}
                </Field>
                <button type="button" onClick={() => set({ exclusions: draft.exclusions.filter((_, j) => j !== i) })}>Remove exclusion {i + 1}</button>
              </div>
            ))}
            <button type="button" onClick={() => set({ exclusions: [...draft.exclusions, { subject: '', justification: '' }] })}>Add an exclusion</button>
          </fieldset>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={saving}>{saving ? 'Saving…' : id ? 'Save draft' : 'Save as draft'}</button>{' '}
          <button type="button" onClick={() => navigate(id ? `/scope/changes/${id}` : '/scope/changes')}>Cancel</button>
        </div>
      </form>
    </section>
  );
}
