import type { Adjacency } from './graph.js';

/** Strongly connected components of a directed graph, numbered so that edges only go to lower-or-equal numbers. */
export interface Components {
  /** Component of each node. */
  readonly component: Int32Array;
  readonly count: number;
}

/**
 * Tarjan's algorithm without recursion (a chain of 10,000 systems would overflow the call stack).
 * `target(item)` turns an adjacency item (a flow) into the node it leads to, or -1 to ignore it.
 * Components come out sinks first: an edge u→w between components has component[u] > component[w],
 * so walking components from `count - 1` down to 0 is a topological order of the condensation.
 */
export function stronglyConnected(n: number, adj: Adjacency, target: (item: number) => number): Components {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  let sp = 0;
  let counter = 0;
  let count = 0;
  let depth = 0;
  const enter = (v: number) => {
    index[v] = low[v] = counter++;
    stack[sp++] = v;
    onStack[v] = 1;
    callNode[depth] = v;
    callEdge[depth] = adj.start[v]!;
    depth++;
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    enter(root);
    while (depth > 0) {
      const v = callNode[depth - 1]!;
      const pos = callEdge[depth - 1]!;
      if (pos < adj.start[v + 1]!) {
        callEdge[depth - 1] = pos + 1;
        const w = target(adj.items[pos]!);
        if (w < 0) continue;
        if (index[w] === -1) enter(w);
        else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      depth--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          component[w] = count;
        } while (w !== v);
        count++;
      }
      if (depth > 0) {
        const parent = callNode[depth - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return { component, count };
}
