import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it('gives the same bytes whatever the insertion order', () => {
    expect(canonicalJson({ x: 'é', y: null, z: [true] })).toBe(canonicalJson({ z: [true], y: null, x: 'é' }));
  });
  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

/** The definition, written the obvious way: the fast version must give the same bytes for every value. */
function reference(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

describe('canonicalJson against its definition', () => {
  it('gives the same bytes on 2,000 random values (keys with non-ASCII, astral and control characters)', () => {
    let seed = 42;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const alphabet = ['a', 'B', 'z', 'é', 'Ω', '😀', '\u0000', '"', '\\', '\n', '10', '2', '_', ' '];
    const text = () => Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const random = (depth: number): unknown => {
      const pick = Math.floor(next() * (depth > 3 ? 5 : 8));
      switch (pick) {
        case 0: return null;
        case 1: return next() < 0.5;
        case 2: return Math.round((next() - 0.5) * 1e6) / (next() < 0.5 ? 1 : 1000);
        case 3: return text();
        case 4: return undefined;
        case 5: return Array.from({ length: Math.floor(next() * 5) }, () => random(depth + 1));
        default: return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [text(), random(depth + 1)]));
      }
    };
    for (let i = 0; i < 2000; i++) {
      const value = { root: random(0) };
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });
});
