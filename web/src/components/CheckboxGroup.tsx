import { useState } from 'react';

export interface Choice { value: string; label: string }

/**
 * A set of values as checkboxes (keyboard: Tab and Space, no Ctrl-click as with a multiple select).
 * Long lists get a filter box; chosen values always stay visible.
 */
export function CheckboxGroup({ id, name, choices, value, onChange, invalid }: {
  id: string;
  /** What the filter box is about, for its label ("tenants"). */
  name: string;
  choices: Choice[];
  value: string[];
  onChange: (value: string[]) => void;
  invalid?: boolean;
}) {
  const [filter, setFilter] = useState('');
  const chosen = new Set(value);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? choices.filter((c) => chosen.has(c.value) || c.label.toLowerCase().includes(needle) || c.value.toLowerCase().includes(needle)) : choices;
  const toggle = (v: string, on: boolean) => onChange(on ? [...value, v] : value.filter((x) => x !== v));
  return (
    <div className="checks-wrap">
      {choices.length > 12 && (
        <input type="search" className="checks-filter" aria-label={`Filter ${name}`} placeholder={`Filter ${name}…`} value={filter}
          onChange={(e) => setFilter(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') e.preventDefault(); }} />
      )}
      <div className="checks">
        {choices.length === 0 && <span className="muted">None to choose from yet.</span>}
        {shown.map((c, i) => (
          <label key={c.value} className="check">
            <input type="checkbox" id={i === 0 ? id : undefined} aria-invalid={invalid || undefined} checked={chosen.has(c.value)} onChange={(e) => toggle(c.value, e.target.checked)} />
            {c.label}
          </label>
        ))}
      </div>
      {choices.length > 12 && <small className="muted" aria-live="polite">{value.length} chosen</small>}
    </div>
  );
}
