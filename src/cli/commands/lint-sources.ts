import type { Finding, Severity } from '../../model/scope/finding.js';
import type { ExceptedFinding } from '../../model/scope/lint-context.js';
import type { LintOptions } from '../../model/scope/lint-options.js';
import type { LintReport } from '../../model/scope/lint.js';
import { lintOrganization } from '../../services/scope-analysis.js';
import { findOrg, operatorActor } from '../../services/provisioning.js';
import { CliError, EXIT, withDatabase } from '../runtime.js';

/** A lint report of an organization that is not a file: no lines to point at. */
export interface RemoteReport {
  /** What the output names as the place linted: the org slug, or the server's URL and org. */
  label: string;
  organization: { slug: string; name: string };
  report: LintReport;
}

/** `tenantproof lint --org SLUG`: the organization as stored in the configured database, through the API's own service. */
export async function lintFromDatabase(slug: string, options: LintOptions): Promise<RemoteReport> {
  return withDatabase(async ({ database }) => {
    // an unknown organization means there is nothing to lint (exit 2), not a finding (exit 1)
    const org = await findOrg(database.db, slug);
    if (!org) throw new CliError(`no organization with slug "${slug}"`, EXIT.unusable);
    const { report } = await lintOrganization(database.db, operatorActor(org.orgId), options);
    return { label: org.slug, organization: { slug: org.slug, name: org.name }, report };
  });
}

const PAGE = 500;

/**
 * `tenantproof lint --server URL --token T`: every page of GET /api/scope/findings. The server runs every rule;
 * rules disabled here are dropped from the answer and from the counts.
 */
export async function lintFromServer(server: string, token: string, options: LintOptions, pageSize = PAGE): Promise<RemoteReport> {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new CliError(`--server: not a URL: "${server}"`, EXIT.unusable);
  }
  const call = async (path: string, query: Record<string, string> = {}): Promise<any> => {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    } catch (error) {
      throw new CliError(`cannot reach ${base.origin}: ${(error as Error).cause ? String(((error as Error).cause as Error).message ?? (error as Error).cause) : (error as Error).message}`, EXIT.unusable);
    }
    const body = await res.json().catch(() => null) as { error?: string; message?: string; field?: string } | null;
    if (!res.ok) throw new CliError(`the server answered ${res.status} to ${url.pathname}: ${body?.field ? `${body.field}: ` : ''}${body?.message ?? res.statusText}`, EXIT.unusable);
    if (!body) throw new CliError(`the server's answer to ${url.pathname} is not JSON`, EXIT.unusable);
    return body;
  };
  const org = await call('/api/org') as { slug: string; name: string };
  const query: Record<string, string> = { today: options.today, limit: String(pageSize) };
  if (options.isolationTestMaxAgeDays !== undefined) query.isolationTestMaxAgeDays = String(options.isolationTestMaxAgeDays);
  const findings: Finding[] = [];
  let byRule: Record<string, number> = {};
  let excepted: ExceptedFinding[] = [];
  let cursor: string | null = null;
  do {
    const page: { byRule: Record<string, number>; items: Finding[]; nextCursor: string | null; excepted?: ExceptedFinding[] } = await call('/api/scope/findings', cursor ? { ...query, cursor } : query);
    byRule = page.byRule;
    excepted = page.excepted ?? [];
    findings.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const disabled = new Set(options.disabledRules ?? []);
  const kept = findings.filter((f) => !disabled.has(f.ruleId));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of kept) counts[f.severity] += 1;
  const rules = Object.fromEntries(Object.entries(byRule).filter(([id]) => !disabled.has(id)));
  return { label: `${base.origin} ${org.slug}`, organization: { slug: org.slug, name: org.name }, report: { findings: kept, counts, byRule: rules, excepted } };
}
