import { useState, type FormEvent } from 'react';
import { useAll } from '../api/names';
import type { FieldSpec } from '../api/schema';
import type { Obj } from '../api/types';
import { ErrorBanner } from './ErrorBanner';
import { FieldInput, fieldId } from './FieldInput';

/** A create or edit form built from the API's schema; server validation errors land beside their field. */
export function ResourceForm({ fields, initial, submitLabel, onSubmit, onCancel }: {
  fields: FieldSpec[];
  initial: Record<string, unknown>;
  submitLabel: string;
  onSubmit: (values: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Record<string, unknown>>(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const targets = [...new Set(fields.map((f) => f.target).filter((t): t is string => !!t))];
  // Load only the kinds of object this form refers to.
  const services = useAll('services', targets.includes('services'));
  const vendors = useAll('vendors', targets.includes('vendors'));
  const tenants = useAll('tenants', targets.includes('tenants'));
  const systems = useAll('systems', targets.includes('systems'));
  const choices: Record<string, Obj[]> = {
    services: services.data ?? [], vendors: vendors.data ?? [], tenants: tenants.data ?? [], systems: systems.data ?? [],
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="resource-form">
      <ErrorBanner error={error} fields={fields.map((f) => ({ name: f.name, label: f.label, id: fieldId(f.name) }))} />
      <p className="muted">Fields marked <span className="required" aria-hidden="true">*</span><span className="visually-hidden">required</span> are required.</p>
      {fields.map((spec) => (
        <FieldInput key={spec.name} spec={spec} value={values[spec.name]} choices={spec.target ? choices[spec.target] : undefined}
          error={error} onChange={(v) => setValues((prev) => ({ ...prev, [spec.name]: v }))} />
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

/** A new object's starting values: checkboxes start unticked (so a required yes/no is sent as "no", not left out). */
export function defaultsOf(fields: FieldSpec[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f.kind === 'boolean').map((f) => [f.name, false]));
}

/** The body to send: on create only what was filled in; on edit only what changed. */
export function bodyOf(fields: FieldSpec[], values: Record<string, unknown>, original?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (original) {
      if (JSON.stringify(v ?? null) !== JSON.stringify(original[f.name] ?? null)) body[f.name] = v === undefined ? (f.nullable ? null : '') : v;
    } else if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      body[f.name] = v;
    }
  }
  return body;
}
