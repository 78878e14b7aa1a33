import { useState } from 'react';
import { ApiError, errorFor } from '../api/client';
import { useValueLabel } from '../api/meta';
import type { FieldSpec } from '../api/schema';
import type { Obj } from '../api/types';
import { CheckboxGroup } from './CheckboxGroup';
import { Field, type ControlProps } from './Field';

interface Contact { name: string; email: string; role?: string }

/** The id of a schema field's control (the error summary links to it). */
export const fieldId = (name: string) => `field-${name}`;

/** One form control for one schema field: labelled, required ones marked, the API's error beside it. */
export function FieldInput({ spec, value, onChange, error, choices }: {
  spec: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  /** The API's last error; shown here when it is about this field. */
  error?: unknown;
  /** Objects a reference field may point at. */
  choices?: Obj[];
}) {
  const valueLabel = useValueLabel();
  const message = errorFor(error, spec.name);
  const group = spec.kind === 'multi' || spec.kind === 'refs' || spec.kind === 'contacts' || spec.kind === 'objects';
  return (
    <Field id={fieldId(spec.name)} label={spec.label} required={spec.required && spec.kind !== 'boolean'} help={spec.kind === 'lines' ? `${spec.description ? `${spec.description} ` : ''}One per line.` : spec.description}
      error={message} group={group} className={`field-${spec.kind}`}>
      {(control) => {
        switch (spec.kind) {
          case 'boolean':
            return <input type="checkbox" {...control} required={undefined} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
          case 'select':
            return (
              <select {...control} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || undefined)}>
                <option value="">{spec.required ? 'Choose…' : '—'}</option>
                {spec.options?.map((o) => <option key={o} value={o}>{valueLabel(o)}</option>)}
              </select>
            );
          case 'ref':
            return (
              <select {...control} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || null)}>
                <option value="">{spec.required ? 'Choose…' : '— none —'}</option>
                {choices?.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.slug})</option>)}
              </select>
            );
          case 'multi':
          case 'refs': {
            const list = spec.kind === 'refs'
              ? (choices ?? []).map((o) => ({ value: o.id, label: `${o.name} (${o.slug})` }))
              : (spec.options ?? []).map((o) => ({ value: o, label: valueLabel(o) }));
            return <CheckboxGroup id={control.id} name={spec.label.toLowerCase()} choices={list} invalid={!!message}
              value={Array.isArray(value) ? (value as string[]) : []} onChange={onChange} />;
          }
          case 'integer':
            return <input type="number" step={1} {...control} value={value === null || value === undefined ? '' : String(value)}
              onChange={(e) => onChange(e.target.value === '' ? (spec.nullable ? null : undefined) : Number(e.target.value))} />;
          case 'date':
            return <input type="date" {...control} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || (spec.nullable ? null : undefined))} />;
          case 'textarea':
            return <textarea {...control} rows={3} maxLength={spec.maxLength} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
          case 'contacts':
            return <ContactsInput value={Array.isArray(value) ? (value as Contact[]) : []} onChange={onChange} error={error} />;
          case 'lines':
            return <LinesInput control={control} value={Array.isArray(value) ? (value as string[]) : []} onChange={onChange} />;
          case 'objects':
            return <ObjectsInput spec={spec} value={Array.isArray(value) ? (value as Array<Record<string, unknown>>) : []} onChange={onChange} error={error} />;
          default:
            return <input type="text" {...control} maxLength={spec.maxLength} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
        }
      }}
    </Field>
  );
}

/** A tenant's contacts: one row per person; an error such as `contacts.1.email` marks that very input. */
function ContactsInput({ value, onChange, error }: { value: Contact[]; onChange: (v: Contact[]) => void; error: unknown }) {
  const set = (i: number, patch: Partial<Contact>) => onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const bad = (i: number, key: keyof Contact) => error instanceof ApiError && errorFor(error, 'contacts', String(i), key) !== undefined;
  const input = (i: number, key: keyof Contact, label: string, placeholder: string, type = 'text') => (
    <input aria-label={`Contact ${i + 1} ${label}`} placeholder={placeholder} type={type} value={value[i]?.[key] ?? ''}
      aria-invalid={bad(i, key) || undefined} aria-describedby={bad(i, key) ? 'field-contacts-error' : undefined}
      onChange={(e) => set(i, { [key]: e.target.value })} />
  );
  return (
    <>
      {value.map((_, i) => (
        <div key={i} className="contact-row">
          {input(i, 'name', 'name', 'Name')}
          {input(i, 'email', 'email', 'email@example.com', 'email')}
          {input(i, 'role', 'role', 'Role (DPO, security officer…)')}
          <button type="button" onClick={() => onChange(value.filter((__, j) => j !== i))}>Remove contact {i + 1}</button>
        </div>
      ))}
      <div><button type="button" onClick={() => onChange([...value, { name: '', email: '', role: '' }])}>Add contact</button></div>
    </>
  );
}

/**
 * A list of small objects (a processing activity's transfers): one row of inputs per item, from the item's schema;
 * an error such as `transfers.1.safeguard` marks that very input.
 */
function ObjectsInput({ spec, value, onChange, error }: { spec: FieldSpec; value: Array<Record<string, unknown>>; onChange: (v: unknown) => void; error: unknown }) {
  const valueLabel = useValueLabel();
  const fields = spec.itemFields ?? [];
  const one = spec.label.toLowerCase().replace(/s$/, '');
  const set = (i: number, key: string, v: unknown) => onChange(value.map((o, j) => {
    if (j !== i) return o;
    const next = { ...o, [key]: v };
    if (v === undefined || v === '') delete next[key];
    return next;
  }));
  const bad = (i: number, key: string) => errorFor(error, spec.name, String(i), key) !== undefined;
  return (
    <>
      {value.map((item, i) => (
        <div key={i} className="contact-row">
          {fields.map((f) => {
            const common = {
              'aria-label': `${spec.label} ${i + 1}: ${f.label}`, 'aria-invalid': bad(i, f.name) || undefined,
              'aria-describedby': bad(i, f.name) ? `${fieldId(spec.name)}-error` : undefined,
            };
            return f.kind === 'select' ? (
              <select key={f.name} {...common} value={typeof item[f.name] === 'string' ? (item[f.name] as string) : ''} onChange={(e) => set(i, f.name, e.target.value || undefined)}>
                <option value="">{f.label}…</option>
                {f.options?.map((o) => <option key={o} value={o}>{valueLabel(o)}</option>)}
              </select>
            ) : (
              <input key={f.name} {...common} type="text" placeholder={f.label} maxLength={f.maxLength}
                value={typeof item[f.name] === 'string' ? (item[f.name] as string) : ''} onChange={(e) => set(i, f.name, e.target.value)} />
            );
          })}
          <button type="button" onClick={() => onChange(value.filter((_, j) => j !== i))}>Remove {one} {i + 1}</button>
        </div>
      ))}
      <div><button type="button" onClick={() => onChange([...value, {}])}>Add {one}</button></div>
    </>
  );
}

/** A list of free strings (purposes, categories), one per line; the text is kept as typed, the list sent without blank lines. */
function LinesInput({ control, value, onChange }: { control: ControlProps; value: string[]; onChange: (v: string[]) => void }) {
  const [text, setText] = useState(value.join('\n'));
  return <textarea {...control} rows={3} value={text} onChange={(e) => {
    setText(e.target.value);
    onChange(e.target.value.split('\n').map((l) => l.trim()).filter(Boolean));
  }} />;
}
