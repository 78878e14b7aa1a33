/**
 * Rows of bits in one flat Uint32Array: row r, bit b is word `r * words + (b >>> 5)`, bit `b & 31`.
 * The analyses keep "which tenants' data is here" as one row per system or vendor: 10,000 systems × 5,000
 * tenants is 6 MB, and a union over a data flow is ~160 word operations.
 */
export interface BitRows {
  readonly rows: number;
  /** Words per row. */
  readonly words: number;
  readonly bits: Uint32Array;
}

export function bitRows(rows: number, width: number): BitRows {
  const words = Math.max(1, Math.ceil(width / 32));
  return { rows, words, bits: new Uint32Array(rows * words) };
}

export function setBit(m: BitRows, row: number, bit: number): void {
  m.bits[row * m.words + (bit >>> 5)]! |= 1 << (bit & 31);
}

export function hasBit(m: BitRows, row: number, bit: number): boolean {
  return (m.bits[row * m.words + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;
}

/** target[row t] |= source[row s]; true when target changed. Both matrices have the same width. */
export function orRow(target: BitRows, t: number, source: BitRows, s: number): boolean {
  const w = target.words;
  const tb = target.bits;
  const sb = source.bits;
  let changed = 0;
  for (let i = 0, to = t * w, so = s * w; i < w; i++) {
    const before = tb[to + i]!;
    const after = before | sb[so + i]!;
    changed |= before ^ after;
    tb[to + i] = after;
  }
  return changed !== 0;
}

/** target[row t] |= source[row s] & mask[row m]; true when target changed. All three have the same width. */
export function orRowMasked(target: BitRows, t: number, source: BitRows, s: number, mask: BitRows, m: number): boolean {
  const w = target.words;
  const tb = target.bits;
  const sb = source.bits;
  const mb = mask.bits;
  let changed = 0;
  for (let i = 0, to = t * w, so = s * w, mo = m * w; i < w; i++) {
    const before = tb[to + i]!;
    const after = before | (sb[so + i]! & mb[mo + i]!);
    changed |= before ^ after;
    tb[to + i] = after;
  }
  return changed !== 0;
}

export function rowIsEmpty(m: BitRows, row: number): boolean {
  for (let i = row * m.words, end = i + m.words; i < end; i++) if (m.bits[i] !== 0) return false;
  return true;
}

/** Number of set bits in a row, optionally only those also set in `mask` (a single row of the same width). */
export function rowCount(m: BitRows, row: number, mask?: Uint32Array): number {
  let n = 0;
  for (let i = 0, o = row * m.words; i < m.words; i++) n += popcount(mask ? m.bits[o + i]! & mask[i]! : m.bits[o + i]!);
  return n;
}

/** At least `k` set bits in the row: stops early, for "shared by two or more tenants". */
export function rowHasAtLeast(m: BitRows, row: number, k: number): boolean {
  let n = 0;
  for (let i = 0, o = row * m.words; i < m.words; i++) {
    const w = m.bits[o + i]!;
    if (w !== 0) {
      n += popcount(w);
      if (n >= k) return true;
    }
  }
  return n >= k;
}

/** Call `fn` with every set bit of a row, in increasing order. */
export function forEachBit(m: BitRows, row: number, fn: (bit: number) => void): void {
  for (let i = 0, o = row * m.words; i < m.words; i++) {
    let w = m.bits[o + i]!;
    while (w !== 0) {
      const low = w & -w;
      fn((i << 5) + 31 - Math.clz32(low));
      w ^= low;
    }
  }
}

/** The set bits of a row. */
export function rowBits(m: BitRows, row: number): number[] {
  const out: number[] = [];
  forEachBit(m, row, (b) => out.push(b));
  return out;
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The lowest set bit of a row, or -1 when the row is empty. */
export function firstBit(m: BitRows, row: number): number {
  for (let i = 0, o = row * m.words; i < m.words; i++) {
    const w = m.bits[o + i]!;
    if (w !== 0) return (i << 5) + 31 - Math.clz32(w & -w);
  }
  return -1;
}

/** Call `fn` with every set bit of a standalone row of words, in increasing order; stops when `fn` returns false. */
export function forEachWordBit(words: Uint32Array, fn: (bit: number) => boolean | void): void {
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!;
    while (w !== 0) {
      const low = w & -w;
      if (fn((i << 5) + 31 - Math.clz32(low)) === false) return;
      w ^= low;
    }
  }
}
