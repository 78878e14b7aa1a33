import { ApiError, errorFor } from '../api/client';
import { useValueLabel } from '../api/meta';
import type { FieldSpec } from '../api/schema';
import type { Obj } from '../api/types';
import { CheckboxGroup } from './CheckboxGroup';
import { Field } from './Field';

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
  const group = spec.kind === 'multi' || spec.kind === 'refs' || spec.kind === 'contacts';
  return (
    <Field id={fieldId(spec.name)} label={spec.label} required={spec.required && spec.kind !== 'boolean'} help={spec.description}
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
