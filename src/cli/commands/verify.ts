import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { sql } from 'kysely';
import {
  proofKind, verifyCheckpointSignature, verifyConsistencyProof, verifyEntryProof,
  type CheckpointJson, type KeyMaterial, type ProofVerdict,
} from '../../ledger/proof.js';
import { verifyLedger, type LedgerProblem, type LedgerVerification } from '../../ledger/verify.js';
import { plural } from '../../model/scope/wording.js';
import { LedgerVerificationRunner } from '../../services/ledger-verification.js';
import { operatorActor } from '../../services/provisioning.js';
import type { VerificationStatus } from '../../store/ledger-verifications.js';
import { withContext, type Database } from '../../store/database.js';
import { readInputFile } from '../prompt.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

/** Ledgers at least this long get a progress bar (verify reports progress every 10 000 entries). */
const PROGRESS_FROM = 10_000;

interface Target { orgId: string; label: string }

/** Every org that has a ledger: the one cross-org question, answered by a SECURITY DEFINER door (migration 0006). */
async function everyOrg(database: Database): Promise<Target[]> {
  const ids = (await sql<{ org_id: string }>`SELECT org_id FROM ledger_org_ids()`.execute(database.db)).rows.map((r) => r.org_id);
  const out: Target[] = [];
  for (const orgId of ids) {
    const row = await withContext(database.db, { orgId, tenantId: null, userId: null }, (trx) => trx.selectFrom('orgs').select('slug').executeTakeFirst());
    out.push({ orgId, label: row?.slug ?? orgId });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** One organization's line of the report; `verificationId` and `status` are null when the run was not recorded. */
type CliReport = LedgerVerification & { org: string; verificationId: string | null; status: VerificationStatus | null; error?: string | null };

function describe(label: string, r: CliReport): string {
  const recorded = r.verificationId ? ` (recorded as verification ${r.verificationId})` : '';
  if (r.status === 'interrupted') return `${label}: interrupted after ${r.entriesChecked} of ${r.treeSize} entries${recorded}\n`;
  if (r.status === 'error') return `${label}: could not finish: ${r.error}${recorded}\n`;
  if (r.ok) {
    return `${label}: ok: ${plural(r.entriesChecked, 'entry', 'entries')} recomputed (${r.entriesExpired} expired by retention, leaf hashes kept), ${plural(r.checkpointsChecked, 'checkpoint')} verified, tree size ${r.treeSize}${recorded}\n`;
  }
  const p = r.problem!;
  return `${label}: FAILED at ${p.kind} ${p.at}: ${p.message}${recorded}\n`;
}

/** A progress bar on standard error for ledgers of at least PROGRESS_FROM entries, created on the first report. */
class ProgressBar {
  #bar: SingleBar | null = null;
  constructor(private readonly label: string, private readonly enabled: boolean) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    if (!this.#bar && total >= PROGRESS_FROM) {
      this.#bar = new SingleBar({ format: `verifying ${this.label} [{bar}] {percentage}% | {value}/{total} entries`, hideCursor: true });
      this.#bar.start(total, 0);
    }
    this.#bar?.update(done);
  }

  stop(): void {
    this.#bar?.stop();
  }
}

/** Verify without a trace in the database (--no-record, or while another run of the organization is going). */
function unrecordedRun(database: Database, target: Target, bar: ProgressBar): Promise<LedgerVerification> {
  // a transaction per batch read (src/ledger/verify.ts): a long run keeps no snapshot open
  return verifyLedger((fn) => withContext(database.db, { orgId: target.orgId, tenantId: null, userId: null }, fn), target.orgId, (done, total) => bar.update(done, total));
}

/**
 * Verify as a recorded run, exactly like one started from the web app: its start and its result are ledger entries
 * by the operator, and it appears on the dashboard and in GET /api/ledger/verifications. Ctrl-C (or SIGTERM) stops
 * it between two batches and records it as interrupted. If the organization already has a run going (a server's),
 * this one runs unrecorded and says so.
 */
async function recordedRun(database: Database, target: Target, bar: ProgressBar): Promise<CliReport> {
  const actor = operatorActor(target.orgId);
  const runner = new LedgerVerificationRunner(database.db, {
    onBatch: (_id, done, total) => bar.update(done, total),
    log: { error: (obj, msg) => process.stderr.write(`${msg}: ${((obj as { err?: Error }).err)?.message ?? ''}\n`) },
  });
  const { run, started } = await runner.start(actor);
  if (!started) {
    process.stderr.write(`${target.label}: verification ${run.id} (started ${run.startedAt} by ${run.requestedBy}) is running; this one is not recorded\n`);
    return { org: target.label, verificationId: null, status: null, ...await unrecordedRun(database, target, bar) };
  }
  const interrupt = (signal: NodeJS.Signals) => { void runner.stop(`tenantproof verify was interrupted (${signal})`); };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    await runner.settled(run.id);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  const ended = await runner.get(actor, run.id);
  return {
    org: target.label, verificationId: ended.id, status: ended.status, error: ended.error,
    ok: ended.status === 'passed', orgId: target.orgId, treeSize: ended.treeSize, entriesChecked: ended.entriesChecked,
    entriesExpired: ended.entriesExpired, checkpointsChecked: ended.checkpointsChecked, problem: ended.problem as LedgerProblem | null,
  };
}

/** --public-key: base64 key, or a file holding one, or the JSON of GET /api/ledger/public-keys. */
async function keyOption(value: string): Promise<KeyMaterial> {
  let text = value.trim();
  if (existsSync(value)) text = (await readInputFile(value)).trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    let doc: any;
    try { doc = JSON.parse(text); } catch { throw new CliError(`--public-key: ${value} is not valid JSON`, EXIT.unusable); }
    const list = Array.isArray(doc) ? doc : Array.isArray(doc?.items) ? doc.items : Array.isArray(doc?.publicKeys) ? doc.publicKeys : undefined;
    if (list) return { publicKeys: list };
    if (typeof doc?.publicKey === 'string') return { publicKey: doc.publicKey };
    throw new CliError('--public-key: the JSON holds no keys (expected the answer of GET /api/ledger/public-keys)', EXIT.unusable);
  }
  if (Buffer.from(text, 'base64').length !== 32) throw new CliError('--public-key: expected a base64 Ed25519 public key (32 bytes), or a file holding one', EXIT.unusable);
  return { publicKey: text };
}

