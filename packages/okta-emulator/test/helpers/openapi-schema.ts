import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import yaml from 'js-yaml';

/** Okta's Management API description (SPEC-M), unchanged. */
export const MANAGEMENT_YAML = fileURLToPath(new URL('../../reference/management.yaml', import.meta.url));

const AJV_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'email',
  'uri',
  'uri-reference',
  'uuid',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
]);

/** What the converter had to change, so the report can say it. */
export interface ConversionNotes {
  nullable: number;
  discriminatorsDropped: number;
  formatsDropped: Set<string>;
  nonStandardKeywordsDropped: Set<string>;
}

/**
 * Converts OpenAPI 3.0 schema objects to JSON Schema for ajv:
 * - `nullable: true` → the type also admits `null` (and an `enum` gains `null`);
 * - `discriminator` is removed (tests pick the mapped schema themselves);
 * - formats ajv-formats does not know (`password`, `int32`, `int64`, `binary`, ...) are removed;
 * - `x-*`, `example`, `externalDocs`, `xml`, `deprecated` are removed.
 * `readOnly`/`writeOnly` stay (annotations only for ajv).
 */
export function convertSchema(node: unknown, notes: ConversionNotes): unknown {
  if (Array.isArray(node)) return node.map((n) => convertSchema(n, notes));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(src)) {
    if (
      key.startsWith('x-') ||
      key === 'example' ||
      key === 'externalDocs' ||
      key === 'xml' ||
      key === 'deprecated'
    ) {
      notes.nonStandardKeywordsDropped.add(key.startsWith('x-') ? 'x-*' : key);
      continue;
    }
    if (key === 'discriminator') {
      notes.discriminatorsDropped++;
      continue;
    }
    if (key === 'nullable') continue;
    if (key === 'format' && typeof value === 'string' && !AJV_FORMATS.has(value)) {
      notes.formatsDropped.add(value);
      continue;
    }
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convertSchema(v, notes)]),
      );
      continue;
    }
    out[key] = convertSchema(value, notes);
  }
  if (src.nullable === true) {
    notes.nullable++;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined && (out.allOf || out.$ref || out.oneOf || out.anyOf)) {
      const { $ref, allOf, oneOf, anyOf, ...rest } = out;
      return {
        ...rest,
        anyOf: [
          { type: 'null' },
          {
            ...($ref ? { $ref } : {}),
            ...(allOf ? { allOf } : {}),
            ...(oneOf ? { oneOf } : {}),
            ...(anyOf ? { anyOf } : {}),
          },
        ],
      };
    }
  }
  return out;
}

/** Validators for components of SPEC-M, built once per test file (parsing the 3.4 MB YAML takes a moment). */
export interface SpecValidators {
  validator(component: string): ValidateFunction;
  propertyNames(component: string): string[];
  notes: ConversionNotes;
}

export function loadSpecValidators(): SpecValidators {
  const doc = yaml.load(readFileSync(MANAGEMENT_YAML, 'utf8')) as {
    components: { schemas: Record<string, unknown> };
  };
  const notes: ConversionNotes = {
    nullable: 0,
    discriminatorsDropped: 0,
    formatsDropped: new Set(),
    nonStandardKeywordsDropped: new Set(),
  };
  const schemas = convertSchema(doc.components.schemas, notes) as Record<string, unknown>;
  // strict: false — the spec uses keywords ajv does not know in places (e.g. `maximum` on an array).
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default export arrives as the module object.
  const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (
    a: Ajv,
  ) => Ajv;
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://okta.example/management.json', components: { schemas } });
  const cache = new Map<string, ValidateFunction>();
  return {
    notes,
    validator(component) {
      let v = cache.get(component);
      if (v === undefined) {
        v = ajv.getSchema(`https://okta.example/management.json#/components/schemas/${component}`);
        if (v === undefined) throw new Error(`No component schema ${component}`);
        cache.set(component, v);
      }
      return v;
    },
    propertyNames(component) {
      const s = doc.components.schemas[component] as { properties?: Record<string, unknown> } | undefined;
      return Object.keys(s?.properties ?? {});
    },
  };
}
