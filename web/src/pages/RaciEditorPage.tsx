import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, get } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../router';

type Value = 'R' | 'A' | 'C' | 'I' | null;
const PARTIES = [
  { key: 'customer', label: 'Customer' },
  { key: 'provider', label: 'Provider' },
  { key: 'subProcessor', label: 'Sub-processor / cloud provider' },
] as const;
type Party = (typeof PARTIES)[number]['key'];

interface Row { activity: string; label: string; standard: boolean; customer: Value; provider: Value; subProcessor: Value }
interface Matrix { service: { id: string; slug: string; name: string }; activities: Row[]; digest: string | null }

/** The activities the API knows by name (src/model/raci.ts): an empty matrix starts from them. */
const STANDARD: Array<[string, string]> = [
  ['provisioning', 'Provisioning'], ['access-approval', 'Access approval'], ['logging', 'Logging'],
  ['backup-configuration', 'Backup configuration'], ['incident-triage', 'Incident triage'],
  ['breach-notification', 'Breach notification'], ['data-subject-requests', 'Data-subject requests'],
];
const blank = (activity: string, label: string, standard: boolean): Row => ({ activity, label, standard, customer: null, provider: null, subProcessor: null });

/** The same rules the server applies (exactly one A, at least one R, each activity once), shown per row as you edit. */
function rowProblem(rows: Row[], i: number): string | undefined {
  const row = rows[i]!;
  if (rows.findIndex((r) => r.activity === row.activity) !== i) return `The activity "${row.activity}" is listed twice.`;
  const values = PARTIES.map((p) => row[p.key]);
  const a = values.filter((v) => v === 'A').length;
  if (a !== 1) return `Exactly one party must be Accountable (A); ${a === 0 ? 'none is' : `${a} are`}.`;
  if (!values.includes('R')) return 'At least one party must be Responsible (R).';
  return undefined;
}

const slugOf = (label: string) => label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);

/** The RACI editor of one service: a grid of selects, checked as you go, saved as a whole. */
export function RaciEditorPage({ serviceId }: { serviceId: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const editable = can('update', 'raci');
  const matrix = useQuery({ queryKey: ['raci', serviceId], queryFn: () => get<Matrix>(`/api/services/${serviceId}/raci`) });
  const [rows, setRows] = useState<Row[] | null>(null);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (matrix.data && rows === null) {
      setRows(matrix.data.activities.length ? matrix.data.activities : STANDARD.map(([a, l]) => blank(a, l, true)));
    }
  }, [matrix.data, rows]);
  if (matrix.error) return <section><h1>RACI</h1><ErrorBanner error={matrix.error} /></section>;
  if (!matrix.data || !rows) return <p className="loading" aria-live="polite">Loading…</p>;
  const service = matrix.data.service;
  const problems = rows.map((_, i) => rowProblem(rows, i));
  const serverRow = error instanceof ApiError ? Number(error.fieldPath[1]) : NaN;
  const set = (i: number, party: Party, value: Value) => { setSaved(false); setRows(rows.map((r, j) => (j === i ? { ...r, [party]: value } : r))); };
  const remove = (i: number) => { setSaved(false); setRows(rows.filter((_, j) => j !== i)); };
  const addCustom = (e: FormEvent) => {
    e.preventDefault();
    const label = custom.trim();
    const activity = slugOf(label);
    if (!activity) return;
    setRows([...rows, blank(activity, label, false)]);
    setCustom('');
    setSaved(false);
  };
  const missing = STANDARD.filter(([a]) => !rows.some((r) => r.activity === a));
  const save = async () => {
    setError(null);
    try {
      const body = { activities: rows.map((r) => ({ activity: r.activity, ...(r.standard ? {} : { label: r.label }), customer: r.customer, provider: r.provider, subProcessor: r.subProcessor })) };
      const result = await api<Matrix>('PUT', `/api/services/${serviceId}/raci`, body);
      client.setQueryData(['raci', serviceId], result);
      setRows(result.activities);
      setSaved(true);
    } catch (err) { setError(err); }
  };
  return (
    <section>
      <p><Link to="/raci">← RACI per service</Link></p>
      <h1>RACI: {service.name}</h1>
      <p>R = Responsible (does the work), A = Accountable (exactly one per activity), C = Consulted, I = Informed.</p>
      <p>
        <a className="button" href={`/api/services/${service.id}/raci.xlsx`} download={`raci-${service.slug}.xlsx`}>Export XLSX</a>{' '}
        <a className="button" href={`/api/services/${service.id}/raci.csv`} download={`raci-${service.slug}.csv`}>Export CSV</a>
      </p>
      <ErrorBanner error={error} />
      {saved && <p role="status" className="notice">Saved.</p>}
      {matrix.data.activities.length === 0 && <p className="muted">No RACI saved for this service yet; the standard activities are listed to start from.</p>}
      <table className="data raci">
        <caption className="visually-hidden">RACI matrix of {service.name}</caption>
        <thead>
          <tr>
            <th scope="col">Activity</th>
            {PARTIES.map((p) => <th key={p.key} scope="col">{p.label}</th>)}
            {editable && <th scope="col"><span className="visually-hidden">Remove</span></th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const problem = problems[i] ?? (serverRow === i && error instanceof ApiError ? error.message : undefined);
            const errorId = `raci-${i}-error`;
            return (
              <tr key={`${row.activity}-${i}`} aria-invalid={problem ? true : undefined}>
                <th scope="row">
                  {row.label}
                  {problem && <><br /><small id={errorId} className="field-error">{problem}</small></>}
                </th>
                {PARTIES.map((p) => (
                  <td key={p.key}>
                    {editable ? (
                      <select
                        aria-label={`${row.label}: ${p.label}`} aria-describedby={problem ? errorId : undefined} aria-invalid={problem ? true : undefined}
                        value={row[p.key] ?? ''} onChange={(e) => set(i, p.key, (e.target.value || null) as Value)}
                      >
                        <option value="">—</option>
                        <option value="R">R</option>
                        <option value="A">A</option>
                        <option value="C">C</option>
                        <option value="I">I</option>
                      </select>
                    ) : (row[p.key] ?? '—')}
                  </td>
                ))}
                {editable && <td><button type="button" className="danger" aria-label={`Remove ${row.label}`} onClick={() => remove(i)}>Remove</button></td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {editable && (
        <>
          <p>
            <button type="button" className="primary" onClick={() => void save()} disabled={problems.some(Boolean)}>Save RACI</button>
            {problems.some(Boolean) && <span className="muted"> Fix the rows marked above to save.</span>}
          </p>
          <form onSubmit={addCustom} className="inline-form" aria-labelledby="raci-add">
            <h2 id="raci-add">Add an activity</h2>
            {missing.length > 0 && (
              <p>
                Standard activities not in the matrix:{' '}
                {missing.map(([a, l]) => <button key={a} type="button" onClick={() => { setRows([...rows, blank(a, l, true)]); setSaved(false); }}>{l}</button>)}
              </p>
            )}
            <label htmlFor="raci-custom">Custom activity</label>{' '}
            <input id="raci-custom" type="text" maxLength={200} value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="e.g. Patch management" />{' '}
            <button type="submit">Add</button>
          </form>
        </>
      )}
    </section>
  );
}
