import { useState } from 'react';

/**
 * A data-flow diagram drawn by the server (GET /api/diagrams/{kind}/{id}.svg), shown as an image: an SVG in an
 * <img> runs no script and loads nothing, whatever names it holds. Downloads of the SVG and of its DOT source.
 */
export function DataFlowDiagram({ kind, id, name }: { kind: 'tenants' | 'services'; id: string; name: string }) {
  const [failed, setFailed] = useState(false);
  const base = `/api/diagrams/${kind}/${id}`;
  const what = kind === 'tenants' ? `where the data of tenant ${name} goes` : `the data flows of service ${name}`;
  return (
    <section aria-labelledby={`diagram-${id}`}>
      <h2 id={`diagram-${id}`}>Data-flow diagram</h2>
      {failed ? (
        <p className="error-banner" role="alert">The diagram could not be drawn. The tables on this page list the same systems, vendors and flows.</p>
      ) : (
        <figure className="diagram">
          <img src={`${base}.svg`} alt={`Diagram of ${what}. Out-of-scope systems are marked "OUT OF ISMS SCOPE" and violations "VIOLATION" or "FINDING" in the boxes; the tables on this page list the same objects.`} onError={() => setFailed(true)} />
          <figcaption className="muted">Diagram of {what}.</figcaption>
        </figure>
      )}
      <p>
        <a href={`${base}.svg`} download>Download the diagram (SVG)</a>{' · '}
        <a href={`${base}.dot`} download>Download its Graphviz source (DOT)</a>
      </p>
    </section>
  );
}
