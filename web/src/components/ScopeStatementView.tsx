import type { Exclusion, ScopeDiff, ScopeService } from '../api/scope';

function Heading({ level, children }: { level: 2 | 3; children: string }) {
  return level === 2 ? <h2>{children}</h2> : <h3>{children}</h3>;
}

function List({ items, empty }: { items: string[]; empty: string }) {
  return items.length ? <ul>{items.map((x) => <li key={x}>{x}</li>)}</ul> : <p className="muted">{empty}</p>;
}

/** What a statement (or a proposal) says: its text, services, locations, teams and exclusions with their justifications. */
export function StatementBody({ statement, headingLevel = 2 }: {
  statement: { text: string; services: ScopeService[]; locations: string[]; teams: string[]; exclusions: Exclusion[] };
  headingLevel?: 2 | 3;
}) {
  return (
    <div className="scope-statement">
      <blockquote className="statement-text">{statement.text}</blockquote>
      <Heading level={headingLevel}>Services in scope</Heading>
      <List items={statement.services.map((s) => (s.id === null ? `${s.name} (deleted since)` : s.name))} empty="No services named." />
      <Heading level={headingLevel}>Locations</Heading>
      <List items={statement.locations} empty="No locations named." />
      <Heading level={headingLevel}>Teams</Heading>
      <List items={statement.teams} empty="No teams named." />
      <Heading level={headingLevel}>Exclusions</Heading>
      {statement.exclusions.length ? (
        <table className="data">
          <caption className="visually-hidden">Exclusions and their justifications</caption>
          <thead><tr><th scope="col">Excluded</th><th scope="col">Justification</th></tr></thead>
          <tbody>{statement.exclusions.map((e) => <tr key={e.subject}><td>{e.subject}</td><td>{e.justification}</td></tr>)}</tbody>
        </table>
      ) : <p className="muted">Nothing is excluded.</p>}
    </div>
  );
}

function Changes({ label, added, removed }: { label: string; added: string[]; removed: string[] }) {
  if (!added.length && !removed.length) return null;
  return (
    <div>
      <h4>{label}</h4>
      <ul className="diff-list">
        {added.map((x) => <li key={`+${x}`} className="diff-added"><span className="visually-hidden">added: </span><span aria-hidden="true">+ </span>{x}</li>)}
        {removed.map((x) => <li key={`-${x}`} className="diff-removed"><span className="visually-hidden">removed: </span><span aria-hidden="true">− </span>{x}</li>)}
      </ul>
    </div>
  );
}

/** What changed between two versions: lists first, then the text line by line (added and removed lines are also said in words, not only in colour). */
export function ScopeDiffView({ diff }: { diff: ScopeDiff }) {
  const title = `${diff.from === 0 ? 'No statement' : `Version ${diff.from}`} → version ${diff.to}`;
  if (!diff.changed) return <p className="notice">{title}: nothing changed.</p>;
  return (
    <div className="scope-diff" aria-label={`Changes: ${title}`} role="region">
      <h3>{title}</h3>
      <Changes label="Services" added={diff.services.added.map((s) => s.name)} removed={diff.services.removed.map((s) => s.name)} />
      <Changes label="Locations" added={diff.locations.added} removed={diff.locations.removed} />
      <Changes label="Teams" added={diff.teams.added} removed={diff.teams.removed} />
      <Changes label="Exclusions" added={diff.exclusions.added.map((e) => `${e.subject}: ${e.justification}`)} removed={diff.exclusions.removed.map((e) => `${e.subject}: ${e.justification}`)} />
      {diff.exclusions.justificationChanged.length > 0 && (
        <div>
          <h4>Changed justifications</h4>
          <ul className="diff-list">
            {diff.exclusions.justificationChanged.map((c) => (
              <li key={c.subject}><strong>{c.subject}</strong>: <del>{c.before}</del> → <ins>{c.after}</ins></li>
            ))}
          </ul>
        </div>
      )}
      <h4>Text</h4>
      <pre className="diff-text">
        {diff.text.map((l, i) => (
          l.op === 'same' ? <span key={i}>{`  ${l.line}\n`}</span>
            : l.op === 'added' ? <ins key={i} className="diff-added">{`+ ${l.line}\n`}</ins>
              : <del key={i} className="diff-removed">{`- ${l.line}\n`}</del>
        ))}
      </pre>
    </div>
  );
}
