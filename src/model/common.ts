import { Type, type TSchema } from '@sinclair/typebox';

/** A readable identifier, unique per organization and kind of object: lower-case letters, digits and hyphens. */
export const Slug = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$',
  minLength: 1,
  maxLength: 64,
  description: 'Readable identifier, unique per organization: lower-case letters, digits and hyphens, 1–64 characters.',
});

export const Uuid = Type.String({ format: 'uuid', description: 'Object id (UUID).' });

/** A short human label such as a name. */
export const Name = Type.String({ minLength: 1, maxLength: 200 });

/** Longer free text; bounded so that one field cannot fill the database. */
export const Text = (maxLength = 4000, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });

export const Timestamp = Type.String({ format: 'date-time' });

/** A calendar date (YYYY-MM-DD). */
export const DateOnly = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD.' });

/** A string enum that appears as `enum` in JSON Schema and OpenAPI. */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

/** A list with no duplicates and an upper bound. */
export function SetOf<T extends TSchema>(item: T, maxItems = 100, description?: string) {
  return Type.Array(item, { uniqueItems: true, maxItems, ...(description ? { description } : {}) });
}

/** Categories of data a system, flow or vendor handles. */
export const DATA_CATEGORIES = [
  'customer-content',
  'personal-data',
  'special-category-data',
  'credentials',
  'tenant-metadata',
  'telemetry',
  'none',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];
export const DataCategorySchema = StringEnum(DATA_CATEGORIES, 'Category of data.');

/** Categories that make a system or vendor touch a customer's data for scope and GDPR purposes. */
export const CUSTOMER_DATA_CATEGORIES: readonly DataCategory[] = [
  'customer-content',
  'personal-data',
  'special-category-data',
  'credentials',
];

export const Timestamps = {
  createdAt: Timestamp,
  updatedAt: Timestamp,
};
