/**
 * `npm run bench:soa`: the Statement of Applicability of an organization with 5,000 tenants, 300 overlays and the
 * 93 Annex A controls (one common implementation each), deterministic for a seed. Measures
 *   (a) every tenant's SoA: the pure computation (index + 5,000 views), and the same through the store
 *       (PGlite in memory: reading decisions, implementations, systems and tenants under RLS, then computing);
 *   (b) the exports of the full SoA: XLSX (the goal), CSV and PDF.
 * Prints medians of several rounds and the peak RSS. Goals: (a) <= 2 s, (b) XLSX <= 2 s.
 *
 *   npm run bench:soa
 *   npm run bench:soa -- --tenants 5000 --overlays 300 --rounds 5 --seed 7 --no-store --json
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { annexAControls, gdprLinksOf } from '../src/catalog/index.js';
import type { ImplementationStatus } from '../src/model/control-implementation.js';
import { buildSoa, indexSoa, tenantSoa, type SoaDecision, type SoaImplementationInput, type SoaInput, type SoaReason, type SoaSystem, type SoaTenant } from '../src/model/soa.js';
import { renderSoaCsv } from '../src/reports/soa-csv.js';
import { renderSoaPdf } from '../src/reports/soa-pdf.js';
import { soaTable } from '../src/reports/soa-table.js';
import { renderSoaXlsx } from '../src/reports/soa-xlsx.js';
import { createOrg, operatorActor } from '../src/services/provisioning.js';
import { allTenantViews, tenantView } from '../src/services/soa.js';
import { openDatabase, withContext } from '../src/store/database.js';
import { allResources } from '../src/store/resource-store.js';
import { listDecisions, soaSystems, soaTenants } from '../src/store/soa.js';
import { controlImplementationResource } from '../src/model/control-implementation.js';
import { prng } from '../test/support/prng.js';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '5000' },
    overlays: { type: 'string', default: '300' },
    services: { type: 'string', default: '20' },
    dedicated: { type: 'string', default: '200' },
    seed: { type: 'string', default: '20261130' },
    rounds: { type: 'string', default: '5' },
    'no-store': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const SIZE = { tenants: Number(args.tenants), overlays: Number(args.overlays), services: Number(args.services), dedicated: Number(args.dedicated) };
const ROUNDS = Math.max(1, Number(args.rounds));
const TIERS = ['A', 'B', 'C'] as const;
const STATUSES: ImplementationStatus[] = ['planned', 'implemented', 'operating', 'operating'];
const REASONS: SoaReason[] = ['risk-assessment', 'legal', 'contractual', 'business', 'best-practice'];

interface World { input: SoaInput; tenants: SoaTenant[]; systems: SoaSystem[]; services: string[] }

/**
 * Tenants spread over tiers (10% A, 30% B, 60% C) and 1–3 services each; 200 systems dedicated to a tenant each;
 * overlays: a third on a tier, a third on 1–5 tenants (a quarter of those overriding), a sixth on a service, a sixth
 * on 1–3 dedicated systems. Every control has a common implementation and a decision (90% applicable).
 */
function generate(seed: number): World {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const controls = annexAControls().map((c) => ({ id: c.id, title: c.title, theme: c.theme }));
  const services = Array.from({ length: SIZE.services }, () => randomUUID());
  const tenants: SoaTenant[] = Array.from({ length: SIZE.tenants }, (_, i) => {
    const r = rnd();
    const own = new Set<string>();
    const n = 1 + Math.floor(rnd() * 3);
    while (own.size < n) own.add(pick(services));
    return { id: randomUUID(), slug: `tenant-${i}`, name: `Tenant ${i}`, tier: r < 0.1 ? 'A' : r < 0.4 ? 'B' : 'C', serviceIds: [...own] };
  });
  const systems: SoaSystem[] = Array.from({ length: SIZE.dedicated }, () => ({ id: randomUUID(), tenancy: 'dedicated', tenantIds: [pick(tenants).id], serviceIds: [] }));
  const impl = (p: Partial<SoaImplementationInput> & Pick<SoaImplementationInput, 'slug' | 'controlId'>): SoaImplementationInput => ({
    id: randomUUID(), name: `Implementation ${p.slug}`, layer: 'common', status: pick(STATUSES), owner: pick(['Platform team', 'Security team', 'IT', 'HR', 'Facilities']),
    overrides: false, targetTiers: [], targetTenantIds: [], targetServiceIds: [], systemIds: [], ...p,
  });
  const implementations: SoaImplementationInput[] = controls.map((c) => impl({ slug: `common-${c.id.replace('.', '-')}`, controlId: c.id }));
  for (let i = 0; i < SIZE.overlays; i++) {
    const controlId = pick(controls).id;
    const kind = i % 6;
    const targets: Partial<SoaImplementationInput> =
      kind <= 1 ? { targetTiers: [pick(TIERS)] }
      : kind <= 3 ? { targetTenantIds: [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(tenants).id))], overrides: rnd() < 0.25 }
      : kind === 4 ? { targetServiceIds: [pick(services)] }
      : { systemIds: [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(systems).id))] };
    implementations.push(impl({ slug: `overlay-${i}`, controlId, layer: 'overlay', ...targets }));
  }
  const decisions: SoaDecision[] = controls.map((c) => {
    const applicable = rnd() < 0.9;
    return { controlId: c.id, applicable, reasons: [pick(REASONS)], justification: applicable ? '' : 'Not relevant to a cloud-only provider.', decidedBy: 'bench', decidedAt: new Date(0).toISOString() };
  });
  return { input: { controls, decisions, implementations, gdprOf: gdprLinksOf }, tenants, systems, services };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}
