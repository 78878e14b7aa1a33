/**
 * `npm run bench:analysis`: the scope analyses on a generated organization of 10,000 systems, 100,000 data
 * flows, 5,000 tenants and 500 vendors (deterministic: the same seed gives the same organization).
 * Times the graph build, the full scope lint, blast radius for every shared component and residency for
 * every tenant, and prints peak memory. Goal: at most 1 s for all of it, at most 1 GB of memory.
 * Then one service's data-flow diagram of about 200 nodes: the DOT build, and the SVG render (Graphviz in
 * WebAssembly) the first time (loading the module) and warm.
 *
 *   npm run bench:analysis
 *   npm run bench:analysis -- --systems 2000 --flows 20000 --tenants 1000 --vendors 100 --seed 7 --rounds 5 --json
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { DataCategory } from '../src/model/common.js';
import type { RegionCode } from '../src/model/regions.js';
import { blastRadius } from '../src/model/scope/blast-radius.js';
import { serviceDiagram } from '../src/model/scope/diagram.js';
import { renderSvg } from '../src/reports/diagram-svg.js';
import { buildIsmsGraph, type IsmsGraph } from '../src/model/scope/graph.js';
import { lintScope } from '../src/model/scope/lint.js';
import type { IsmsObjects, ScopeDataFlow, ScopeService, ScopeSystem, ScopeTenant, ScopeVendor } from '../src/model/scope/objects.js';
import { tenantReach } from '../src/model/scope/reach.js';
import { residencyReport } from '../src/model/scope/residency.js';
import type { SystemKind } from '../src/model/system.js';
import { prng } from '../test/support/prng.js';

const { values: args } = parseArgs({
  options: {
    systems: { type: 'string', default: '10000' },
    flows: { type: 'string', default: '100000' },
    tenants: { type: 'string', default: '5000' },
    vendors: { type: 'string', default: '500' },
    services: { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261123' },
    rounds: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const SIZE = {
  systems: Number(args.systems), flows: Number(args.flows), tenants: Number(args.tenants),
  vendors: Number(args.vendors), services: Number(args.services),
};
const ROUNDS = Math.max(1, Number(args.rounds));

/**
 * A provider estate shaped like the demo, scaled up: per service a cluster of shared systems whose flows mostly
 * run "downstream" inside the cluster (app → api → database → backup), with some back-edges (cycles); a
 * platform layer (logging, monitoring, SIEM, analytics, identity, CI/CD) that every cluster feeds, itself a
 * chain with cycles; deployments of 1–5 systems dedicated to 1–3 tenants; vendors hosting systems and
 * receiving flows. About 1 % of systems and 5 % of vendors sit outside the EU, and a few percent of every
 * field a rule reads is missing, so every rule has findings.
 */
