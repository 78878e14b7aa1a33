/**
 * Summarise a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench:ledger -- --profile`): the functions
 * with the most self time, and the most inclusive time of the project's own functions (src/).
 *
 *   npx tsx bench/ledger-profile.ts bench/results/ledger-postgres-ingest.cpuprofile [top N]
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const file = process.argv[2];
if (!file) throw new Error('usage: bench/ledger-profile.ts FILE.cpuprofile [top]');
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self.entries()].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, t]) => a + t, 0);

const label = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/').replace(/^node:/, 'node:');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};
const pct = (t: number) => `${((t / (total - idle)) * 100).toFixed(1).padStart(5)}%`;

const selfByLabel = new Map<string, number>();
for (const [id, t] of self) { const l = label(byId.get(id)!); selfByLabel.set(l, (selfByLabel.get(l) ?? 0) + t); }
// Inclusive: each sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (!seen.has(l)) { seen.add(l); inclusive.set(l, (inclusive.get(l) ?? 0) + (profile.timeDeltas[i] ?? 0)); }
  }
});
console.log(`${file}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled, busy ${((total - idle) / 1e6).toFixed(1)} s (percentages of busy time)`);
console.log('\nself time:');
for (const [l, t] of [...selfByLabel].sort((a, b) => b[1] - a[1]).filter(([l]) => !/^\((idle|program)\)/.test(l)).slice(0, top)) console.log(`  ${pct(t)}  ${l}`);
console.log('\ninclusive time, project functions:');
for (const [l, t] of [...inclusive].sort((a, b) => b[1] - a[1]).filter(([l]) => / (src|bench)\//.test(l)).slice(0, top)) console.log(`  ${pct(t)}  ${l}`);
