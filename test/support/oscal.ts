import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { CATALOG_DIR } from '../../src/catalog/index.js';

/** Ajv over NIST's OSCAL 1.2.1 JSON Schemas (catalogs/oscal/, byte copies of the shared reference), and their version. */
export function oscalValidator(schema: 'catalog' | 'component') {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const doc = JSON.parse(readFileSync(`${CATALOG_DIR}/oscal/oscal_${schema}_schema.json`, 'utf8')) as { $id: string };
  return { validate: ajv.compile(doc), version: /\/oscal\/(\d+\.\d+\.\d+)\//.exec(doc.$id)![1] };
}