function generate(seed: number): IsmsObjects {
  const r = prng(seed);
  const chance = (p: number) => r() < p;
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const uuid = (kind: number, n: number) => `00000000-0000-4000-${(0x8000 + kind).toString(16)}-${n.toString(16).padStart(12, '0')}`;

  const services: ScopeService[] = Array.from({ length: SIZE.services }, (_, i) => ({ id: uuid(1, i), slug: `service-${i}`, name: `Service ${i}` }));
  const usServices = new Set([0, 1].filter((i) => i < SIZE.services));

  const vendors: ScopeVendor[] = Array.from({ length: SIZE.vendors }, (_, i) => {
    const status = r();
    return {
      id: uuid(2, i), slug: `vendor-${String(i).padStart(4, '0')}`, name: `Vendor ${i}`,
      dataCategories: chance(0.6) ? ['personal-data', 'customer-content'] : ['telemetry'],
      criticality: pick(['low', 'medium', 'high', 'critical'] as const),
      reviewStatus: status < 0.85 ? 'approved' : status < 0.9 ? 'approved-with-conditions' : status < 0.95 ? 'not-reviewed' : status < 0.98 ? 'in-review' : 'rejected',
      reviewedOn: status < 0.9 ? `${2022 + int(5)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}` : null,
      regions: chance(0.95) ? [pick(['eu-west-1', 'eu-central-1', 'eu-nl'] as const)] : ['us-east-1'],
      subProcessor: chance(0.7),
    };
  });
  const clouds = vendors.slice(0, Math.min(20, vendors.length));

  const tenants: ScopeTenant[] = Array.from({ length: SIZE.tenants }, (_, i) => {
    const tier = r() < 0.1 ? 'A' : r() < 0.33 ? 'B' : 'C';
    const consumed = new Set<number>();
    const us = usServices.size > 0 && chance(0.08);
    const n = Math.min(1 + int(3), us ? usServices.size : SIZE.services - usServices.size);
    while (consumed.size < n) consumed.add(us ? int(usServices.size) : usServices.size + int(SIZE.services - usServices.size));
    const a = r();
    const allowedRegions = us ? ['US', 'EU'] : a < 0.6 ? ['EU'] : a < 0.8 ? ['EU', 'UK'] : a < 0.9 ? ['EU', 'US'] : [];
    return { id: uuid(3, i), slug: `tenant-${String(i).padStart(5, '0')}`, name: `Tenant ${i}`, tier, allowedRegions, serviceIds: [...consumed].map((s) => services[s]!.id) } as ScopeTenant;
  });
  const tenantsOf = new Map<number, number[]>();
  tenants.forEach((t, i) => t.serviceIds.forEach((id) => { const s = Number(id.slice(-12)); tenantsOf.set(s, [...(tenantsOf.get(s) ?? []), i]); }));

  // Systems: platform layer, dedicated deployments, service clusters.
  const platformCount = Math.round(SIZE.systems * 0.03);
  const dedicatedCount = Math.round(SIZE.systems * 0.27);
  const clusterCount = SIZE.systems - platformCount - dedicatedCount;
  const perCluster = Math.max(1, Math.floor(clusterCount / SIZE.services));
  const systems: ScopeSystem[] = [];
  const role: Array<{ layer: 'platform' | 'dedicated' | 'cluster'; group: number; position: number }> = [];
  const PLATFORM_KINDS: readonly SystemKind[] = ['logging', 'monitoring', 'analytics', 'backup', 'identity-provider', 'iam', 'ci-cd', 'source-control', 'ticketing', 'rmm', 'admin-dashboard', 'support-tool'];
  const CLUSTER_KINDS: readonly SystemKind[] = ['application', 'api', 'database', 'object-storage', 'queue', 'cache', 'email', 'backup', 'monitoring'];
  const CATEGORY_SETS: readonly DataCategory[][] = [['customer-content', 'personal-data'], ['personal-data', 'tenant-metadata'], ['telemetry', 'tenant-metadata'], ['credentials'], ['personal-data', 'special-category-data']];
  const system = (i: number, kind: SystemKind, o: Partial<ScopeSystem>): ScopeSystem => {
    const inScope = chance(0.95);
    return {
      id: uuid(4, i), slug: `system-${String(i).padStart(5, '0')}`, name: `System ${i} (${kind})`, kind,
      environment: chance(0.97) ? 'production' : pick(['staging', 'development', 'sandbox'] as const),
      regions: ['eu-west-1'], hostingVendorId: chance(0.9) ? pick(clouds).id : chance(0.5) ? pick(vendors).id : null,
      tenancy: 'multi-tenant', tenantIds: [], serviceIds: [], dataCategories: pick(CATEGORY_SETS),
      inScope, exclusionJustification: inScope || chance(0.1) ? '' : 'Internal tooling only.',
      accessControl: chance(0.97) ? 'SSO with MFA' : '', logging: chance(0.97) ? 'Audit log' : '', retention: chance(0.97) ? '1 year' : '',
      isolationMechanism: chance(0.97) ? 'Row-level security' : '',
      deploysToProduction: kind === 'ci-cd' || kind === 'source-control', grantsAdminAccess: kind === 'identity-provider' || kind === 'iam',
      ...o,
    };
  };
  for (let p = 0; p < platformCount; p++) {
    const kind = PLATFORM_KINDS[p % PLATFORM_KINDS.length]!;
    systems.push(system(systems.length, kind, {
      serviceIds: kind === 'identity-provider' || kind === 'ticketing' ? services.map((s) => s.id) : [],
      regions: p % 97 === 13 ? ['us-east-1'] : [pick(['eu-west-1', 'eu-central-1'] as const)],
    }));
    role.push({ layer: 'platform', group: 0, position: p });
  }
  let deployment = 0;
  while (systems.length < platformCount + dedicatedCount) {
    const owners = Array.from(new Set(Array.from({ length: 1 + int(3) }, () => int(SIZE.tenants))));
    const size = 1 + int(5);
    for (let k = 0; k < size && systems.length < platformCount + dedicatedCount; k++) {
      systems.push(system(systems.length, pick(CLUSTER_KINDS), {
        tenancy: 'dedicated', tenantIds: owners.map((t) => tenants[t]!.id), serviceIds: [tenants[owners[0]!]!.serviceIds[0]!],
        regions: [pick(['eu-central-1', 'eu-west-1', 'uk-london'] as const)],
      }));
      role.push({ layer: 'dedicated', group: deployment, position: k });
    }
    deployment++;
  }
  for (let c = 0; systems.length < SIZE.systems; c = (c + 1) % SIZE.services) {
    const position = role.filter((x) => x.layer === 'cluster' && x.group === c).length;
    const region: RegionCode = usServices.has(c) ? 'us-east-1' : chance(0.01) ? pick(['us-east-1', 'us-west-2'] as const) : pick(['eu-west-1', 'eu-central-1'] as const);
    systems.push(system(systems.length, pick(CLUSTER_KINDS), { serviceIds: [services[c]!.id], regions: [region] }));
    role.push({ layer: 'cluster', group: c, position });
  }
  const byGroup = new Map<string, number[]>();
  role.forEach((x, i) => { const key = `${x.layer}:${x.group}`; byGroup.set(key, [...(byGroup.get(key) ?? []), i]); });
  const platform = byGroup.get('platform:0') ?? [];

  const flows: ScopeDataFlow[] = [];
  const addFlow = (from: number, to: number | null, vendor: number | null, serviceId: string | null) => {
    if (to === from) return;
    const n = flows.length;
    flows.push({
      id: uuid(5, n), slug: `flow-${String(n).padStart(6, '0')}`, name: `Flow ${n}`,
      fromSystemId: systems[from]!.id, toSystemId: to === null ? null : systems[to]!.id, toVendorId: vendor === null ? null : vendors[vendor]!.id,
      dataCategories: chance(0.05) ? ['none'] : pick(CATEGORY_SETS), serviceId,
    });
  };
  const near = (list: number[], position: number, span: number, backwards: boolean) => {
    const j = backwards ? position - 1 - int(span) : position + 1 + int(span);
    return j >= 0 && j < list.length ? list[j]! : null;
  };
  while (flows.length < SIZE.flows) {
    const from = int(systems.length);
    const { layer, group, position } = role[from]!;
    const mates = byGroup.get(`${layer}:${group}`)!;
    const x = r();
    if (x < 0.02) { addFlow(from, null, int(vendors.length), null); continue; }
    if (layer === 'cluster') {
      const service = services[group]!.id;
      if (x < 0.75) addFlow(from, near(mates, position, 40, false) ?? pick(platform), null, chance(0.6) ? service : null);
      else if (x < 0.78) addFlow(from, near(mates, position, 20, true) ?? pick(platform), null, chance(0.6) ? service : null);
      else addFlow(from, platform[int(Math.min(platform.length, 60))]!, null, chance(0.3) ? service : null);
    } else if (layer === 'dedicated') {
      if (x < 0.6 && mates.length > 1) addFlow(from, near(mates, position, 3, false) ?? pick(platform), null, null);
      else addFlow(from, pick(platform), null, null);
    } else {
      if (x < 0.9) addFlow(from, near(mates, position, 30, false) ?? pick(platform), null, null);
      else addFlow(from, near(mates, position, 30, true) ?? pick(platform), null, null);
    }
  }
  return { services, vendors, tenants, systems, dataFlows: flows };
}

