import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatProblem } from '../../model/bundle-source.js';
import { bundleKeyOf } from '../../model/bundle.js';
import { RESOURCES } from '../../model/index.js';
import { buildIsmsGraph } from '../../model/scope/graph.js';
import { bundleModel, type BundleModel } from '../../model/scope/from-bundle.js';
import type { Finding } from '../../model/scope/finding.js';
import { DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS, type LintOptions, type VendorCriticality } from '../../model/scope/lint-options.js';
import { lintScope, type LintReport } from '../../model/scope/lint.js';
import type { ObjectRef } from '../../model/scope/objects.js';
import { SCOPE_RULES } from '../../model/scope/rules/index.js';
import { toSarif, type SourcePosition } from '../../model/scope/sarif.js';
import { pathText } from '../../model/scope/wording.js';
import { VENDOR_CRITICALITIES } from '../../model/vendor.js';
import { readInputFile } from '../prompt.js';
import { action, CliError, EXIT } from '../runtime.js';
import { lintFromDatabase, lintFromServer, type RemoteReport } from './lint-sources.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
/** Largest bundle file lint reads. */
const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;
type Format = (typeof FORMATS)[number];

interface LintCommandOptions {
  format: string;
  org?: string;
  server?: string;
  token?: string;
  today?: string;
  reviewMaxAge?: string;
  isolationTestMaxAge?: string;
  disable?: string;
}

/** The package version, for SARIF's tool driver; the same relative path from src/ and from dist/. */
function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `critical=6,high=12` → months per criticality. */
function parseReviewAges(value: string): Partial<Record<VendorCriticality, number>> {
  const out: Partial<Record<VendorCriticality, number>> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, months] = part.split('=');
    if (!VENDOR_CRITICALITIES.includes(key as VendorCriticality) || !/^\d+$/.test(months ?? '')) {
      throw new CliError(`--review-max-age: expected criticality=months pairs (${VENDOR_CRITICALITIES.join(', ')}), not "${part}"`, EXIT.unusable);
    }
    out[key as VendorCriticality] = Number(months);
  }
  return out;
}

function lintOptions(options: LintCommandOptions): LintOptions {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) throw new CliError(`--today: expected a date YYYY-MM-DD, not "${today}"`, EXIT.unusable);
  const days = options.isolationTestMaxAge ?? String(DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS);
  if (!/^\d+$/.test(days)) throw new CliError(`--isolation-test-max-age: expected a number of days, not "${days}"`, EXIT.unusable);
  const disabled = (options.disable ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = disabled.filter((id) => !SCOPE_RULES.some((r) => r.id === id));
  if (unknown.length) throw new CliError(`--disable: unknown rule ${unknown.join(', ')} (see tenantproof lint --help)`, EXIT.unusable);
  return {
    today,
    isolationTestMaxAgeDays: Number(days),
    disabledRules: disabled,
    ...(options.reviewMaxAge ? { reviewMaxAgeMonths: parseReviewAges(options.reviewMaxAge) } : {}),
  };
}

/** Where an object (and one of its fields) is written in the bundle file. */
function locator(model: BundleModel): (ref: ObjectRef, field?: string) => SourcePosition | null {
  return (ref, field) => {
    const place = model.places.get(ref.id);
    if (!place) return null;
    const def = RESOURCES.find((r) => r.bundleKey === place.section)!;
    return model.source.locate([place.section, place.index, ...(field ? [bundleKeyOf(def, field)] : [])], { key: field !== undefined });
  };
}

function printText(file: string, report: LintReport, locate: ReturnType<typeof locator>): void {
  const out = process.stdout;
  const at = (f: Finding) => {
    const p = locate(f.subject, f.field);
    return p ? `${file}:${p.line}:${p.column}` : file;
  };
  for (const f of report.findings) {
    out.write(`${at(f)}: ${f.severity}: ${f.message} [${f.ruleId}]\n`);
    if (f.path.length > 1) out.write(`    path: ${pathText(f.path)}\n`);
    out.write(`    fix:  ${f.hint}\n`);
  }
  const { error, warning, info } = report.counts;
  const rules = Object.entries(report.byRule).filter(([, n]) => n > 0).map(([id, n]) => `${id} ${n}`);
  out.write(`${report.findings.length ? '\n' : ''}${file}: ${error} ${error === 1 ? 'error' : 'errors'}, ${warning} ${warning === 1 ? 'warning' : 'warnings'}, ${info} info${rules.length ? ` (${rules.join(', ')})` : ''}\n`);
}

/** Where the model comes from: exactly one of a bundle file, --org or --server. */
function source(bundle: string | undefined, options: LintCommandOptions): 'file' | 'org' | 'server' {
  const given = [bundle !== undefined && 'a bundle file', options.org && '--org', options.server && '--server'].filter(Boolean);
  if (given.length !== 1) throw new CliError(given.length ? `give one of a bundle file, --org or --server, not ${given.join(' and ')}` : 'give a bundle file, --org <slug> or --server <url> --token <token>', EXIT.unusable);
  if (options.token && !options.server) throw new CliError('--token goes with --server', EXIT.unusable);
  return bundle !== undefined ? 'file' : options.org ? 'org' : 'server';
}

