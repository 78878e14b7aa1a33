/**
 * The ledger benchmark's large ledger, loaded the fastest way (PostgreSQL, as the owner, not through the API):
 * `INSERT … SELECT … FROM generate_series` straight into ledger_entries — real canonical-JSON payloads, salts and
 * projection columns, exactly what `appendEntries` would have written — then the leaf tiles and every stored
 * Merkle node (level 8 and up) computed in SQL with sha256(), level by level, and the head set to the new size. The result verifies like an ingested ledger:
 * `verify` recomputes every leaf from its payload, and proofs check against signed checkpoints.
 *
 * Distributions follow bench/ledger-events.ts: skewed tenants (the first is the busiest), 20% external actors,
 * 8% not successful, a system for two events in three; occurred_at spread evenly over the year before `end`
 * (in index order, as events arrive), recorded 1–120 s later.
 */
import { performance } from 'node:perf_hooks';
import pgModule from 'pg';
import type pg from 'pg';
import { TILE_LEVEL, TILE_WIDTH } from '../src/ledger/tree-store.js';
import { ACTION_TABLE, SOURCES } from './ledger-events.js';

export interface ScaleNames { tenantIds: string[]; tenantSlugs: string[]; systemIds: string[]; systemSlugs: string[] }
export interface StepTime { step: string; seconds: number }

const iso = (expr: string) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** A non-negative 31-bit hash of g with a seed. */
const h = (seed: number) => `(hashint8extended(g, ${seed}) & 2147483647)`;

/** Leaf hashes and subtrees below a tile (level < 8) while the load computes the tree; dropped at the end. */
const STAGING = 'bench_scale_subtrees';

/** The INSERT of events [from, to) of the load at ledger indexes base + g, and of their leaf hashes (into the staging table). */
function entriesSql(): string {
  // $1 org, $2 base, $3 from, $4 to, $5 tenant ids, $6 tenant slugs, $7 system ids, $8 system slugs, $9 end, $10 total
  return `
WITH entries AS (
INSERT INTO ledger_entries (org_id, idx, at, tenant_id, kind, action, object_type, object_id, actor, summary, payload, salt,
                            occurred_at, source, source_event_id, system_id, actor_internal, outcome)
SELECT $1::uuid, idx, at, tenant_id, 'event', action, CASE WHEN system_id IS NULL THEN '' ELSE 'system' END, coalesce(system_id::text, ''),
       actor, summary,
       '{"action":"' || action || '","actor":"' || actor || '","at":"' || ${iso('at')} || '","details":{"details":{"host":"srv-' || ${h(10)} % 3000
         || '","ip":"10.' || ${h(11)} % 256 || '.' || ${h(12)} % 256 || '.' || ${h(13)} % 256 || '","ticket":"T-' || (100000 + g % 900000)
         || '"},"target":' || coalesce('"' || system_slug || '"', 'null') || ',"tenant":"' || tenant_slug || '"},"event":{"actorInternal":'
         || (actor_type = 'internal')::text || ',"occurredAt":"' || ${iso('occurred_at')} || '","outcome":"' || outcome || '","source":"' || source
         || '","sourceEventId":"' || source_event_id || '","systemId":' || coalesce('"' || system_id::text || '"', 'null')
         || '},"kind":"event","objectId":"' || coalesce(system_id::text, '') || '","objectType":"'
         || CASE WHEN system_id IS NULL THEN '' ELSE 'system' END || '","org":"' || $1::text || '","summary":"' || summary
         || '","tenant":"' || tenant_id || '","v":2}',
       decode(md5('salt/' || idx), 'hex'),
       occurred_at, source, source_event_id, system_id, actor_type = 'internal', outcome
FROM (
  SELECT g, idx, occurred_at, occurred_at + make_interval(secs => 1 + ${h(14)} % 120) AS at, tenant_id, tenant_slug, system_id, system_slug,
         source, source_event_id, actor, actor_type, action, outcome,
         source || ': ' || action || ' by ' || actor || coalesce(' on ' || system_slug, '') || ' (' || outcome || ')' AS summary
  FROM (
    SELECT g, idx, occurred_at, ($5::uuid[])[ti] AS tenant_id, ($6::text[])[ti] AS tenant_slug,
           CASE WHEN si > 0 THEN ($7::uuid[])[si] END AS system_id, CASE WHEN si > 0 THEN ($8::text[])[si] END AS system_slug,
           source, 'scale-' || idx AS source_event_id, action, outcome, actor_type,
           CASE WHEN actor_type = 'external' THEN 'user' || ${h(7)} % 500 || '@' || ($6::text[])[ti] || '.example'
                ELSE 'tech' || ${h(7)} % 60 || '@northwind.example' END AS actor
    FROM (
      SELECT g, $2::bigint + g AS idx,
             1 + floor(cardinality($5::uuid[]) * power(${h(1)}::float8 / 2147483648.0, 2))::int AS ti,
             CASE WHEN cardinality($7::uuid[]) > 0 AND ${h(4)} % 3 <> 0 THEN 1 + ${h(9)} % cardinality($7::uuid[]) ELSE 0 END AS si,
             CASE WHEN ${h(2)} % 5 = 0 THEN 'external' ELSE 'internal' END AS actor_type,
             (ARRAY[${SOURCES.map((s) => `'${s}'`).join(',')}])[1 + ${h(6)} % ${SOURCES.length}] AS source,
             (ARRAY[${ACTION_TABLE.map((a) => `'${a}'`).join(',')}])[1 + ${h(8)} % ${ACTION_TABLE.length}] AS action,
             CASE WHEN ${h(3)} % 100 < 92 THEN 'success' WHEN ${h(3)} % 100 < 97 THEN 'failure' WHEN ${h(3)} % 100 < 99 THEN 'denied' ELSE 'unknown' END AS outcome,
             date_trunc('milliseconds', $9::timestamptz - make_interval(secs => 31536000.0 * ($10::bigint - g) / $10::bigint) - make_interval(secs => ${h(5)} % 3600)) AS occurred_at
      FROM generate_series($3::bigint, $4::bigint - 1) AS g
    ) a
  ) b
) c
RETURNING idx, payload, salt
)
INSERT INTO ${STAGING} (level, idx, hash)
SELECT 0, idx, sha256('\\x00'::bytea || convert_to(payload, 'UTF8') || salt) FROM entries`;
}

