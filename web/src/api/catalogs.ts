/** Shapes of the catalog API (src/model/catalog.ts). */
export interface CatalogSummary {
  id: string;
  name: string;
  version: string;
  source: 'shipped' | 'organization';
  controlCount: number;
  provenance: string;
  frameworkId?: string;
  createdAt?: string;
  createdBy?: string;
}

export interface GdprLink { gdpr: string; article: number; articleTitle: string; reason: string }

export interface CatalogControl { id: string; title: string; group?: string; description?: string; gdpr?: GdprLink[] }

export interface CatalogDetail extends CatalogSummary {
  note?: string;
  groups: Array<{ id: string; title: string }>;
  controls: CatalogControl[];
  clauses?: Array<{ id: string; title: string; parent?: string; level: number }>;
}
