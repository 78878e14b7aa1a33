import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { IngestReport } from '../../model/event.js';
import { ingestEvents } from '../../services/events.js';
import { operatorActor } from '../../services/provisioning.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

const BATCH_LINES = 5000;
const BATCH_BYTES = 4 * 1024 * 1024;

interface Options { org?: string; server?: string; token?: string; quiet?: boolean }
type Send = (batch: string) => Promise<IngestReport>;

/** Post one batch to a running server; an HTTP error stops the run (what was acknowledged before stays). */
function httpSender(server: string, token: string): Send {
  const url = new URL('/api/events', server).toString();
  return async (batch) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` }, body: batch });
    const body = await res.json().catch(() => null) as any;
    if (res.status === 200) return body as IngestReport;
    if (res.status === 422 && body?.error === 'events_rejected') {
      const results = (body.problems as Array<{ line: number; field: string; message: string }>).map((p) => ({ line: p.line, status: 'rejected' as const, field: p.field, reason: p.message }));
      return { received: results.length, accepted: 0, duplicates: 0, rejected: results.length, treeSize: -1, results };
    }
    throw new CliError(`the server answered ${res.status}: ${body?.message ?? res.statusText}`, EXIT.failed);
  };
}

export function registerIngest(program: Command): void {
  program.command('ingest')
    .description('Append events (NDJSON, one per line) to an organization\'s ledger, in batches, with progress and a summary; exits 1 if any line was rejected.')
    .argument('<file>', 'NDJSON file, or - for standard input')
    .option('--org <slug>', 'organization (writes to the configured database directly)')
    .option('--server <url>', 'send to a running server instead, e.g. http://127.0.0.1:8080 (needs --token)')
    .option('--token <token>', 'API token for --server (or env TENANTPROOF_TOKEN)')
    .option('-q, --quiet', 'no progress bar')
    .action(action(async (file: string, options: Options) => {
      const token = options.token ?? process.env.TENANTPROOF_TOKEN;
      if (options.server && !token) throw new CliError('--server needs --token (or TENANTPROOF_TOKEN)', EXIT.unusable);
      if (!options.server && !options.org) throw new CliError('give --org <slug> (direct) or --server <url> --token <t>', EXIT.unusable);
      let total = 0;
      if (file !== '-') {
        try { total = statSync(file).size; } catch { throw new CliError(`cannot read ${file}: no such file`, EXIT.unusable); }
      }
      const run = async (send: Send) => ingestStream(file === '-' ? process.stdin : createReadStream(file), total, send, !options.quiet && process.stderr.isTTY);
      const summary = options.server
        ? await run(httpSender(options.server, token!))
        : await withDatabase(async ({ database }) => {
          const org = await requireOrg(database, options.org);
          return run((batch) => ingestEvents(database.db, operatorActor(org.orgId), batch));
        });
      process.stdout.write(`${summary.lines} lines: ${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected.length} rejected\n`);
      for (const r of summary.rejected.slice(0, 50)) process.stdout.write(`  line ${r.line}: ${r.field ? `${r.field}: ` : ''}${r.reason}\n`);
      if (summary.rejected.length > 50) process.stdout.write(`  … and ${summary.rejected.length - 50} more\n`);
      if (summary.rejected.length) process.exitCode = EXIT.failed;
    }));
}

interface Summary { lines: number; accepted: number; duplicates: number; rejected: Array<{ line: number; field?: string; reason?: string }> }

/** Read lines, send them in batches (line numbers stay those of the whole file), and add up the answers. */
async function ingestStream(input: NodeJS.ReadableStream, totalBytes: number, send: Send, progress: boolean): Promise<Summary> {
  const bar = progress ? new SingleBar({ format: 'ingesting [{bar}] {percentage}% | {value}/{total} bytes | {accepted} accepted', hideCursor: true }) : null;
  bar?.start(totalBytes || 1, 0, { accepted: 0 });
  const summary: Summary = { lines: 0, accepted: 0, duplicates: 0, rejected: [] };
  let batch: string[] = [];
  let batchBytes = 0;
  let firstLine = 1;
  let read = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    if (batch.every((l) => l.trim() === '')) {
      firstLine += batch.length;
      batch = [];
      batchBytes = 0;
      return;
    }
    const report = await send(batch.join('\n'));
    summary.accepted += report.accepted;
    summary.duplicates += report.duplicates;
    for (const r of report.results) if (r.status === 'rejected') summary.rejected.push({ line: r.line + firstLine - 1, field: r.field, reason: r.reason });
    firstLine += batch.length;
    batch = [];
    batchBytes = 0;
    bar?.update(read, { accepted: summary.accepted });
  };
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    summary.lines++;
    read += Buffer.byteLength(line) + 1;
    batch.push(line);
    batchBytes += line.length + 1;
    if (batch.length >= BATCH_LINES || batchBytes >= BATCH_BYTES) await flush();
  }
  await flush();
  bar?.update(totalBytes || 1);
  bar?.stop();
  return summary;
}
