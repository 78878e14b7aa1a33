import type { FieldSpec } from '../api/schema';
import type { Obj } from '../api/types';

interface Contact { name: string; email: string; role?: string }

/** One form control for one schema field, labelled, with its description and the API's error beside it. */
export function FieldInput({ spec, value, onChange, error, choices }: {
  spec: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string;
  /** Objects a reference field may point at. */
  choices?: Obj[];
}) {
  const id = `field-${spec.name}`;
  const describedBy = [spec.description ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined };
  let control;
  switch (spec.kind) {
    case 'boolean':
      control = <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'select':
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} required={spec.required} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{spec.required ? 'Choose…' : '—'}</option>
          {spec.options?.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
      break;
    case 'ref':
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} required={spec.required} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">{spec.required ? 'Choose…' : '— none —'}</option>
          {choices?.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.slug})</option>)}
        </select>
      );
      break;
    case 'multi':
    case 'refs': {
      const selected = new Set(Array.isArray(value) ? (value as string[]) : []);
      const options = spec.kind === 'refs' ? (choices ?? []).map((o) => ({ value: o.id, label: `${o.name} (${o.slug})` })) : (spec.options ?? []).map((o) => ({ value: o, label: o }));
      control = (
        <select {...common} multiple size={Math.min(8, Math.max(3, options.length))} value={[...selected]}
          onChange={(e) => onChange(Array.from(e.target.selectedOptions, (o) => o.value))}>
          {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      );
      break;
    }
    case 'integer':
      control = <input type="number" step={1} {...common} value={value === null || value === undefined ? '' : String(value)} required={spec.required}
        onChange={(e) => onChange(e.target.value === '' ? (spec.nullable ? null : undefined) : Number(e.target.value))} />;
      break;
    case 'date':
      control = <input type="date" {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || (spec.nullable ? null : undefined))} />;
      break;
    case 'textarea':
      control = <textarea {...common} rows={3} maxLength={spec.maxLength} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'contacts':
      control = <ContactsInput id={id} value={Array.isArray(value) ? (value as Contact[]) : []} onChange={onChange} />;
      break;
    default:
      control = <input type="text" {...common} maxLength={spec.maxLength} required={spec.required} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field field-${spec.kind}${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{spec.label}{spec.required && <span aria-hidden="true" className="required"> *</span>}{spec.required && <span className="visually-hidden"> (required)</span>}</label>
      {control}
      {spec.description && <small id={`${id}-help`} className="help">{spec.description}{spec.kind === 'multi' || spec.kind === 'refs' ? ' (Ctrl/Cmd-click to choose several.)' : ''}</small>}
      {error && <small id={`${id}-error`} className="field-error" role="alert">{error}</small>}
    </div>
  );
}

function ContactsInput({ id, value, onChange }: { id: string; value: Contact[]; onChange: (v: Contact[]) => void }) {
  const set = (i: number, patch: Partial<Contact>) => onChange(value.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset id={id} className="contacts">
      <legend className="visually-hidden">Contacts</legend>
      {value.map((c, i) => (
        <div key={i} className="contact-row">
          <input aria-label={`Contact ${i + 1} name`} placeholder="Name" value={c.name} onChange={(e) => set(i, { name: e.target.value })} />
          <input aria-label={`Contact ${i + 1} email`} placeholder="email@example.com" type="email" value={c.email} onChange={(e) => set(i, { email: e.target.value })} />
          <input aria-label={`Contact ${i + 1} role`} placeholder="Role (DPO, security officer…)" value={c.role ?? ''} onChange={(e) => set(i, { role: e.target.value })} />
          <button type="button" onClick={() => onChange(value.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...value, { name: '', email: '', role: '' }])}>Add contact</button>
    </fieldset>
  );
}
