import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The `tenantproof` command as the tests run it: the compiled CLI under plain node, as users run it after
 * `npm run build`. The global setup compiles the server once per test run (`buildCliForTests`), so every test sees
 * the working tree's code; starting compiled JavaScript takes about a second less per process than compiling
 * TypeScript on the fly with tsx, and the suite starts some seventy CLI processes.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The program to start: this node. */
export const NODE = process.execPath;
/** Its first argument: the compiled CLI entry point. */
export const CLI_MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/**
 * The compiled worker thread of background ledger verifications (PostgreSQL), compiled with the CLI: the runner
 * cannot start one from TypeScript (src/services/ledger-verification.ts).
 */
export const VERIFY_WORKER = pathToFileURL(join(ROOT, 'dist', 'services', 'ledger-verification-worker.js'));

/** Compile the server into dist/ (tsc, then the SQL migrations beside it), like `npm run build:server`. */
export function buildCliForTests(): void {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(NODE, [join(ROOT, 'scripts', 'copy-assets.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
