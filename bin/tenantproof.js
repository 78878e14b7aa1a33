#!/usr/bin/env node
// The `tenantproof` command. Runs the compiled CLI; `npm run build` makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('tenantproof is not built yet: run `npm run build` (or `npm start`) in the package directory.');
  process.exit(2);
}
await import(main);
