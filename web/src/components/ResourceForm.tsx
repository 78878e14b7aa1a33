import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useAll } from '../api/names';
import type { FieldSpec } from '../api/schema';
import type { Obj } from '../api/types';
import { ErrorBanner } from './ErrorBanner';
import { FieldInput } from './FieldInput';

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
  const fieldError = error instanceof ApiError && error.field ? error.field.split('.')[0] : undefined;

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
      <ErrorBanner error={error} />
      {fields.map((spec) => (
        <FieldInput key={spec.name} spec={spec} value={values[spec.name]} choices={spec.target ? choices[spec.target] : undefined}
          error={fieldError === spec.name ? (error as ApiError).message : undefined}
          onChange={(v) => setValues((prev) => ({ ...prev, [spec.name]: v }))} />
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

/** The body to send: on create only what was filled in; on edit only what changed. */
export function bodyOf(fields: FieldSpec[], values: Record<string, unknown>, original?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (original) {
      if (JSON.stringify(v ?? null) !== JSON.stringify(original[f.name] ?? null)) body[f.name] = v === undefined ? (f.nullable ? null : '') : v;
    } else if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      body[f.name] = v;
    }
  }
  return body;
}