const MB = 1024 * 1024;
const peak = { rss: 0, heap: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heap = Math.max(peak.heap, m.heapUsed);
};
function time<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  const ms = performance.now() - start;
  sample();
  return { value, ms };
}

interface Round { graph: number; reach: number; lint: number; blastRadius: number; residency: number; total: number }

const genStart = performance.now();
const objects = generate(Number(args.seed));
const generationMs = performance.now() - genStart;
sample();
const rssAfterGeneration = process.memoryUsage().rss;

const rounds: Round[] = [];
let last: { graph: IsmsGraph; lint: ReturnType<typeof lintScope>; blast: ReturnType<typeof blastRadius>; residency: ReturnType<typeof residencyReport> } | null = null;
for (let round = 0; round < ROUNDS; round++) {
  // Each round starts from the plain objects: nothing computed by an earlier round is reused.
  const graph = time(() => buildIsmsGraph(objects));
  const reach = time(() => tenantReach(graph.value));
  const lint = time(() => lintScope(graph.value, { today: '2026-11-23' }));
  const blast = time(() => blastRadius(graph.value));
  const residency = time(() => residencyReport(graph.value));
  const total = graph.ms + reach.ms + lint.ms + blast.ms + residency.ms;
  rounds.push({ graph: graph.ms, reach: reach.ms, lint: lint.ms, blastRadius: blast.ms, residency: residency.ms, total });
  last = { graph: graph.value, lint: lint.value, blast: blast.value, residency: residency.value };
}

/**
 * A service diagram of about 200 nodes: its systems are capped (marked ones first) until systems, systems of
 * other services its flows reach, and vendors come to about 200.
 */
