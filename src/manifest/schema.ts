/** The storyboard JSON Schema (schemas/manifest.schema.json) and its compiled validator. */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";

/** The package root's schemas/ folder: the same relative path from src/manifest and dist/manifest. */
const SCHEMA_URL = new URL("../../schemas/manifest.schema.json", import.meta.url);

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  description?: string;
  [keyword: string]: unknown;
}

/** The parsed storyboard schema. */
export const manifestSchema: JsonSchema = JSON.parse(readFileSync(SCHEMA_URL, "utf8"));

/** The schema's text exactly as shipped (for `gallop schema`). */
export function manifestSchemaText(): string {
  return readFileSync(SCHEMA_URL, "utf8");
}

let validator: ValidateFunction | undefined;

/**
 * The schema with its local `#/definitions/...` refs replaced by their content (they are not
 * recursive). ajv calls a separate function per ref and concatenates its errors each time,
 * which is quadratic on a storyboard with thousands of broken shots; one inlined function is not.
 */
function inlineRefs(schema: unknown, definitions: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(item, definitions));
  if (schema === null || typeof schema !== "object") return schema;
  const { $ref, ...rest } = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof $ref === "string" && $ref.startsWith("#/definitions/")) {
    Object.assign(out, inlineRefs(definitions[$ref.slice("#/definitions/".length)], definitions));
  }
  for (const [key, value] of Object.entries(rest)) {
    if (key !== "definitions") out[key] = inlineRefs(value, definitions);
  }
  return out;
}

/** Compiled once, on first use. `verbose` gives each error its schema and data for messages. */
export function schemaValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(
    inlineRefs(manifestSchema, manifestSchema.definitions as Record<string, unknown>) as object,
  );
  return validator;
}

function definition(name: string): JsonSchema {
  return (manifestSchema.definitions as Record<string, JsonSchema>)[name]!;
}

function keysOf(schema: JsonSchema | undefined): string[] {
  return Object.keys(schema?.properties ?? {});
}

/** The keys each kind of mapping accepts, for did-you-mean hints and "belongs in" hints. */
export const KEYS_BY_PLACE: Record<string, string[]> = {
  "at the top level": keysOf(manifestSchema),
  "in `defaults`": keysOf(manifestSchema.properties?.defaults),
  "in `polling`": keysOf(manifestSchema.properties?.polling),
  "in `stitch`": keysOf(manifestSchema.properties?.stitch),
  "in `upload`": keysOf(manifestSchema.properties?.upload),
  "in a shot": keysOf(definition("shot")),
};

/** Values of the model enum, short names first. */
export const MODEL_NAMES = (definition("model").enum ?? []) as string[];
export const SHORT_MODEL_NAMES = MODEL_NAMES.filter((name) => !name.includes("/"));
