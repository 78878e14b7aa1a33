import { neighbours, type IsmsGraph } from './graph.js';
import { tenantDataMap } from './tenant-data.js';
import { compareText } from './wording.js';

/**
 * Data-flow diagrams as Graphviz DOT, built from the ISMS graph. Pure: no I/O and no rendering (the server
 * renders with src/reports/diagram-svg.ts). Node ids are generated (`s3`, `v1`, `t0`) and every name goes in
 * a quoted, escaped label, so a hostile name can neither break the DOT nor reach the SVG as markup.
 * Marks are shown by colour AND by a text line in the node, and a legend explains both.
 */
export interface DiagramMarks {
  /** Systems and vendors where a tenant's data is outside its allowed regions: id → what to say, e.g. "residency breach: us-east-1". */
  breaches?: ReadonlyMap<string, string>;
  /** Objects that are the subject of a scope finding: id → rule ids. */
  findings?: ReadonlyMap<string, readonly string[]>;
}

export interface DiagramOptions extends DiagramMarks {
  /** Most systems drawn (default 150); beyond that the marked ones come first and a note says how many were left out. */
  maxSystems?: number;
}

const DEFAULT_MAX_SYSTEMS = 150;
/** Most flow edges drawn with their names. */
const EDGE_LABEL_LIMIT = 60;
/** Most flow edges drawn at all. */
const MAX_FLOW_EDGES = 400;
const RED = '#b00020';
const GREY = '#6b6b6b';

/** A DOT quoted string holding `lines` as a centred multi-line label. */
export function dotLabel(lines: readonly string[]): string {
  return `"${lines.map(escapeLine).join('\\n')}"`;
}

/**
 * One label line, escaped for a DOT quoted string: backslashes doubled (so `\N`, `\G`, `\l` stay text), quotes
 * escaped, `&` as an entity (Graphviz reads entities in labels), line breaks as `\n`, other control characters
 * (not allowed in XML, so they would make the SVG invalid) replaced by a space.
 */
function escapeLine(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/&/g, '&amp;')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Builds one diagram: nodes and edges are collected, then printed in a stable order. */
class DotWriter {
  private readonly nodes: string[] = [];
  private readonly edges: string[] = [];
  /** Flows per (from, to) pair: parallel flows are drawn as one edge, which keeps the layout affordable. */
  private readonly flowEdges = new Map<string, { from: string; to: string; flows: number[] }>();
  private readonly systemsDrawn = new Set<number>();
  private readonly vendorsDrawn = new Set<number>();
  private outOfScope = false;
  private violations = false;
  private labelsOmitted = false;
  private edgesLeftOut = 0;

  constructor(private readonly g: IsmsGraph, private readonly marks: DiagramMarks) {}

  /** A system node; `outside` marks a system drawn only because a flow of the diagram reaches it. */
  system(s: number, outside = false): string {
    const id = `s${s}`;
    if (this.systemsDrawn.has(s)) return id;
    this.systemsDrawn.add(s);
    const sys = this.g.systems[s]!;
    const lines = [sys.name, `${sys.kind} · ${sys.environment}${sys.regions.length ? ` · ${sys.regions.join(', ')}` : ''}`];
    if (sys.tenancy === 'dedicated') lines.push('dedicated');
    if (outside) lines.push('(not part of this service)');
    const style = ['rounded', 'filled'];
    let color = '#1f4e79';
    let fill = '#eef4fb';
    if (!sys.inScope) {
      this.outOfScope = true;
      lines.push('OUT OF ISMS SCOPE');
      style.push('dashed');
      color = GREY;
      fill = '#f0f0f0';
    }
    if (outside) style.push('dotted');
    const violation = this.violationLines(sys.id);
    if (violation.length) {
      lines.push(...violation);
      color = RED;
      fill = '#fdecee';
    }
    this.nodes.push(`  ${id} [shape=box, style="${style.join(',')}", color="${color}", fillcolor="${fill}", penwidth=${violation.length ? 2.5 : 1.2}, label=${dotLabel(lines)}];`);
    return id;
  }

  vendor(v: number): string {
    const id = `v${v}`;
    if (this.vendorsDrawn.has(v)) return id;
    this.vendorsDrawn.add(v);
    const vendor = this.g.vendors[v]!;
    const lines = ['vendor', vendor.name];
    if (vendor.regions.length) lines.push(vendor.regions.join(', '));
    const violation = this.violationLines(vendor.id);
    lines.push(...violation);
    const color = violation.length ? RED : '#5b3f8c';
    const fill = violation.length ? '#fdecee' : '#f4effa';
    this.nodes.push(`  ${id} [shape=component, style=filled, color="${color}", fillcolor="${fill}", penwidth=${violation.length ? 2.5 : 1.2}, label=${dotLabel(lines)}];`);
    return id;
  }

  node(id: string, attrs: string, lines: readonly string[]): void {
    this.nodes.push(`  ${id} [${attrs}, label=${dotLabel(lines)}];`);
  }