async function diagramTimes(graph: IsmsGraph) {
  const service = graph.services[Math.min(2, graph.services.length - 1)]!;
  const nodesOf = (dot: string) => dot.match(/^ {2}[sv]\d+ \[/gm)?.length ?? 0;
  let maxSystems = 200;
  let dot = serviceDiagram(graph, service.id, { maxSystems })!;
  for (let i = 0; i < 8 && nodesOf(dot) > 220 && maxSystems > 5; i++) {
    maxSystems = Math.max(5, Math.floor(maxSystems * 200 / nodesOf(dot)));
    dot = serviceDiagram(graph, service.id, { maxSystems })!;
  }
  const builds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) builds.push(time(() => serviceDiagram(graph, service.id, { maxSystems })).ms);
  const start = performance.now();
  const svg = await renderSvg(dot);
  const firstRender = performance.now() - start;
  const warm: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await renderSvg(dot);
    warm.push(performance.now() - t);
  }
  sample();
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { service: service.slug, nodes: nodesOf(dot), edges: dot.match(/ -> /g)?.length ?? 0, dotKB: Math.round(dot.length / 1024), svgKB: Math.round(svg.length / 1024), buildMs: mid(builds), firstRenderMs: firstRender, warmRenderMs: mid(warm) };
}
const diagram = await diagramTimes(last!.graph);

const maxRss = process.resourceUsage().maxRSS * 1024;
const median = (k: keyof Round) => [...rounds.map((x) => x[k])].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
const { lint, blast, residency } = last!;
const breaches = residency.reduce((n, t) => n + t.breaches.length, 0);
const summary = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGB: Math.round(totalmem() / 1024 ** 3), node: process.version },
  size: { ...SIZE, flowsGenerated: objects.dataFlows.length, seed: Number(args.seed) },
  generationMs: Math.round(generationMs),
  medianMs: { graph: median('graph'), reach: median('reach'), lint: median('lint'), blastRadius: median('blastRadius'), residency: median('residency'), total: median('total') },
  rounds,
  results: {
    findings: lint.findings.length, counts: lint.counts, byRule: lint.byRule,
    rankedComponents: blast.ranking.length, topComponent: blast.ranking[0] ? { slug: blast.ranking[0].component.slug, tenants: blast.ranking[0].tenants, score: blast.ranking[0].score } : null,
    tenantsWithAllowance: residency.length, residencyBreaches: breaches,
  },
  diagram,
  memoryMB: {
    peakRss: Math.round(Math.max(peak.rss, maxRss) / MB), peakHeapUsed: Math.round(peak.heap / MB), rssAfterGeneration: Math.round(rssAfterGeneration / MB),
  },
};

if (args.json) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
  const first = rounds[0]!;
  const row = (label: string, k: keyof Round) => `  ${label.padEnd(44)}${ms(summary.medianMs[k])}${ms(first[k])}\n`;
  const out = process.stdout;
  out.write(`scope analyses: ${SIZE.systems} systems, ${objects.dataFlows.length} flows, ${SIZE.tenants} tenants, ${SIZE.vendors} vendors, ${SIZE.services} services (seed ${args.seed})\n`);
  out.write(`machine: ${summary.machine.cpus} × ${summary.machine.model}, ${summary.machine.memoryGB} GB, Node ${process.version}; generation ${summary.generationMs} ms (not counted)\n`);
  out.write(`  ${''.padEnd(44)}${`median/${ROUNDS}`.padStart(9)}${'round 1'.padStart(9)}\n`);
  out.write(row('build the graph', 'graph'));
  out.write(row('tenant reach (bitsets, SCC condensation)', 'reach'));
  out.write(row(`full lint (${lint.findings.length} findings)`, 'lint'));
  out.write(row(`blast radius (${blast.ranking.length} components ranked)`, 'blastRadius'));
  out.write(row(`residency (${residency.length} tenants, ${breaches} breaches)`, 'residency'));
  out.write(row('total (goal ≤ 1000 ms)', 'total'));
  out.write(`memory: peak RSS ${summary.memoryMB.peakRss} MB (${summary.memoryMB.rssAfterGeneration} MB after generating the objects), peak heap ${summary.memoryMB.peakHeapUsed} MB   (goal ≤ 1024 MB)\n`);
  out.write(`service diagram (${diagram.service}: ${diagram.nodes} nodes, ${diagram.edges} edges, DOT ${diagram.dotKB} KB, SVG ${diagram.svgKB} KB): DOT build ${diagram.buildMs.toFixed(1)} ms (median/${ROUNDS}), first SVG render ${diagram.firstRenderMs.toFixed(0)} ms (loads the wasm), warm render ${diagram.warmRenderMs.toFixed(0)} ms (median/${ROUNDS})\n`);
  out.write(`findings: ${lint.counts.error} errors, ${lint.counts.warning} warnings, ${lint.counts.info} info: ${Object.entries(lint.byRule).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
}
