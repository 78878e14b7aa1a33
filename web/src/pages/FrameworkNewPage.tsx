import { useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CatalogSummary } from '../api/catalogs';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link, navigate } from '../router';

const EXAMPLE = `framework:
  id: acme-cloud-baseline
  name: ACME cloud baseline
  version: "2025.1"
  provenance: Written by the ACME security team
groups:
  - { id: AC, title: Access control }
controls:
  - id: AC-1
    title: Named accounts only
    group: AC
    description: Every person signs in with their own account.
`;

/** Add a framework: paste YAML or pick a file; every problem is listed with its line, and nothing is written until all are fixed. */
export function FrameworkNewPage() {
  const client = useQueryClient();
  const [yaml, setYaml] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) { setError(new Error(`${file.name} is larger than 2 MiB.`)); return; }
    setError(null);
    setYaml(await file.text());
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const added = await api<CatalogSummary>('POST', '/api/frameworks', { yaml });
      await client.invalidateQueries({ queryKey: ['catalogs'] });
      navigate(`/catalogs/${added.id}`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <section>
      <p><Link to="/catalogs">← Catalogs</Link></p>
      <h1>Add a framework</h1>
      <p>
        A framework or control set in the tenantproof format: <code>framework</code> (id, name, version, provenance), optional <code>groups</code> and
        {' '}<code>controls</code> (id, title, optional group and description). Control ids must be unique. The README&apos;s &ldquo;Catalogs and OSCAL&rdquo; section describes the format.
      </p>
      <ErrorBanner error={error} fields={[{ name: 'yaml', label: 'the YAML', id: 'framework-yaml' }]} />
      <form onSubmit={(e) => void submit(e)} className="resource-form">
        <div className="field">
          <label htmlFor="framework-file">Upload a YAML file</label>
          <input id="framework-file" type="file" accept=".yaml,.yml,application/yaml,text/yaml,text/plain" onChange={(e) => void load(e)} />
        </div>
        <div className="field">
          <label htmlFor="framework-yaml">Or paste the YAML <span className="required" aria-hidden="true">*</span></label>
          <textarea id="framework-yaml" required rows={20} spellCheck={false} value={yaml} onChange={(e) => setYaml(e.target.value)} style={{ fontFamily: 'monospace' }} aria-describedby="framework-help" />
          <small id="framework-help" className="help">Problems are reported with their line number.</small>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !yaml.trim()}>Add framework</button>
          <button type="button" onClick={() => setYaml(EXAMPLE)}>Start from an example</button>
        </div>
      </form>
    </section>
  );
}
