import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { applyBundle, exportBundle, type ApplyReport } from '../../services/bundle.js';
import { findOrg, operatorActor } from '../../services/provisioning.js';
import { readInputFile } from '../prompt.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';


/** The organization slug a bundle names, if it can be read at all (full validation happens in apply). */
function bundleOrgSlug(text: string): string | undefined {
  try {
    const slug = (parse(text) as { organization?: { slug?: unknown } } | null)?.organization?.slug;
    return typeof slug === 'string' ? slug : undefined;
  } catch {
    return undefined;
  }
}

function printReport(report: ApplyReport): void {
  const out = process.stdout;
  out.write(`${report.dryRun ? 'dry run, nothing written: ' : ''}organization ${report.organization.slug} ${report.organization.outcome}\n`);
  for (const o of report.objects.filter((x) => x.outcome !== 'unchanged')) {
    out.write(`  ${o.outcome.padEnd(9)} ${o.section}/${o.slug}${o.changed ? ` (${o.changed.join(', ')})` : ''}\n`);
  }
  for (const [section, c] of Object.entries(report.counts)) {
    out.write(`${section.padEnd(10)} ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged\n`);
  }
}

export function registerBundle(program: Command): void {
  program.command('apply')
    .description('Upsert an ISMS-as-code bundle by slug, in one transaction; an invalid bundle writes nothing and names file, line and field.')
    .requiredOption('-f, --file <file>', 'the bundle (YAML), or - for standard input')
    .option('--org <slug>', 'organization to apply to (default: the bundle\'s organization.slug)')
    .option('--create-org', 'create the organization from the bundle if it does not exist')
    .option('--dry-run', 'check everything and report what would change, then write nothing')
    .option('--json', 'print the report as JSON')
    .action(action(async (options: { file: string; org?: string; createOrg?: boolean; dryRun?: boolean; json?: boolean }) => {
      const text = await readInputFile(options.file);
      const file = options.file === '-' ? '<stdin>' : options.file;
      await withDatabase(async ({ database }) => {
        const slug = options.org ?? bundleOrgSlug(text);
        const org = slug ? await findOrg(database.db, slug) : undefined;
        if (!org && !options.createOrg && slug) throw new CliError(`no organization with slug "${slug}"; pass --create-org to create it from the bundle`);
        const actor = operatorActor(org?.orgId ?? randomUUID());
        const report = await applyBundle(database.db, actor, text, { file, dryRun: options.dryRun ?? false, ...(org ? {} : { createOrganization: { isDemo: false } }) });
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printReport(report);
      });
    }));

  program.command('export')
    .description('Write the whole organization model as one YAML bundle (deterministic: export → apply → export is byte-identical).')
    .option('--org <slug>', 'organization to export (default: the only one there is)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(action(async (options: { org?: string; output?: string }) => {
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const text = await exportBundle(database.db, operatorActor(org.orgId));
        if (options.output) {
          await writeFile(options.output, text, 'utf8').catch((error: Error) => { throw new CliError(`cannot write ${options.output}: ${error.message}`, EXIT.unusable); });
          process.stderr.write(`wrote ${options.output}\n`);
        } else {
          process.stdout.write(text);
        }
      });
    }));
}