  edge(from: string, to: string, attrs: string, lines: readonly string[] = []): void {
    this.edges.push(`  ${from} -> ${to} [${attrs}${lines.length ? `, label=${dotLabel(lines)}` : ''}];`);
  }

  /** A data flow whose source is drawn; its destination is drawn by `target`. */
  flow(f: number, target: (w: number) => string): void {
    const from = `s${this.g.flowFrom[f]!}`;
    const w = this.g.flowToSystem[f]!;
    const to = w >= 0 ? target(w) : this.vendor(this.g.flowToVendor[f]!);
    const key = `${from}>${to}`;
    const known = this.flowEdges.get(key);
    if (known) known.flows.push(f);
    else this.flowEdges.set(key, { from, to, flows: [f] });
  }

  /**
   * One edge per pair of nodes. Graphviz lays out labelled edges as extra nodes, so past EDGE_LABEL_LIMIT edges
   * only edges with a violation keep a label (the data map lists every flow by name).
   */
  private printFlows(): string[] {
    const labelled = this.flowEdges.size <= EDGE_LABEL_LIMIT;
    if (!labelled) this.labelsOmitted = true;
    let edges = [...this.flowEdges.values()];
    if (edges.length > MAX_FLOW_EDGES) {
      // the layout time grows fast with edges: keep those with a violation first, say how many were left out
      const marked = (e: (typeof edges)[number]) => (e.flows.some((f) => this.violationLines(this.g.flows[f]!.id).length) ? 0 : 1);
      edges = edges.map((e) => ({ e, m: marked(e) })).sort((a, b) => a.m - b.m).slice(0, MAX_FLOW_EDGES).map((x) => x.e);
      this.edgesLeftOut = this.flowEdges.size - MAX_FLOW_EDGES;
    }
    return edges.map(({ from, to, flows }) => {
      const violation = flows.flatMap((f) => this.violationLines(this.g.flows[f]!.id));
      const attrs = `color="${violation.length ? RED : '#333333'}", fontsize=10${violation.length ? ', penwidth=2' : ''}`;
      if (!labelled && !violation.length) return `  ${from} -> ${to} [${attrs}];`;
      const first = this.g.flows[flows[0]!]!;
      const categories = first.dataCategories.length ? first.dataCategories.join(', ') : 'data not recorded';
      const lines = flows.length === 1 ? [first.name, `(${categories})`] : [`${flows.length} flows: ${first.name}, …`];
      return `  ${from} -> ${to} [${attrs}, label=${dotLabel(labelled ? [...lines, ...violation] : violation)}];`;
    });
  }

  /** Dotted "hosts" edges from each drawn system's hosting vendor. */
  hosting(): void {
    for (const s of [...this.systemsDrawn]) {
      const v = this.g.hostingVendor[s]!;
      if (v >= 0) this.edge(this.vendor(v), `s${s}`, `style=dotted, arrowhead=none, color="${GREY}", fontsize=9`, ['hosts']);
    }
  }

  private violationLines(id: string): string[] {
    const lines: string[] = [];
    const breach = this.marks.breaches?.get(id);
    if (breach) lines.push(`VIOLATION: ${breach}`);
    const rules = this.marks.findings?.get(id);
    if (rules?.length) lines.push(`FINDING: ${rules.slice(0, 3).join(', ')}${rules.length > 3 ? ` +${rules.length - 3}` : ''}`);
    if (lines.length) this.violations = true;
    return lines;
  }

  print(title: string[]): string {
    const flows = this.printFlows();
    const legend = [
      '  subgraph cluster_legend {',
      `    label=${dotLabel(['Legend'])}; fontsize=11; color="${GREY}";`,
      `    legend_in [shape=box, style="rounded,filled", color="#1f4e79", fillcolor="#eef4fb", fontsize=10, label=${dotLabel(['system in ISMS scope'])}];`,
      ...(this.outOfScope ? [`    legend_out [shape=box, style="rounded,filled,dashed", color="${GREY}", fillcolor="#f0f0f0", fontsize=10, label=${dotLabel(['OUT OF ISMS SCOPE', 'dashed grey border'])}];`] : []),
      ...(this.violations ? [`    legend_bad [shape=box, style="rounded,filled", color="${RED}", fillcolor="#fdecee", penwidth=2.5, fontsize=10, label=${dotLabel(['VIOLATION / FINDING', 'red border, named in the node'])}];`] : []),
      `    legend_vendor [shape=component, style=filled, color="#5b3f8c", fillcolor="#f4effa", fontsize=10, label=${dotLabel(['vendor'])}];`,
      ...(this.edgesLeftOut ? [`    legend_edges [shape=note, fontsize=10, label=${dotLabel([`${this.edgesLeftOut} more flow edges not drawn`, 'the data map lists every flow'])}];`] : []),
      ...(this.labelsOmitted ? [`    legend_labels [shape=note, fontsize=10, label=${dotLabel([`${this.flowEdges.size} flow edges: names left out`, 'the data map lists every flow'])}];`] : []),
      '  }',
    ];
    return [
      'digraph isms {',
      // mclimit and nslimit bound Graphviz's crossing-minimisation and ranking passes: a readable layout in bounded time
      `  graph [rankdir=LR, fontname="Helvetica", fontsize=14, labelloc=t, mclimit=0.3, nslimit=2, nslimit1=2, label=${dotLabel(title)}];`,
      '  node [fontname="Helvetica", fontsize=11];',
      '  edge [fontname="Helvetica"];',
      ...this.nodes,
      ...this.edges,
      ...flows,
      ...legend,
      '}',
      '',
    ].join('\n');
  }
}

