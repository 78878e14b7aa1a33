import type { Command } from 'commander';
import { parseFrameworkYaml } from '../../catalog/format.js';
import { formatProblem } from '../../model/bundle-source.js';
import { addFramework, SHIPPED_CATALOG_IDS } from '../../services/frameworks.js';
import { operatorActor } from '../../services/provisioning.js';
import { readInputFile } from '../prompt.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

/** Read and check a framework file offline; every problem is printed as file:line:column: field: message. */
async function checkedFile(file: string) {
  const text = await readInputFile(file);
  const name = file === '-' ? '<stdin>' : file;
  const result = parseFrameworkYaml(text, name);
  if (!result.ok) {
    for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
    throw new CliError(`${name} is not a valid framework: ${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}; nothing was written`, EXIT.failed);
  }
  if (SHIPPED_CATALOG_IDS.includes(result.document.framework.id)) {
    throw new CliError(`${name}: framework.id "${result.document.framework.id}" is the id of a shipped catalog; give your framework another id`, EXIT.failed);
  }
  return { text, name, document: result.document };
}

export function registerFramework(program: Command): void {
  const framework = program.command('framework').description('An organization\'s own frameworks and control sets (YAML in the tenantproof framework format).');

  framework.command('check')
    .description('Validate a framework file without a database (for CI): exit 0 valid, 1 invalid (each problem with its line), 2 unreadable.')
    .argument('<file>', 'the framework (YAML), or - for standard input')
    .action(action(async (file: string) => {
      const { name, document } = await checkedFile(file);
      process.stdout.write(`${name}: framework ${document.framework.id} (${document.framework.name} ${document.framework.version}) is valid: ${document.controls.length} controls\n`);
    }));

  framework.command('add')
    .description('Add a framework to an organization: validated whole, one ledger entry; an invalid file writes nothing (exit 1).')
    .argument('<file>', 'the framework (YAML), or - for standard input')
    .option('--org <slug>', 'organization (default: the only one there is)')
    .action(action(async (file: string, options: { org?: string }) => {
      const { text, name } = await checkedFile(file);
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const added = await addFramework(database.db, operatorActor(org.orgId), { yaml: text }, name);
        process.stdout.write(`added framework ${added.id} (${added.name} ${added.version}, ${added.controlCount} controls) to ${org.slug}\n`);
      });
    }));
}