async function rounds(fn: () => Promise<unknown> | unknown): Promise<{ median: number; min: number; max: number; first: number }> {
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) ms.push((await time(fn))[0]);
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), first: ms[0]! };
}

/** The same organization stored (tenants, links, systems, implementations, decisions) with plain SQL in batches. */
async function store(world: World) {
  const database = await openDatabase({ databaseUrl: null, dataDir: '', poolSize: 1 } as never, { memory: true });
  await database.migrate();
  const org = await createOrg(database.db, { slug: 'bench-soa', name: 'Bench SoA' });
  const chunk = <T>(xs: T[], n = 1000) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
  await withContext(database.db, { orgId: org.orgId, tenantId: null, userId: null }, async (trx) => {
    const o = org.orgId;
    await trx.insertInto('services').values(world.services.map((id, i) => ({ org_id: o, id, slug: `service-${i}`, name: `Service ${i}` }))).execute();
    for (const part of chunk(world.tenants)) {
      await trx.insertInto('tenants').values(part.map((t) => ({ org_id: o, id: t.id, slug: t.slug, name: t.name, tier: t.tier, tenancy_pattern: 'pooled' }))).execute();
      await trx.insertInto('tenant_services').values(part.flatMap((t) => t.serviceIds.map((s) => ({ org_id: o, tenant_id: t.id, service_id: s })))).execute();
    }
    await trx.insertInto('systems').values(world.systems.map((s, i) => ({ org_id: o, id: s.id, slug: `dedicated-${i}`, name: `Dedicated ${i}`, kind: 'application', environment: 'production', tenancy: 'dedicated', in_scope: true }))).execute();
    await trx.insertInto('system_tenants').values(world.systems.flatMap((s) => s.tenantIds.map((t) => ({ org_id: o, system_id: s.id, tenant_id: t })))).execute();
    const impls = world.input.implementations;
    await trx.insertInto('control_implementations').values(impls.map((i) => ({
      org_id: o, id: i.id, slug: i.slug, name: i.name, control_id: i.controlId, layer: i.layer, target_tiers: [...i.targetTiers], overrides: i.overrides, owner: i.owner, status: i.status,
    }))).execute();
    const links = (field: 'targetTenantIds' | 'targetServiceIds' | 'systemIds', table: string, column: string) => {
      const rows = impls.flatMap((i) => i[field].map((x) => ({ org_id: o, control_implementation_id: i.id, [column]: x })));
      return rows.length ? trx.insertInto(table).values(rows).execute() : Promise.resolve();
    };
    await links('targetTenantIds', 'control_implementation_tenants', 'tenant_id');
    await links('targetServiceIds', 'control_implementation_services', 'service_id');
    await links('systemIds', 'control_implementation_systems', 'system_id');
    await trx.insertInto('soa_decisions').values(world.input.decisions.map((d) => ({ org_id: o, control_id: d.controlId, applicable: d.applicable, reasons: d.reasons, justification: d.justification, decided_by: 'bench' }))).execute();
  });
  return { database, actor: operatorActor(org.orgId) };
}