function summary(kind: 'entry' | 'consistency' | 'checkpoint', doc: any): string {
  const at = (c: CheckpointJson) => `the tree of ${c.treeSize} entries signed ${c.signedAt} by key ${c.keyId}`;
  if (kind === 'entry') {
    const e = doc.entry;
    return `entry ${e.index} (${e.expired ? 'expired by retention: its leaf hash' : `${e.kind} ${e.action} ${e.objectType}`}) is in ${at(doc.checkpoint)}`;
  }
  if (kind === 'consistency') return `the tree of ${doc.to.treeSize} entries (signed ${doc.to.signedAt}) extends the tree of ${doc.from.treeSize} (signed ${doc.from.signedAt}); both signatures hold`;
  return `the checkpoint of ${at(doc.checkpoint)} carries a valid signature`;
}

export function registerVerify(program: Command): void {
  program.command('verify')
    .description('Recompute the ledger from the database: every leaf from its payload, every stored node, every checkpoint\'s root and signature. Every organization unless --org; exits 1 naming the first entry, node or checkpoint that does not match. Each run is recorded like one started in the web app (its start and result are ledger entries) unless --no-record.')
    .option('--org <slug>', 'only this organization')
    .option('--json', 'print the reports as JSON')
    .option('-q, --quiet', 'no progress bar')
    .option('--no-record', 'do not record the run in the organization\'s list of verifications (nor write its two ledger entries)')
    .action(action(async (options: { org?: string; json?: boolean; quiet?: boolean; record: boolean }) => {
      await withDatabase(async ({ database }) => {
        const targets = options.org ? [await requireOrg(database, options.org)].map((o) => ({ orgId: o.orgId, label: o.slug })) : await everyOrg(database);
        if (!targets.length) process.stderr.write('no organization has a ledger yet\n');
        const reports: CliReport[] = [];
        for (const target of targets) {
          const bar = new ProgressBar(target.label, !options.quiet && process.stderr.isTTY);
          let report: CliReport;
          try {
            report = options.record ? await recordedRun(database, target, bar) : { org: target.label, verificationId: null, status: null, ...await unrecordedRun(database, target, bar) };
          } finally {
            bar.stop();
          }
          reports.push(report);
          if (!options.json) process.stdout.write(describe(target.label, report));
          if (report.status === 'interrupted') break;
        }
        if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
        if (reports.some((r) => r.status === 'interrupted' || r.status === 'error')) process.exitCode = EXIT.unusable;
        else if (reports.some((r) => !r.ok)) process.exitCode = EXIT.failed;
      });
    }));

  program.command('verify-proof')
    .description('Check a proof saved from the API, offline (no database, no server): an entry (GET /api/ledger/entries/N), a consistency proof (GET /api/ledger/consistency) or a checkpoint. Exits 0 when valid, 1 when not (saying why), 2 when the file cannot be read.')
    .argument('<file>', 'the JSON, or - for standard input')
    .option('--public-key <key>', 'the organization\'s public key from a source you trust: base64, or a file with it or with the JSON of GET /api/ledger/public-keys (default: publicKey or publicKeys inside the file)')
    .option('--json', 'print the verdict as JSON')
    .action(action(async (file: string, options: { publicKey?: string; json?: boolean }) => {
      const text = await readInputFile(file);
      let doc: any;
      try { doc = JSON.parse(text); } catch (error) { throw new CliError(`${file === '-' ? 'standard input' : file} is not JSON: ${(error as Error).message}`, EXIT.unusable); }
      const kind = proofKind(doc);
      if (!kind) throw new CliError('not a ledger proof: expected the JSON of GET /api/ledger/entries/N, GET /api/ledger/consistency or a checkpoint', EXIT.unusable);
      if (kind === 'checkpoint' && !('checkpoint' in doc)) doc = { checkpoint: doc, publicKey: doc.publicKey, publicKeys: doc.publicKeys };
      if (options.publicKey) {
        const keys = await keyOption(options.publicKey);
        doc = { ...doc, publicKey: keys.publicKey, publicKeys: keys.publicKeys };
      } else if (doc.publicKey === undefined && doc.publicKeys === undefined) {
        throw new CliError('no public key: pass --public-key (GET /api/ledger/public-keys, from a source you trust)', EXIT.unusable);
      } else {
        process.stderr.write('note: the public key came from the proof file itself; compare it with the organization\'s key from a source you trust\n');
      }
      const verdict: ProofVerdict = kind === 'entry' ? verifyEntryProof(doc) : kind === 'consistency' ? verifyConsistencyProof(doc) : verifyCheckpointSignature(doc);
      if (options.json) process.stdout.write(`${JSON.stringify({ kind, ...verdict }, null, 2)}\n`);
      else if (verdict.ok) process.stdout.write(`valid: ${summary(kind, doc)}\n`);
      else process.stdout.write(`NOT valid (${kind} proof):\n${verdict.problems.map((p) => `  ${p.check}: ${p.message}\n`).join('')}`);
      if (!verdict.ok) process.exitCode = EXIT.failed;
    }));
}
