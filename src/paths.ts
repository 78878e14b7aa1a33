import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: one level above `src/` (run from source) or `dist/` (built). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The demo organization's bundle. */
export const DEMO_BUNDLE_PATH = join(PACKAGE_ROOT, 'examples', 'northwind-msp.yaml');
