import { categoriesOf } from './categories.js';

const CATEGORY_WORDS: Record<string, string> = {
  'customer-content': 'customer content',
  'personal-data': 'personal data',
  'special-category-data': 'special-category (sensitive) personal data',
  credentials: 'credentials',
  'tenant-metadata': 'tenant metadata',
  telemetry: 'telemetry',
  none: 'no data',
};

/** "A", "A and B", "A, B and C", "A, B, C and 4 more"; `total` counts names not passed in. */
export function listNames(names: readonly string[], max = 3, total = names.length): string {
  if (total <= 0 || names.length === 0) return '';
  if (total === 1) return names[0]!;
  if (total <= max && names.length >= total) return `${names.slice(0, total - 1).join(', ')} and ${names[total - 1]!}`;
  return `${names.slice(0, max).join(', ')} and ${total - Math.min(max, names.length)} more`;
}

/** Data categories (as bits) in words a compliance lead uses: "personal data and customer content". */
export function describeCategories(mask: number): string {
  return listNames(categoriesOf(mask).map((c) => CATEGORY_WORDS[c] ?? c), 6);
}

/** "1 tenant", "3 tenants". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A path on one line: `tenant Acme → service Harbor Cloud → Harbor web app —[Support chat widget]→ Support chat`. */
export function pathText(path: readonly { kind: string; name: string }[]): string {
  let out = '';
  for (const step of path) {
    if (step.kind === 'flow') out += ` —[${step.name}]→ `;
    else out += `${out && !out.endsWith('→ ') ? ' → ' : ''}${step.kind === 'tenant' || step.kind === 'service' || step.kind === 'vendor' ? `${step.kind} ` : ''}${step.name}`;
  }
  return out;
}

/** Code-point order: slugs are ASCII, and unlike localeCompare it costs nothing on 10,000 findings. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
