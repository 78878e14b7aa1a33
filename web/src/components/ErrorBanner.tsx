import { useEffect, useRef } from 'react';
import { ApiError } from '../api/client';

/** A form field the error summary can point at. */
export interface FieldRef { name: string; label: string; id: string }

/**
 * The error of a failed action, as a summary that takes the focus (keyboard and screen-reader users land on it).
 * When the API names a field of this form, the summary links to it; the message also shows beside the field.
 */
export function ErrorBanner({ error, fields = [] }: { error: unknown; fields?: FieldRef[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { if (error) ref.current?.focus(); }, [error]);
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const field = e ? fields.find((f) => f.name === e.fieldPath[0]) : undefined;
  const goTo = (id: string) => {
    const target = document.getElementById(id);
    // a group (fieldset) takes the focus on its first control
    const control = target?.matches('input, select, textarea, button') ? target : target?.querySelector<HTMLElement>('input, select, textarea, button') ?? target;
    control?.focus();
  };
  return (
    <div className="error-banner" role="alert" tabIndex={-1} ref={ref}>
      <strong>{e ? e.message : String((error as Error)?.message ?? error)}</strong>
      {field && (
        <>
          {' '}<a href={`#${field.id}`} onClick={(ev) => { ev.preventDefault(); goTo(field.id); }}>Go to {field.label}</a>
        </>
      )}
      {e?.problems && (
        <ul>
          {e.problems.slice(0, 50).map((p, i) => <li key={i}>{p.line ? `line ${p.line}${p.column ? `:${p.column}` : ''}: ` : ''}{p.field ? `${p.field}: ` : ''}{p.message}</li>)}
        </ul>
      )}
    </div>
  );
}

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no such {what}, or you may not see it.</p>
    </section>
  );
}
