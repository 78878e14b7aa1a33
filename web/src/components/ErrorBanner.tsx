import { useEffect, useRef } from 'react';
import { ApiError } from '../api/client';

/** The error of a failed action, focused so keyboard and screen-reader users land on it. */
export function ErrorBanner({ error }: { error: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { if (error) ref.current?.focus(); }, [error]);
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="error-banner" role="alert" tabIndex={-1} ref={ref}>
      <strong>{e ? e.message : String((error as Error)?.message ?? error)}</strong>
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
