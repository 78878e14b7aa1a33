import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBundleSource } from '../../../src/model/bundle-source.js';
import { checkBundle, resolveBundle, type SlugIndex } from '../../../src/model/bundle-validate.js';
import { RESOURCES } from '../../../src/model/index.js';
import { bundleModel, sequentialIds, type BundleModel } from '../../../src/model/scope/from-bundle.js';

export const DEMO_PATH = fileURLToPath(new URL('../../../examples/northwind-msp.yaml', import.meta.url));
export const DEMO_TEXT = readFileSync(DEMO_PATH, 'utf8');

/** The demo organization read for analysis, the way the offline CLI reads it. */
export function demoModel(text = DEMO_TEXT): BundleModel {
  const { model, problems } = bundleModel(text, 'examples/northwind-msp.yaml');
  if (!model) throw new Error(`demo bundle invalid: ${problems.map((p) => p.message).join('; ')}`);
  return model;
}

/** The same, by hand with the model's pure functions: parse, check, resolve against an empty organization. */
export function demoResolvedItems() {
  const source = parseBundleSource(DEMO_TEXT, 'examples/northwind-msp.yaml');
  const { bundle } = checkBundle(source);
  if (!bundle) throw new Error('demo bundle invalid');
  const stored: SlugIndex = new Map(RESOURCES.map((r) => [r.name, new Map<string, string>()]));
  return resolveBundle(source, bundle, stored, sequentialIds());
}