/**
 * Append `count` events to the org's ledger (after its current entries) and every Merkle node above them.
 * Secondary indexes of ledger_entries are dropped for the load and built again after it (the fastest way);
 * the caller makes sure no server is using the database meanwhile. Returns the new tree size.
 */
export async function loadLargeLedger(ownerUrl: string, owner: pg.Client, orgId: string, names: ScaleNames, count: number, end: Date,
  log: (line: string) => void): Promise<{ base: number; size: number; steps: StepTime[] }> {
  const steps: StepTime[] = [];
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await fn();
    const seconds = +((performance.now() - t) / 1000).toFixed(1);
    steps.push({ step: label, seconds });
    log(`    ${label}: ${seconds} s`);
    return r;
  };
  await owner.query("SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0; SET synchronous_commit = off");
  const base = Number((await owner.query('SELECT tree_size FROM ledger_heads WHERE org_id = $1', [orgId])).rows[0]?.tree_size ?? 0);
  const indexes = (await owner.query<{ name: string; def: string }>(`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = 'ledger_entries'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`)).rows;
  await step(`drop ${indexes.length} secondary indexes`, () => owner.query(indexes.map((i) => `DROP INDEX ${i.name};`).join('\n')));
  await owner.query(`DROP TABLE IF EXISTS ${STAGING}; CREATE UNLOGGED TABLE ${STAGING} (level smallint NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL)`);
  // The older leaves of the tile that holds leaf `base`: the subtrees below a tile that the load completes need them.
  await owner.query(`
    INSERT INTO ${STAGING} (level, idx, hash)
    SELECT 0, t.tile * ${TILE_WIDTH} + i, substring(t.hashes from i * 32 + 1 for 32)
    FROM ledger_leaf_tiles t, generate_series(0, length(t.hashes) / 32 - 1) AS i
    WHERE t.org_id = $1 AND t.tile = $2::bigint / ${TILE_WIDTH} AND t.tile * ${TILE_WIDTH} + i < $2::bigint`, [orgId, base]);
  const text = entriesSql();
  const chunk = 250_000;
  // Two connections (the machine's two cores), each inserting its own chunks of entries and leaves.
  const second = new pgModule.Client({ connectionString: ownerUrl });
  await second.connect();
  await second.query("SET synchronous_commit = off");
  await step(`entries and leaf hashes (${count.toLocaleString('en')})`, async () => {
    let next = 0;
    let done = 0;
    await Promise.all([owner, second].map(async (client) => {
      for (let from = next; from < count; from = next) {
        next += chunk;
        const to = Math.min(count, from + chunk);
        await client.query(text, [orgId, base, from, to, names.tenantIds, names.tenantSlugs, names.systemIds, names.systemSlugs, end.toISOString(), count]);
        done += to - from;
        if (done < count && done % 1_000_000 === 0) log(`      ${done.toLocaleString('en')} entries`);
      }
    }));
  });
  await second.end();
  await step('rebuild the indexes', async () => {
    // Two at a time, each with its own connection.
    const clients = [owner, new pgModule.Client({ connectionString: ownerUrl })];
    await clients[1]!.connect();
    await clients[1]!.query("SET maintenance_work_mem = '512MB'");
    let next = 0;
    await Promise.all(clients.map(async (client) => {
      for (let i = next++; i < indexes.length; i = next++) await client.query(indexes[i]!.def);
    }));
    await clients[1]!.end();
  });
  const size = base + count;
  await step('leaf tiles', () => owner.query(`
    INSERT INTO ledger_leaf_tiles (org_id, tile, hashes)
    SELECT $1, idx / ${TILE_WIDTH}, string_agg(hash, ''::bytea ORDER BY idx) FROM ${STAGING} WHERE level = 0 AND idx >= $2 GROUP BY idx / ${TILE_WIDTH}
    ON CONFLICT (org_id, tile) DO UPDATE SET hashes = ledger_leaf_tiles.hashes || EXCLUDED.hashes`, [orgId, base]));
  await step('interior nodes', async () => {
    const second = new pgModule.Client({ connectionString: ownerUrl });
    await second.connect();
    await second.query('SET synchronous_commit = off');
    await owner.query(`CREATE INDEX ON ${STAGING} (level, idx)`);
    // Level l from level l - 1: below a tile from the staging table, from a tile's level on from (and into) ledger_nodes.
    const level = (client: pg.Client, l: number, from: number, to: number) => client.query(`
      INSERT INTO ${l >= TILE_LEVEL ? 'ledger_nodes (org_id, level, idx, hash)' : `${STAGING} (level, idx, hash)`}
      SELECT ${l >= TILE_LEVEL ? '$1::uuid, ' : ''}$2, idx / 2, sha256('\\x01'::bytea || left_hash || hash)
      FROM (SELECT idx, hash, lag(hash) OVER (ORDER BY idx) AS left_hash
            FROM ${l > TILE_LEVEL ? 'ledger_nodes' : STAGING} WHERE ${l > TILE_LEVEL ? 'org_id = $1 AND' : '$1::uuid IS NOT NULL AND'} level = $2 - 1 AND idx BETWEEN $3 AND $4) s
      WHERE idx % 2 = 1`, [orgId, l, 2 * from, 2 * to + 1]);
    const tileStart = Math.floor(base / TILE_WIDTH) * TILE_WIDTH;
    for (let l = 1; 2 ** l <= size; l++) {
      // Parents the new leaves complete. Up to a tile's height they are computed from the start of the tile that
      // holds leaf `base` (its older leaves were staged too); above, from the one covering leaf `base`.
      const first = Math.floor((l <= TILE_LEVEL ? tileStart : base) / 2 ** l);
      const last = Math.floor(size / 2 ** l) - 1;
      if (last < first) continue;
      const middle = Math.floor((first + last) / 2);
      if (last - first < 100_000) await level(owner, l, first, last);
      else await Promise.all([level(owner, l, first, middle), level(second, l, middle + 1, last)]);
    }
    await second.end();
    await owner.query(`DROP TABLE ${STAGING}`);
  });
  await owner.query('UPDATE ledger_heads SET tree_size = $2, updated_at = now() WHERE org_id = $1', [orgId, size]);
  await step('ANALYZE', () => owner.query('ANALYZE ledger_entries; ANALYZE ledger_nodes; ANALYZE ledger_leaf_tiles'));
  return { base, size, steps };
}
