import { Graphviz } from '@hpcc-js/wasm-graphviz';

/**
 * DOT → SVG with Graphviz compiled to WebAssembly, in-process (no `dot` binary to install). The module is
 * loaded once, on the first diagram, not at start: most servers never draw one. A failed load is not kept,
 * so the next request tries again.
 */
let graphviz: Promise<Graphviz> | null = null;

function load(): Promise<Graphviz> {
  graphviz ??= Graphviz.load().catch((error: unknown) => {
    graphviz = null;
    throw error;
  });
  return graphviz;
}

/** Render a DOT graph (from src/model/scope/diagram.ts) as a standalone SVG document. */
export async function renderSvg(dot: string): Promise<string> {
  const gv = await load();
  return gv.layout(dot, 'svg', 'dot');
}
