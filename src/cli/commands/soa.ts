import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { resourceByName } from '../../model/index.js';
import type { TenantTier } from '../../model/tenant.js';
import { operatorActor } from '../../services/provisioning.js';
import { asActor } from '../../services/resources.js';
import { exportSoa, type SoaExportFormat } from '../../services/soa.js';
import { findIdBySlug } from '../../store/resource-store.js';
import { action, CliError, EXIT, requireOrg, withDatabase } from '../runtime.js';

const FORMATS = ['xlsx', 'csv', 'pdf'] as const;

interface ExportOptions { org?: string; format: string; version?: string; tenant?: string; tier?: string; output?: string }

export function registerSoa(program: Command): void {
  const soa = program.command('soa').description('The Statement of Applicability (decisions and approval are made in the web app or the API).');
  soa.command('export')
    .description('Write the SoA as XLSX, CSV or PDF: the current one, an approved version (--version), a tenant\u2019s view (--tenant) or a tier\u2019s (--tier).')
    .option('--org <slug>', 'organization (optional when there is only one)')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'xlsx')
    .option('--version <n>', 'an approved version instead of the current SoA')
    .option('--tenant <slug>', 'a tenant\u2019s view instead of the whole SoA')
    .option('--tier <tier>', 'a tier\u2019s view (A, B or C) instead of the whole SoA')
    .option('-o, --output <file>', 'file to write (CSV goes to standard output without it)')
    .action(action(async (options: ExportOptions) => {
      // Wrong usage exits 2 before the database is opened.
      if (!(FORMATS as readonly string[]).includes(options.format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`, EXIT.unusable);
      if (options.version !== undefined && !/^[1-9][0-9]{0,9}$/.test(options.version)) throw new CliError(`--version must be a version number, not "${options.version}"`, EXIT.unusable);
      if ([options.version, options.tenant, options.tier].filter((o) => o !== undefined).length > 1) throw new CliError('give one of --version, --tenant and --tier', EXIT.unusable);
      if (options.tier !== undefined && !['A', 'B', 'C'].includes(options.tier)) throw new CliError(`--tier must be A, B or C, not "${options.tier}"`, EXIT.unusable);
      if (options.format !== 'csv' && !options.output) throw new CliError(`--output <file> is required for ${options.format.toUpperCase()}`, EXIT.unusable);
      await withDatabase(async ({ database }) => {
        const org = await requireOrg(database, options.org);
        const actor = operatorActor(org.orgId);
        let tenantId: string | undefined;
        if (options.tenant !== undefined) {
          tenantId = await asActor(database.db, actor, (trx) => findIdBySlug(trx, resourceByName('tenants'), options.tenant!));
          if (!tenantId) throw new CliError(`no tenant with slug "${options.tenant}" in ${org.slug}`, EXIT.failed);
        }
        const file = await exportSoa(database.db, actor, options.format as SoaExportFormat, {
          version: options.version === undefined ? undefined : Number(options.version), tenantId, tier: options.tier as TenantTier | undefined,
        });
        if (options.output) {
          await writeFile(options.output, file.body);
          process.stderr.write(`wrote ${options.output} (${file.filename})\n`);
        } else {
          process.stdout.write(file.body);
        }
      });
    }));
}
