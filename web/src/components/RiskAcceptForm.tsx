import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorFor } from '../api/client';
import type { RiskEntry } from '../api/risks';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

/** An owner's or ISMS manager's sign-off of a risk's residual level, with the rationale the API requires. */
export function RiskAcceptForm({ entry, onDone }: { entry: RiskEntry; onDone: (message: string) => void }) {
  const client = useQueryClient();
  const [rationale, setRationale] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `accept-${entry.risk.id}`;
  const submit = async () => {
    setError(null);
    setBusy(true);
    try {
      await api('POST', `/api/risks/${entry.risk.id}/accept`, { rationale });
      await client.invalidateQueries({ queryKey: ['risks'] });
      onDone(`Accepted ${entry.risk.name} at residual level ${entry.score.residual.level}.`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <form className="inline-form" aria-label={`Accept ${entry.risk.name}`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <ErrorBanner error={error} fields={[{ name: 'rationale', label: 'the rationale', id }]} />
      <Field id={id} label="Why the residual risk is acceptable" required error={errorFor(error, 'rationale') ?? errorFor(error, 'residualLikelihood')}>
        {(control) => <textarea {...control} rows={2} maxLength={4000} value={rationale} onChange={(e) => setRationale(e.target.value)} />}
      </Field>
      <button type="submit" className="primary" disabled={busy}>{busy ? 'Accepting…' : 'Accept residual risk'}</button>
    </form>
  );
}

