/**
 * The benchmark's load generator, in its own process so that it does not share the server's event loop:
 * autocannon against one URL on 127.0.0.1, a warm-up run (discarded), then the measured run, bounded by
 * duration and by a total request cap. Prints one JSON line with the figures.
 *
 *   node --import tsx bench/load.ts '{"url":"http://127.0.0.1:PORT/api/...","token":"tp_...","connections":32,"duration":10,"warmup":2,"maxRequests":400000}'
 */
import autocannon from 'autocannon';

interface LoadSpec {
  url: string;
  token: string;
  connections: number;
  duration: number;
  warmup: number;
  maxRequests: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const target = new URL(spec.url);
if (target.hostname !== '127.0.0.1') throw new Error(`the benchmark only targets 127.0.0.1, not ${target.hostname}`);

/** Latencies of the measured run, in ms with sub-millisecond precision (autocannon's histogram keeps whole ms). */
let latencies = new Float64Array(0);
let recorded = 0;

function run(duration: number, maxRequests: number, record: boolean): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: spec.url,
      connections: spec.connections,
      duration,
      maxOverallRequests: Math.max(maxRequests, spec.connections),
      timeout: 10,
      headers: { authorization: `Bearer ${spec.token}`, accept: 'application/json' },
    }, (error, result) => (error ? reject(error) : resolve(result)));
    if (record) {
      instance.on('response', (_client, _status, _bytes, responseTime) => {
        if (recorded < latencies.length) latencies[recorded++] = responseTime;
      });
    }
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

if (spec.warmup > 0) await run(spec.warmup, spec.maxRequests, false);
latencies = new Float64Array(spec.maxRequests + spec.connections);
process.stdout.write(`${JSON.stringify({ measuring: true })}\n`);
const r = await run(spec.duration, spec.maxRequests, true);
const sorted = latencies.subarray(0, recorded).sort();
const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, Number((s as { count: number | string }).count)]));
const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
const round = (v: number) => Math.round(v * 1000) / 1000;
process.stdout.write(`${JSON.stringify({
  requests: completed,
  seconds: r.duration,
  rps: completed / r.duration,
  latencyMs: {
    avg: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
    p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(percentile(sorted, 100)),
  },
  errors: r.errors,
  timeouts: r.timeouts,
  non2xx: r.non2xx,
  statusCodes,
})}\n`);
