/**
 * The ledger benchmark's events: one deterministic generator shared by the API client (NDJSON lines), the
 * plain-INSERT baseline (the same rows, as the server would store them) and the SQL loader's distributions.
 * Event i of a run is always the same event, so every database and the baseline get identical work.
 */
import { randomBytes } from 'node:crypto';
import { entryPayload, type LedgerEntryInput } from '../src/ledger/tree-store.js';

export const ACTIONS = ['authentication', 'admin-action', 'config-change', 'privilege-change', 'restore', 'data-access', 'export', 'break-glass'] as const;
/** Action classes weighted as an MSP's tools report them (out of 50): mostly logins and reads, rarely break-glass. */
export const ACTION_WEIGHTS = [20, 5, 6, 3, 2, 10, 3, 1] as const;
export const ACTION_TABLE: string[] = ACTIONS.flatMap((a, i) => Array.from({ length: ACTION_WEIGHTS[i]! }, () => a));
export const SOURCES = ['rmm', 'psa', 'backup', 'entra-id', 'aws-cloudtrail'] as const;

/** A well-mixed 32-bit hash of (i, salt): the generator's only source of variety (no Math.random). */
export function mix(i: number, salt: number): number {
  let h = (Math.imul(i ^ salt, 0x9e3779b1) ^ (i >>> 16)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
const unit = (i: number, salt: number) => mix(i, salt) / 4294967296;

export interface Names { tenants: string[]; systems: string[] }

export interface BenchEvent {
  time: string;
  source: string;
  sourceEventId: string;
  tenant: string;
  actor: string;
  actorType: 'internal' | 'external';
  action: string;
  target?: string;
  outcome: 'success' | 'failure' | 'denied' | 'unknown';
  details: Record<string, unknown>;
}

/**
 * Event i of run `run`: a skewed tenant (the first tenants are the busiest), a system for two events in
 * three, 20% external actors, 5% failures; happened within the last 30 days before `now`.
 */
export function eventAt(run: string, i: number, now: number, names: Names): BenchEvent {
  const u = unit(i, 1);
  const tenant = names.tenants[Math.floor(names.tenants.length * u * u)]!;
  const external = mix(i, 2) % 5 === 0;
  const o = mix(i, 3) % 100;
  const withTarget = names.systems.length > 0 && mix(i, 4) % 3 !== 0;
  return {
    time: new Date(now - 60_000 - (mix(i, 5) % (30 * 86_400)) * 1000).toISOString(),
    source: SOURCES[mix(i, 6) % SOURCES.length]!,
    sourceEventId: `${run}-${i}`,
    tenant,
    actor: external ? `user${mix(i, 7) % 500}@${tenant}.example` : `tech${mix(i, 7) % 60}@northwind.example`,
    actorType: external ? 'external' : 'internal',
    action: ACTION_TABLE[mix(i, 8) % ACTION_TABLE.length]!,
    ...(withTarget ? { target: names.systems[mix(i, 9) % names.systems.length]! } : {}),
    outcome: o < 92 ? 'success' : o < 97 ? 'failure' : o < 99 ? 'denied' : 'unknown',
    details: { ticket: `T-${100000 + (i % 900000)}`, host: `srv-${mix(i, 10) % 3000}`, ip: `10.${mix(i, 11) % 256}.${mix(i, 12) % 256}.${mix(i, 13) % 256}` },
  };
}

/** The NDJSON body of events [from, to). */
export function ndjsonBatch(run: string, from: number, to: number, now: number, names: Names): string {
  const lines: string[] = new Array(to - from);
  for (let i = from; i < to; i++) lines[i - from] = JSON.stringify(eventAt(run, i, now, names));
  return lines.join('\n');
}

/** Column order of a ledger_entries row as the baseline inserts it. */
export const ROW_COLUMNS = [
  'org_id', 'idx', 'at', 'tenant_id', 'kind', 'action', 'object_type', 'object_id', 'actor', 'summary', 'payload', 'salt',
  'occurred_at', 'source', 'source_event_id', 'system_id', 'actor_internal', 'outcome',
] as const;

/**
 * The ledger_entries row the server stores for event i at index `index` (src/services/events.ts `entryOf` and
 * src/ledger/tree-store.ts `appendEntries`, without the leaf and node hashes): the baseline inserts exactly this.
 */
export function rowOf(e: BenchEvent, orgId: string, index: number, tenantIds: Map<string, string>, systemIds: Map<string, string>): unknown[] {
  const tenantId = tenantIds.get(e.tenant) ?? null;
  const systemId = e.target ? systemIds.get(e.target) ?? null : null;
  const entry: LedgerEntryInput = {
    kind: 'event', at: new Date().toISOString(), tenantId, action: e.action,
    objectType: systemId ? 'system' : '', objectId: systemId ?? '', actor: e.actor,
    summary: `${e.source}: ${e.action} by ${e.actor}${e.target ? ` on ${e.target}` : ''} (${e.outcome})`,
    details: { tenant: e.tenant, target: e.target ?? null, details: e.details },
    event: {
      occurredAt: new Date(e.time).toISOString(), source: e.source, sourceEventId: e.sourceEventId, systemId,
      actorInternal: e.actorType === 'internal', outcome: e.outcome,
    },
  };
  return [
    orgId, index, entry.at, tenantId, 'event', entry.action, entry.objectType, entry.objectId, entry.actor, entry.summary,
    entryPayload(orgId, entry), randomBytes(16), e.time, e.source, e.sourceEventId, systemId, e.actorType === 'internal', e.outcome,
  ];
}

export function percentiles(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? +s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!.toFixed(3) : NaN);
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}
