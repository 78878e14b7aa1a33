import type { Transaction } from 'kysely';
import { RACI_PARTIES, type RaciParty, type RaciValue } from '../model/raci.js';

type Trx = Transaction<any>;

/** A stored matrix row: every party present (null: no part). */
export interface StoredRaciRow { activity: string; label: string; customer: RaciValue | null; provider: RaciValue | null; subProcessor: RaciValue | null }

const COLUMN: Record<RaciParty, string> = { customer: 'customer', provider: 'provider', subProcessor: 'sub-processor' };
const PARTY_OF: Record<string, RaciParty> = { customer: 'customer', provider: 'provider', 'sub-processor': 'subProcessor' };

/** The matrices of the given services (all when `serviceIds` is undefined), rows in saved order. */
export async function readRaci(trx: Trx, serviceIds?: readonly string[]): Promise<Map<string, StoredRaciRow[]>> {
  let q = trx.selectFrom('raci_assignments').select(['service_id', 'activity', 'party', 'value', 'position', 'label']);
  if (serviceIds) {
    if (serviceIds.length === 0) return new Map();
    q = q.where('service_id', 'in', serviceIds as string[]);
  }
  const cells = await q.orderBy('service_id').orderBy('position').orderBy('party').execute();
  const out = new Map<string, StoredRaciRow[]>();
  let last: { service: string; position: number; row: StoredRaciRow } | null = null;
  for (const c of cells as Array<{ service_id: string; activity: string; party: string; value: RaciValue; position: number; label: string }>) {
    if (!last || last.service !== c.service_id || last.position !== c.position) {
      const row: StoredRaciRow = { activity: c.activity, label: c.label, customer: null, provider: null, subProcessor: null };
      const rows = out.get(c.service_id) ?? [];
      rows.push(row);
      out.set(c.service_id, rows);
      last = { service: c.service_id, position: c.position, row };
    }
    last.row[PARTY_OF[c.party]!] = c.value;
  }
  return out;
}

/** Replace a service's whole matrix (one row per filled cell). */
export async function replaceRaci(trx: Trx, orgId: string, serviceId: string, rows: readonly StoredRaciRow[]): Promise<void> {
  await trx.deleteFrom('raci_assignments').where('service_id', '=', serviceId).execute();
  const cells = rows.flatMap((row, position) => RACI_PARTIES.filter((p) => row[p] !== null).map((p) => ({
    org_id: orgId, service_id: serviceId, activity: row.activity, party: COLUMN[p], value: row[p], position, label: row.label,
  })));
  if (cells.length) await trx.insertInto('raci_assignments').values(cells).execute();
}
