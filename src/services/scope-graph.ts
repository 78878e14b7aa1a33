import type { Kysely } from 'kysely';
import { contextOf, type Actor } from '../access/actor.js';
import { treeSize } from '../ledger/tree-store.js';
import { resourceByName } from '../model/index.js';
import { buildIsmsGraph, type IsmsGraph } from '../model/scope/graph.js';
import type { IsmsObjects } from '../model/scope/objects.js';
import { withContext } from '../store/database.js';
import { translateDbError } from '../store/db-errors.js';
import { allResources } from '../store/resource-store.js';

/**
 * The ISMS graph of the actor's organization, as the actor's transaction sees it: row-level security leaves a
 * tenant-viewer only its tenant and the systems it may see, so a viewer's graph never holds another tenant.
 *
 * Cached per (database, organization, viewer tenant, ledger tree size): every change to a service, vendor,
 * tenant, system or flow appends a ledger entry in its own transaction, so an unchanged tree size means an
 * unchanged model. The size is read BEFORE the objects: a change committed in between makes the cached graph
 * newer than its key, never older, and the next request (seeing the larger size) loads again.
 */
interface Cached { size: number; graph: IsmsGraph }

/**
 * A 10,000-system graph with its memoized reports holds a few hundred MB at most (bench:analysis peaks at 432 MB
 * RSS for everything at once); a viewer's graph is nearly as large (every shared system), so few are kept.
 */
const MAX_CACHED = 6;
const caches = new WeakMap<Kysely<any>, Map<string, Cached>>();

/** Every object of the analyses, loaded in one transaction (consistent with each other). */
export async function loadGraph(db: Kysely<any>, actor: Actor): Promise<IsmsGraph> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const key = `${actor.orgId}/${actor.tenantId ?? ''}`;
  try {
    return await withContext(db, contextOf(actor), async (trx) => {
      const size = await treeSize(trx, actor.orgId);
      const known = cache.get(key);
      if (known && known.size === size) return known.graph;
      const objects: IsmsObjects = {
        services: await allResources(trx, resourceByName('services')) as any,
        vendors: await allResources(trx, resourceByName('vendors')) as any,
        tenants: await allResources(trx, resourceByName('tenants')) as any,
        systems: await allResources(trx, resourceByName('systems')) as any,
        dataFlows: await allResources(trx, resourceByName('data-flows')) as any,
      };
      const graph = buildIsmsGraph(objects);
      cache.delete(key);
      cache.set(key, { size, graph });
      // the oldest entry goes first: a Map iterates in insertion order
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
      return graph;
    });
  } catch (error) {
    throw translateDbError(error);
  }
}

/** Results computed once per graph and options (the graph is immutable; a new model is a new graph). */
export function memoPerGraph<T>(): (graph: IsmsGraph, key: string, compute: () => T) => T {
  const memo = new WeakMap<IsmsGraph, Map<string, T>>();
  return (graph, key, compute) => {
    let perGraph = memo.get(graph);
    if (!perGraph) memo.set(graph, (perGraph = new Map()));
    let value = perGraph.get(key);
    if (value === undefined) {
      value = compute();
      if (perGraph.size >= 8) perGraph.delete(perGraph.keys().next().value!);
      perGraph.set(key, value);
    }
    return value;
  };
}
