import { sql, type Kysely } from 'kysely';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/permissions.js';
import { annexAControls, annexAThemes, CATALOG_LAST_MODIFIED, gdprLinksOf } from '../catalog/index.js';
import { renderOscalCatalog, renderOscalComponentDefinition, type OscalImplementation } from '../reports/oscal.js';
import { asActor } from './resources.js';

/** Where the catalog is served; component definitions point at it. */
export const OSCAL_CATALOG_PATH = '/api/oscal/catalog';

/** The ISO/IEC 27001:2022 Annex A catalog as an OSCAL catalog (the same for every organization). */
export function oscalCatalog(actor: Actor): Record<string, unknown> {
  authorize(actor, 'read', 'oscal');
  return renderOscalCatalog({
    title: 'ISO/IEC 27001:2022 Annex A controls (identifiers and headings only)',
    version: `2022 (tenantproof catalog ${CATALOG_LAST_MODIFIED.slice(0, 10)})`,
    lastModified: CATALOG_LAST_MODIFIED,
    remarks: 'Control identifiers, headings and themes of ISO/IEC 27001:2022 Annex A, (c) ISO/IEC, listed as reference labels; '
      + 'no requirement or control text is reproduced (buy the standard at https://www.iso.org/standard/27001). '
      + `Properties named gdpr-supports (namespace ${'https://tenantproof.dev/ns/oscal'}) are tenantproof's own mapping to GDPR articles, to be reviewed by a DPO.`,
    groups: annexAThemes().map((t) => ({ id: t.id, title: t.title, label: `A.${t.number}` })),
    controls: annexAControls().map((c) => ({ id: c.id, title: c.title, group: c.theme, gdpr: gdprLinksOf(c.id).map((l) => l.gdpr) })),
  });
}

interface ImplementationRow {
  id: string; control_id: string; name: string; layer: 'common' | 'overlay'; status: string; description: string; owner: string; updated_at: string | Date;
}

/**
 * The provider's implementation as an OSCAL component definition: the shared platform (common implementations and
 * overlays tied to no service) and one component per service with the overlays that target it.
 */
export async function oscalComponentDefinition(db: Kysely<any>, actor: Actor): Promise<Record<string, unknown>> {
  authorize(actor, 'read', 'oscal');
  authorize(actor, 'read', 'control-implementations');
  return asActor(db, actor, async (trx) => {
    const org = await trx.selectFrom('orgs').select(['org_id', 'name']).executeTakeFirstOrThrow();
    const rows = (await sql<ImplementationRow>`
      SELECT id, control_id, name, layer, status, description, owner, updated_at FROM control_implementations ORDER BY control_id, slug`.execute(trx)).rows;
    const links = (await sql<{ control_implementation_id: string; service_id: string }>`
      SELECT control_implementation_id, service_id FROM control_implementation_services`.execute(trx)).rows;
    const services = (await sql<{ id: string; name: string; slug: string; description: string | null }>`
      SELECT id, name, slug, description FROM services ORDER BY slug`.execute(trx)).rows;
    const servicesOf = new Map<string, string[]>();
    for (const l of links) servicesOf.set(l.control_implementation_id, [...(servicesOf.get(l.control_implementation_id) ?? []), l.service_id]);
    const platform: OscalImplementation[] = [];
    const perService = new Map<string, OscalImplementation[]>();
    let latest = '';
    for (const r of rows) {
      if (r.status === 'not-applicable') continue;
      const impl: OscalImplementation = { controlId: r.control_id, name: r.name, layer: r.layer, status: r.status, description: r.description, owner: r.owner };
      const at = r.updated_at instanceof Date ? r.updated_at.toISOString() : new Date(r.updated_at).toISOString();
      if (at > latest) latest = at;
      const targets = r.layer === 'overlay' ? servicesOf.get(r.id) ?? [] : [];
      if (targets.length === 0) platform.push(impl);
      for (const s of targets) perService.set(s, [...(perService.get(s) ?? []), impl]);
    }
    return renderOscalComponentDefinition({
      provider: org.name,
      providerKey: org.org_id,
      lastModified: latest || CATALOG_LAST_MODIFIED,
      catalogHref: OSCAL_CATALOG_PATH,
      components: [
        { key: 'platform', title: `${org.name} shared platform`, description: 'The shared-platform backbone: common control implementations inherited by every tenant, and overlays for tiers or tenants.', implementations: platform },
        ...services.map((s) => ({ key: s.id, title: s.name, description: s.description || `Overlays for the ${s.name} service.`, implementations: perService.get(s.id) ?? [] })),
      ],
    });
  });
}
