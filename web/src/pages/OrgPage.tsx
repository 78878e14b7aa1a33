import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';

interface ApplyReport {
  organization: { slug: string; outcome: string };
  counts: Record<string, { created: number; updated: number; unchanged: number }>;
  objects: Array<{ section: string; slug: string; outcome: string; changed?: string[] }>;
  dryRun: boolean;
}

/** The organization's name, and its whole model as code: export a bundle, or check and apply one. */
export function OrgPage() {
  const { me, can } = useSession();
  const client = useQueryClient();
  const [name, setName] = useState(me?.org.name ?? '');
  const [yaml, setYaml] = useState('');
  const [report, setReport] = useState<ApplyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  const rename = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try { await api('PATCH', '/api/org', { name }); setSaved('Saved.'); await client.invalidateQueries({ queryKey: ['me'] }); } catch (err) { setError(err); }
  };
  const apply = async (dryRun: boolean) => {
    setError(null);
    setReport(null);
    try {
      setReport(await api<ApplyReport>('POST', '/api/bundle/apply', { yaml, dryRun }));
      if (!dryRun) await client.invalidateQueries();
    } catch (err) { setError(err); }
  };
  return (
    <section>
      <h1>Organization</h1>
      <ErrorBanner error={error} />
      {can('update', 'org') ? (
        <form onSubmit={rename} className="inline-form">
          <div className="field"><label htmlFor="org-name">Name</label><input id="org-name" required maxLength={200} value={name} onChange={(e) => { setName(e.target.value); setSaved(''); }} /></div>
          <button type="submit" className="primary">Rename</button> <span role="status">{saved}</span>
        </form>
      ) : <p>{me?.org.name} ({me?.org.slug})</p>}
      {can('read', 'bundle') && (
        <>
          <h2>ISMS as code</h2>
          <p>The whole model (services, vendors, tenants, systems, data flows) as one YAML bundle. Keep it in git; apply it from CI with <code>tenantproof apply -f</code>.</p>
          <p><a className="button" href="/api/bundle" download="tenantproof-bundle.yaml">Export bundle</a></p>
          {can('update', 'bundle') && (
            <form onSubmit={(e) => { e.preventDefault(); void apply(false); }}>
              <div className="field">
                <label htmlFor="bundle-file">Bundle file</label>
                <input id="bundle-file" type="file" accept=".yaml,.yml,text/yaml" onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then(setYaml); }} />
              </div>
              <div className="field">
                <label htmlFor="bundle-yaml">Or paste YAML</label>
                <textarea id="bundle-yaml" rows={10} className="code" value={yaml} onChange={(e) => setYaml(e.target.value)} />
              </div>
              <div className="actions">
                <button type="button" disabled={!yaml} onClick={() => void apply(true)}>Check (dry run)</button>
                <button type="submit" className="primary" disabled={!yaml}>Apply</button>
              </div>
            </form>
          )}
          {report && (
            <div role="status" className="notice">
              <p><strong>{report.dryRun ? 'Dry run: nothing was written.' : 'Applied.'}</strong></p>
              <ul>{Object.entries(report.counts).map(([s, c]) => <li key={s}>{s}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged</li>)}</ul>
              <ul>{report.objects.filter((o) => o.outcome !== 'unchanged').slice(0, 200).map((o) => <li key={`${o.section}/${o.slug}`}>{o.outcome} {o.section}/{o.slug}{o.changed ? ` (${o.changed.join(', ')})` : ''}</li>)}</ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}
