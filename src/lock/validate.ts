/** Validates a parsed lockfile against schemas/lock.schema.json and a few rules the schema cannot say. */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { LockFile } from "./types.js";

// ajv-formats is CommonJS; its default export arrives as the module object under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let compiled: ValidateFunction | undefined;

export function lockSchema(): object {
  return JSON.parse(
    readFileSync(new URL("../../schemas/lock.schema.json", import.meta.url), "utf8"),
  ) as object;
}

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(ajv);
    compiled = ajv.compile(lockSchema());
  }
  return compiled;
}

export interface LockProblem {
  /** JSON path segments, e.g. ["shots", 3, "takes", 0, "state"] */
  path: (string | number)[];
  message: string;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "enum") {
    return `must be one of ${(params.allowedValues as unknown[]).join(", ")}`;
  }
  if (error.keyword === "additionalProperties") {
    return `unknown field \`${String(params.additionalProperty)}\``;
  }
  if (error.keyword === "required") return `missing field \`${String(params.missingProperty)}\``;
  return error.message ?? "is invalid";
}

function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Problems with a parsed lockfile; empty when it is valid. */
export function validateLock(data: unknown): LockProblem[] {
  const validate = validator();
  if (!validate(data)) {
    return (validate.errors ?? [])
      .filter((e) => e.keyword !== "if")
      .map((e) => ({ path: pathOf(e.instancePath), message: describe(e) }));
  }
  const lock = data as LockFile;
  const problems: LockProblem[] = [];
  const seen = new Set<string>();
  lock.shots.forEach((shot, index) => {
    if (seen.has(shot.id)) {
      problems.push({ path: ["shots", index, "id"], message: `shot \`${shot.id}\` appears twice` });
    }
    seen.add(shot.id);
    const takes = new Set<number>();
    shot.takes.forEach((take, t) => {
      if (takes.has(take.take)) {
        problems.push({
          path: ["shots", index, "takes", t, "take"],
          message: `take ${take.take} of shot \`${shot.id}\` appears twice`,
        });
      }
      takes.add(take.take);
    });
  });
  return problems;
}
