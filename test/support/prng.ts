/**
 * mulberry32: a small, fast, deterministic PRNG, so a random test case or a benchmark's organization can be
 * rebuilt from its seed. Shared by the randomized unit tests and the benchmarks; not for anything secret.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
