import { objectPath, type ObjectRef } from '../api/analysis';
import { Link } from '../router';

/** One object of an analysis as a link to its page, its kind said in words. */
export function ObjectLink({ object, kind = true }: { object: ObjectRef; kind?: boolean }) {
  return <>{kind && <span className="muted">{object.kind} </span>}<Link to={objectPath(object)}>{object.name}</Link></>;
}

/**
 * A path as an ordered list of links in the direction data moves, written like the CLI's:
 * tenant Acme → service Harbor → system Web —[flow Chat widget]→ system Chat.
 */
export function ObjectPath({ path, label }: { path: ObjectRef[]; label: string }) {
  if (path.length === 0) return null;
  return (
    <ol className="object-path" aria-label={label}>
      {path.map((step, i) => (
        <li key={`${step.id}-${i}`}>
          {step.kind === 'flow'
            ? <><span aria-hidden="true"> —[</span><ObjectLink object={step} /><span aria-hidden="true">]→ </span></>
            : <>{i > 0 && path[i - 1]!.kind !== 'flow' && <span aria-hidden="true"> → </span>}<ObjectLink object={step} /></>}
        </li>
      ))}
    </ol>
  );
}