async function main(): Promise<void> {
  const world = generate(Number(args.seed));
  const figures: Record<string, unknown> = { size: { ...SIZE, controls: world.input.controls.length }, rounds: ROUNDS };

  // (a) pure: the index once, then every tenant
  let rowsOut = 0;
  const pure = await rounds(() => {
    const index = indexSoa(world.input, world.systems);
    rowsOut = 0;
    for (const t of world.tenants) rowsOut += tenantSoa(index, t).length;
  });
  figures.allTenantSoasPureMs = pure;
  figures.rowsPerRun = rowsOut;

  // (b) exports of the organization-wide SoA
  const full = buildSoa(world.input);
  const table = soaTable(full);
  let xlsxBytes = 0; let pdfBytes = 0; let csvBytes = 0;
  figures.xlsxMs = await rounds(async () => { xlsxBytes = (await renderSoaXlsx(table, { organization: 'Bench SoA', subtitle: 'bench' })).length; });
  figures.csvMs = await rounds(() => { csvBytes = renderSoaCsv(table).length; });
  figures.pdfMs = await rounds(async () => { pdfBytes = (await renderSoaPdf(table, { organization: 'Bench SoA', subtitle: 'bench' })).length; });
  figures.exportBytes = { xlsx: xlsxBytes, csv: csvBytes, pdf: pdfBytes };

  if (!args['no-store']) {
    const [seedMs, stored] = await time(() => store(world));
    figures.storeSeedMs = Math.round(seedMs);
    let views = 0;
    figures.allTenantSoasThroughStoreMs = await rounds(async () => { views = (await allTenantViews(stored.database.db, stored.actor)).size; });
    figures.tenantsThroughStore = views;
    // where the time goes: the reads alone, one query at a time, inside the same kind of transaction
    const reads: Record<string, number[]> = { decisions: [], implementations: [], systems: [], tenants: [] };
    for (let i = 0; i < ROUNDS; i++) {
      await withContext(stored.database.db, { orgId: stored.actor.orgId, tenantId: null, userId: null }, async (trx) => {
        reads.decisions!.push((await time(() => listDecisions(trx)))[0]);
        reads.implementations!.push((await time(() => allResources(trx, controlImplementationResource)))[0]);
        reads.systems!.push((await time(() => soaSystems(trx)))[0]);
        reads.tenants!.push((await time(() => soaTenants(trx)))[0]);
      });
    }
    figures.storeReadsMedianMs = Object.fromEntries(Object.entries(reads).map(([k, v]) => [k, Math.round(median(v))]));
    const one = world.tenants[0]!;
    figures.oneTenantViewThroughStoreMs = await rounds(() => tenantView(stored.database.db, stored.actor, one.id));
    await stored.database.close();
  }
  figures.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  figures.machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };

  if (args.json) { process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`); return; }
  const f = (x: { median: number; min: number; max: number }) => `median ${x.median.toFixed(0)} ms (min ${x.min.toFixed(0)}, max ${x.max.toFixed(0)})`;
  const goal = (ms: number) => (ms <= 2000 ? 'within the 2 s goal' : 'OVER the 2 s goal');
  const out = [
    `SoA benchmark: ${SIZE.tenants} tenants, ${SIZE.overlays} overlays, ${world.input.controls.length} controls, ${SIZE.services} services, ${SIZE.dedicated} dedicated systems; ${ROUNDS} rounds`,
    `(a) every tenant's SoA, pure (${rowsOut} rows):  ${f(pure)}  ${goal(pure.median)}`,
  ];
  if (figures.allTenantSoasThroughStoreMs) {
    const s = figures.allTenantSoasThroughStoreMs as typeof pure;
    out.push(`(a) every tenant's SoA through the store (PGlite): ${f(s)}  ${goal(s.median)}  [seeding took ${figures.storeSeedMs as number} ms]`);
    out.push(`    reads alone (medians, ms): ${JSON.stringify(figures.storeReadsMedianMs)}`);
    out.push(`    one tenant's view through the store: ${f(figures.oneTenantViewThroughStoreMs as typeof pure)}`);
  }
  const x = figures.xlsxMs as typeof pure;
  out.push(`(b) XLSX of the full SoA (${xlsxBytes} bytes): ${f(x)}  ${goal(x.median)}`);
  out.push(`    CSV (${csvBytes} bytes): ${f(figures.csvMs as typeof pure)};  PDF (${pdfBytes} bytes): ${f(figures.pdfMs as typeof pure)}`);
  out.push(`peak RSS ${figures.peakRssMb as number} MB; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