/** Keep at most `max` systems: marked ones first, then by slug; the rest are counted in a note. */
function limitSystems(g: IsmsGraph, systems: number[], marks: DiagramMarks, max: number): { kept: Set<number>; left: number } {
  if (systems.length <= max) return { kept: new Set(systems), left: 0 };
  const marked = (s: number) => {
    const id = g.systems[s]!.id;
    return marks.breaches?.has(id) || marks.findings?.has(id) || !g.systems[s]!.inScope ? 0 : 1;
  };
  const sorted = [...systems].sort((a, b) => marked(a) - marked(b) || compareText(g.systems[a]!.slug, g.systems[b]!.slug));
  return { kept: new Set(sorted.slice(0, max)), left: systems.length - max };
}

function leftOutNote(w: DotWriter, left: number): void {
  if (left > 0) w.node('note_left_out', 'shape=note, color="#6b6b6b", fontsize=10', [`${left} more ${left === 1 ? 'system' : 'systems'} not drawn`, 'see the data map for the full list']);
}

/**
 * A service's diagram: its systems, the flows leaving them (to its own systems, to vendors, and to other
 * systems, drawn dotted as outside the service) and the vendors hosting them. Null for an unknown service.
 */
export function serviceDiagram(g: IsmsGraph, serviceId: string, options: DiagramOptions = {}): string | null {
  const service = g.serviceIndex.get(serviceId);
  if (service === undefined) return null;
  const own = [...neighbours(g.serviceSystems, service)];
  const ownSet = new Set(own);
  const { kept, left } = limitSystems(g, own, options, options.maxSystems ?? DEFAULT_MAX_SYSTEMS);
  const w = new DotWriter(g, options);
  for (const s of [...kept].sort((a, b) => compareText(g.systems[a]!.slug, g.systems[b]!.slug))) w.system(s);
  for (const s of kept) {
    for (const f of neighbours(g.flowsOut, s)) {
      const to = g.flowToSystem[f]!;
      if (to >= 0 && !kept.has(to) && ownSet.has(to)) continue; // a system of the service left out by the limit
      w.flow(f, (x) => w.system(x, !kept.has(x)));
    }
  }
  w.hosting();
  leftOutNote(w, left);
  return w.print([`Data flows of service ${g.services[service]!.name}`]);
}

/**
 * A tenant's diagram: the tenant, the systems serving it, every flow carrying its data onwards (the tenant
 * data map: never into a system dedicated to another tenant) and the vendors receiving or hosting it.
 * Null for an unknown tenant.
 */
export function tenantDiagram(g: IsmsGraph, tenantId: string, options: DiagramOptions = {}): string | null {
  const map = tenantDataMap(g, tenantId);
  if (!map) return null;
  const t = g.tenantIndex.get(tenantId)!;
  const reached = map.systems.map((s) => g.systemIndex.get(s.id)!);
  const { kept, left } = limitSystems(g, reached, options, options.maxSystems ?? DEFAULT_MAX_SYSTEMS);
  const w = new DotWriter(g, options);
  const tenant = g.tenants[t]!;
  w.node('tenant', 'shape=ellipse, style="filled,bold", color="#1b5e20", fillcolor="#e8f5e9"', ['tenant', tenant.name, `tier ${tenant.tier}${tenant.allowedRegions.length ? ` · data allowed in ${tenant.allowedRegions.join(', ')}` : ''}`]);
  for (const s of [...kept].sort((a, b) => compareText(g.systems[a]!.slug, g.systems[b]!.slug))) w.system(s);
  const consumed = new Set(neighbours(g.tenantServices, t));
  for (const s of kept) {
    const direct = neighbours(g.systemTenants, s).includes(t) || (!g.dedicated[s] && neighbours(g.systemServices, s).some((x) => consumed.has(x)));
    if (direct) w.edge('tenant', `s${s}`, 'style=bold, color="#1b5e20", fontsize=9', ['served by']);
  }
  for (const ref of map.flows) {
    const f = g.flowIndex.get(ref.id)!;
    const to = g.flowToSystem[f]!;
    if (!kept.has(g.flowFrom[f]!) || (to >= 0 && !kept.has(to))) continue;
    w.flow(f, (x) => w.system(x));
  }
  w.hosting();
  leftOutNote(w, left);
  return w.print([`Where the data of tenant ${tenant.name} goes`]);
}
