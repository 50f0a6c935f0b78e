/** Turning ajv's errors into problems people can act on, pointed at the right YAML node. */
import type { ErrorObject } from "ajv";
import { formatPath, type Locator, type PathSegment, pointerToPath } from "./locate.js";
import { code, messages } from "./messages.js";
import type { ProblemDraft } from "./problem.js";
import { type JsonSchema, KEYS_BY_PLACE, SHORT_MODEL_NAMES } from "./schema.js";
import { closest } from "./suggest.js";

/** Common names people write for a key, and the key gallop uses. */
export const KEY_ALIASES: Record<string, string> = {
  aspect_ratio: "ratio",
  aspect: "ratio",
  image_urls: "images",
  image_url: "images",
  image: "images",
  reference_image: "images",
  reference_images: "images",
  references: "images",
  length: "duration",
  seconds: "duration",
  text: "prompt",
  description: "prompt",
  count: "takes",
  variants: "takes",
  variables: "vars",
  shot: "shots",
  clips: "shots",
  parallel: "concurrency",
};

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping (key: value lines)",
  null: "empty",
};

const UNITS: Record<string, string> = {
  duration: " seconds",
  transition_duration: " seconds",
  initial_delay: " seconds",
  interval: " seconds",
  max_interval: " seconds",
  timeout: " seconds",
};

const DURATION_FIELDS = new Set(["initial_delay", "interval", "max_interval", "timeout"]);

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `the text ${JSON.stringify(shown)}`;
  }
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  if (Array.isArray(value)) return "a list";
  return "a mapping";
}

function expectedType(type: unknown): string {
  const types = Array.isArray(type) ? type : [String(type)];
  return types.map((t) => TYPE_NAMES[t] ?? t).join(" or ");
}

/** "where" words for a mapping at `path`: "at the top level", "in shot `opening`", ... */
function placeOf(path: readonly PathSegment[], data: unknown): string {
  if (path.length === 0) return "at the top level";
  if (path[0] === "shots" && path.length === 2) {
    const id = shotId(data, path[1] as number);
    return id ? `in shot ${code(id)}` : `in shots[${path[1]}]`;
  }
  return `in ${code(formatPath(path))}`;
}

function schemaPlace(path: readonly PathSegment[]): string {
  if (path.length === 0) return "at the top level";
  if (path[0] === "shots" && path.length === 2) return "in a shot";
  return `in ${code(formatPath(path))}`;
}

function shotId(data: unknown, index: number): string | undefined {
  const shots = (data as { shots?: unknown } | null)?.shots;
  const shot = Array.isArray(shots) ? shots[index] : undefined;
  const id = (shot as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : undefined;
}

/** The field's name for messages: `duration`, `images[1]`. */
function fieldName(path: readonly PathSegment[]): string {
  const last = path[path.length - 1];
  if (typeof last === "number") {
    const parent = path[path.length - 2];
    return `${parent ?? ""}[${last}]`;
  }
  return last ?? "storyboard";
}

function baseKey(path: readonly PathSegment[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === "string") return segment;
  }
  return "";
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|-+$/g, "")
    .slice(0, 64);
}

function unknownKeyHint(key: string, place: string): string {
  const allowed = KEYS_BY_PLACE[place] ?? [];
  const alias = KEY_ALIASES[key.toLowerCase()];
  if (alias && allowed.includes(alias)) return messages.didYouMean(alias);
  const near = closest(key, allowed);
  if (near) return messages.didYouMean(near);
  for (const [otherPlace, keys] of Object.entries(KEYS_BY_PLACE)) {
    if (otherPlace !== place && keys.includes(key)) {
      return `${messages.keyBelongsElsewhere(key, otherPlace)}; ${messages.allowedKeys(allowed)}`;
    }
  }
  return messages.allowedKeys(allowed);
}

const MISSING_HINTS: Record<string, string> = {
  version: messages.missingVersionHint,
  shots: messages.missingShotsHint,
  id: messages.missingIdHint,
  command: messages.missingCommandHint,
};

function typeHint(
  field: string,
  expected: unknown,
  value: unknown,
  raw: string | undefined,
): string | undefined {
  const wants = Array.isArray(expected) ? expected : [expected];
  if (value === null) return messages.emptyValueHint(field);
  if (wants.includes("number") || wants.includes("integer")) {
    if (typeof value === "string") {
      const seconds = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?)\s*$/i.exec(value);
      if (seconds) return messages.secondsHint(field, seconds[1]!);
      if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return messages.secondsHint(field, value.trim());
    }
    return undefined;
  }
  if (wants.includes("string")) {
    if (field === "resolution" && (value === 720 || value === 1080)) {
      return messages.resolutionHint(`${value}p`);
    }
    if (typeof value === "number" || typeof value === "boolean") {
      return messages.quoteHint(field, raw ?? String(value));
    }
    if (raw?.trimStart().startsWith("{")) return messages.braceHint;
    return undefined;
  }
  if (wants.includes("array"))
    return field === "shots" ? messages.shotsListHint : messages.listHint(field);
  return undefined;
}

