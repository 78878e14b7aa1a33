import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** Where in a bundle file something is: 1-based line and column, and the field as a readable path. */
export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  /** `systems[3].hostingVendor`, or '' for the document itself. */
  field: string;
  message: string;
}

export type PathSegment = string | number;

/** A parsed bundle that can say where any path of it was written. */
export interface BundleSource {
  file: string;
  value: unknown;
  /** Position of the node at `path`, or of its nearest existing parent; `key` points at the key of the last segment instead. */
  locate(path: PathSegment[], options?: { key?: boolean }): { line: number; column: number };
}

export class BundleSyntaxError extends Error {
  constructor(readonly problems: SourceProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** `['systems', 3, 'hostingVendor']` → `systems[3].hostingVendor`. */
export function fieldPath(path: PathSegment[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}

/** Parse YAML text, keeping positions; a syntax error names its line and column. */
export function parseBundleSource(text: string, file: string): BundleSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    throw new BundleSyntaxError(doc.errors.slice(0, 20).map((e) => ({
      file, ...position(e.pos[0]), field: '', message: `YAML syntax error: ${e.message.split('\n')[0]}`,
    })));
  }
  return {
    file,
    value: doc.toJS({ maxAliasCount: 100 }),
    locate(path, options = {}) {
      const { node, keyNode } = walk(doc, path);
      const target = options.key && keyNode ? keyNode : node;
      return position(target?.range?.[0] ?? 0);
    },
  };
}

/** The deepest node along `path` that exists, with the key node of the last step taken. */
function walk(doc: Document, path: PathSegment[]): { node: Node | null; keyNode: Node | null } {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(seg));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      keyNode = null;
      node = item;
    } else {
      break;
    }
  }
  return { node, keyNode };
}
