import { z } from 'zod';
// The surfaces' phrasing of zod's messages, for `motors import` too (it starts no server).
import '../validation-messages.ts';
import { fieldLabel } from '../../core/field-label.ts';
import type { ImportCollection, ImportField, ImportFieldKind, InputSchema } from '../../core/csv-import.ts';
import { customerCreate } from '../records-api/customers.ts';
import { motorCreate } from '../records-api/motors.ts';
import { inventoryItemCreate } from '../records-api/inventory-items.ts';

// What a CSV import validates a row with: the Records API create schema of its collection, the
// same zod object POST /api/public/v1/<collection> parses (so the import has no rules of its
// own). Its fields, and how a cell converts to each, are read from the schema's JSON Schema.

type Json = { type?: string | string[]; anyOf?: Json[]; oneOf?: Json[]; properties?: Record<string, Json>; items?: Json; enum?: unknown[]; $ref?: string };

function importSchemaOf(schema: z.ZodObject): InputSchema {
  const document = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json & { $defs?: Record<string, Json> };
  const deref = (s: Json): Json => (s.$ref ? (document.$defs?.[s.$ref.split('/').at(-1)!] ?? {}) : s);
  const variants = (s: Json): Json[] => {
    const one = deref(s);
    const options = one.anyOf ?? one.oneOf;
    return options ? options.flatMap(variants) : one.type === 'null' ? [] : [one];
  };
  const types = (s: Json) => new Set(variants(s).flatMap((v) => (v.enum ? ['string'] : [v.type ?? []].flat())));
  const kindOf = (s: Json): ImportFieldKind | undefined => {
    const t = types(s);
    if (t.has('number') || t.has('integer')) return 'number';
    if (t.has('boolean')) return 'boolean';
    if (t.has('string')) return 'string';
    if (t.has('array')) return variants(s).some((v) => v.items && types(v.items).has('string') && !types(v.items).has('object')) ? 'list' : 'json';
    if (t.has('object')) return variants(s).some((v) => v.properties) ? undefined : 'json';
    return undefined;
  };
  const root = deref(document);
  const fields: ImportField[] = [];
  for (const [name, property] of Object.entries(root.properties ?? {})) {
    const kind = kindOf(property);
    if (kind) fields.push({ name, label: fieldLabel(name), kind });
    // An object's own fields, one level down (address.city, saleOptions.priceAmount).
    for (const object of variants(property).filter((v) => v.properties)) {
      for (const [sub, subProperty] of Object.entries(object.properties!)) {
        const subKind = kindOf(subProperty);
        if (subKind) fields.push({ name: `${name}.${sub}`, label: fieldLabel(`${name}.${sub}`), kind: subKind });
      }
    }
  }
  return {
    fields,
    parse: (input) => {
      const parsed = schema.safeParse(input);
      if (parsed.success) return { ok: true, input: parsed.data as Record<string, unknown> };
      return { ok: false, errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'row', message: i.message })) };
    },
  };
}

/** The input schema of each importable collection, built once. */
export const importSchemas: Record<ImportCollection, InputSchema> = {
  customers: importSchemaOf(customerCreate),
  motors: importSchemaOf(motorCreate),
  inventoryItems: importSchemaOf(inventoryItemCreate),
};