function minMax(
  field: string,
  schema: JsonSchema,
  value: unknown,
): { message: string; hint?: string } {
  const unit = UNITS[field] ?? "";
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) {
    return { message: messages.between(field, minimum, maximum, unit, value) };
  }
  if (minimum !== undefined) return { message: messages.atLeast(field, minimum, unit, value) };
  return { message: messages.atMost(field, maximum ?? 0, unit, value) };
}

function patternProblem(
  field: string,
  path: readonly PathSegment[],
  value: unknown,
): { message: string; hint?: string } {
  const text = String(value);
  const key = baseKey(path);
  if (key === "id" || (path[0] === "stitch" && key === "shots")) {
    const slug = slugify(text);
    return {
      message: messages.badShotId(text),
      hint: slug && slug !== text ? messages.tryInstead(slug) : undefined,
    };
  }
  if (key === "name") return { message: messages.badName(text) };
  if (DURATION_FIELDS.has(key))
    return { message: messages.badDuration(field, describeValue(value)) };
  if (key === "size") return { message: messages.badSize(describeValue(value)) };
  return { message: messages.schemaOther(field, "has the wrong form") };
}

function enumProblem(
  field: string,
  key: string,
  allowed: string[],
  value: unknown,
): { message: string; hint?: string } {
  const shown = key === "model" ? SHORT_MODEL_NAMES : allowed;
  const message = messages.oneOf(field, shown, describeValue(value));
  if (typeof value !== "string") return { message };
  const normalized = key === "ratio" ? value.replace(/[x/]/i, ":") : value;
  const near = closest(normalized, shown);
  if (key === "model" && !near) {
    return { message, hint: "the full ids happyhorse-1-1/text-to-video etc. work too" };
  }
  return { message, hint: near ? messages.didYouMean(near) : undefined };
}

/** One ajv error → one problem (or none when another error at the same place says it better). */
function toDraft(error: ErrorObject, data: unknown, locator: Locator): ProblemDraft {
  const path = pointerToPath(error.instancePath);
  const parentSchema = (error.parentSchema ?? {}) as JsonSchema;
  const field = fieldName(path);
  const value = error.data;
  const base = { rule: "schema", path: formatPath(path) };
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const keyPath = [...path, key];
      if (path.length === 1 && path[0] === "vars") {
        return {
          ...base,
          path: formatPath(keyPath),
          range: locator.key(keyPath),
          message: messages.badVarName(key),
        };
      }
      return {
        ...base,
        path: formatPath(keyPath),
        range: locator.key(keyPath),
        message: messages.unknownKey(key, placeOf(path, data)),
        hint: unknownKeyHint(key, schemaPlace(path)),
      };
    }
    case "required": {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return {
        ...base,
        range: locator.headOf(path),
        message: messages.missingKey(missing, placeOf(path, data)),
        hint: MISSING_HINTS[missing],
      };
    }
    case "type": {
      const expected = (error.params as { type: unknown }).type;
      const raw = locator.raw(path);
      const hint = typeHint(field, expected, value, raw);
      const message =
        value === null
          ? messages.emptyValue(field, expectedType(expected))
          : expected === "integer" && typeof value === "number"
            ? messages.wrongType(field, "a whole number", describeValue(value))
            : messages.wrongType(field, expectedType(expected), describeValue(value));
      return { ...base, range: locator.value(path), message, hint };
    }
    case "const":
      return {
        ...base,
        range: locator.value(path),
        message: messages.version(describeValue(value).replace(/^the number /, "")),
        hint: messages.versionHint,
      };
    case "enum":
      return {
        ...base,
        range: locator.value(path),
        ...enumProblem(field, baseKey(path), (parentSchema.enum ?? []) as string[], value),
      };
    case "minimum":
    case "maximum":
      return { ...base, range: locator.value(path), ...minMax(field, parentSchema, value) };
    case "exclusiveMinimum":
      return {
        ...base,
        range: locator.value(path),
        message: messages.greaterThan(
          field,
          parentSchema.exclusiveMinimum ?? 0,
          UNITS[field] ?? "",
          value,
        ),
      };
    case "pattern":
      return { ...base, range: locator.value(path), ...patternProblem(field, path, value) };
    case "minItems": {
      const what =
        field === "shots"
          ? "one shot"
          : field === "images"
            ? "one image"
            : field === "command"
              ? "the program to run"
              : "one item";
      return { ...base, range: locator.value(path), message: messages.emptyList(field, what) };
    }
    case "minLength":
      return { ...base, range: locator.value(path), message: messages.emptyText(field) };
    default:
      return {
        ...base,
        range: locator.value(path),
        message: messages.schemaOther(field, error.message ?? "is not valid"),
      };
  }
}

/**
 * All of ajv's errors as problems. Where a value has the wrong type, the other errors about
 * the same value (enum, range) are dropped: the type error says it best.
 */
export function schemaProblems(
  errors: readonly ErrorObject[],
  data: unknown,
  locator: Locator,
): ProblemDraft[] {
  const typeErrorAt = new Set(
    errors.filter((e) => e.keyword === "type").map((e) => e.instancePath),
  );
  return errors
    .filter((e) => e.keyword === "type" || !typeErrorAt.has(e.instancePath))
    .map((e) => toDraft(e, data, locator));
}