function printRemote(format: Format, remote: RemoteReport, lint: LintOptions): void {
  const { report, label } = remote;
  const nowhere = () => null;
  if (format === 'json') {
    const findings = report.findings.map((f) => ({ ...f, location: null }));
    process.stdout.write(`${JSON.stringify({ source: label, organization: remote.organization, today: lint.today, counts: report.counts, byRule: report.byRule, findings, excepted: report.excepted }, null, 2)}\n`);
  } else if (format === 'sarif') {
    const rules = SCOPE_RULES.filter((r) => r.id in report.byRule);
    process.stdout.write(`${JSON.stringify(toSarif(report, { artifactUri: `tenantproof:${remote.organization.slug}`, locate: nowhere, toolVersion: toolVersion(), rules }), null, 2)}\n`);
  } else {
    printText(label, report, nowhere);
  }
}

export function registerLint(program: Command): void {
  program.command('lint')
    .description('Check the ISMS scope: customer data outside the scope, excluded dependencies, support and admin tools, logs and backups, pipelines, identity providers, vendor reviews, non-production copies, tenant isolation and data residency. Reads a bundle file offline (no server, no database), an organization in the configured database (--org), or a running server (--server with --token). Exits 1 when there is an error-level finding, 2 when the model cannot be read (unreadable or invalid bundle, unknown organization, unreachable server, refused token).')
    .argument('[bundle]', 'the ISMS-as-code bundle (YAML), or - for standard input')
    .option('--org <slug>', 'lint this organization as stored in the database (DATABASE_URL or TENANTPROOF_DATA), like export')
    .option('--server <url>', 'lint the organization of --token on a running server, e.g. http://127.0.0.1:8080')
    .option('--token <token>', 'API token for --server (or env TENANTPROOF_TOKEN)')
    .option('--format <format>', `output: ${FORMATS.join(', ')} (SARIF 2.1.0 for code scanning)`, 'text')
    .option('--today <date>', 'the date reviews and exceptions are measured against (default: today, UTC)')
    .option('--review-max-age <list>', 'months allowed since a vendor review, per criticality, e.g. critical=6,high=12 (default critical=12,high=12,medium=24,low=36; not with --server)')
    .option('--isolation-test-max-age <days>', `days a passed isolation test stays valid (default ${DEFAULT_ISOLATION_TEST_MAX_AGE_DAYS})`)
    .option('--disable <rules>', 'rule ids not to run, comma-separated')
    .addHelpText('after', `\nRules:\n${SCOPE_RULES.map((r) => `  ${r.id.padEnd(42)} ${r.severity.padEnd(8)} ${r.title}`).join('\n')}\n`)
    .action(action(async (bundle: string | undefined, options: LintCommandOptions) => {
      if (!FORMATS.includes(options.format as Format)) throw new CliError(`--format: expected one of ${FORMATS.join(', ')}, not "${options.format}"`, EXIT.unusable);
      const format = options.format as Format;
      const from = source(bundle, options);
      const lint = lintOptions(options);
      if (from !== 'file') {
        const token = options.token ?? process.env.TENANTPROOF_TOKEN;
        if (from === 'server' && !token) throw new CliError('--server needs --token (or TENANTPROOF_TOKEN)', EXIT.unusable);
        if (from === 'server' && options.reviewMaxAge) throw new CliError('--review-max-age is not available with --server (the server measures reviews with its defaults)', EXIT.unusable);
        const remote = from === 'org' ? await lintFromDatabase(options.org!, lint) : await lintFromServer(options.server!, token!, lint);
        printRemote(format, remote, lint);
        process.exitCode = remote.report.counts.error > 0 ? EXIT.failed : EXIT.ok;
        return;
      }
      const file = bundle === '-' ? '<stdin>' : bundle!;
      if (bundle !== '-') {
        // a bundle of a 10,000-system organization is about 5 MB; refusing a huge file before reading it keeps memory bounded
        const size = await stat(bundle!).then((s) => s.size, () => 0);
        if (size > MAX_BUNDLE_BYTES) throw new CliError(`${file}: ${size} bytes is more than a bundle may be (${MAX_BUNDLE_BYTES / 1024 / 1024} MiB); nothing was read`, EXIT.unusable);
      }
      const text = await readInputFile(bundle!);
      const { model, problems } = bundleModel(text, file);
      if (!model) {
        process.stderr.write(`${problems.map(formatProblem).join('\n')}\n`);
        throw new CliError(`${file} is not a valid bundle: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`, EXIT.unusable);
      }
      const report = lintScope(buildIsmsGraph(model.objects), lint);
      const locate = locator(model);
      if (format === 'json') {
        const findings = report.findings.map((f) => ({ ...f, location: locate(f.subject, f.field) }));
        process.stdout.write(`${JSON.stringify({ file, organization: model.organization, today: lint.today, counts: report.counts, byRule: report.byRule, findings }, null, 2)}\n`);
      } else if (format === 'sarif') {
        const rules = SCOPE_RULES.filter((r) => r.id in report.byRule);
        process.stdout.write(`${JSON.stringify(toSarif(report, { artifactUri: file.replace(/\\/g, '/'), locate, toolVersion: toolVersion(), rules }), null, 2)}\n`);
      } else {
        printText(file, report, locate);
      }
      process.exitCode = report.counts.error > 0 ? EXIT.failed : EXIT.ok;
    }));
}
